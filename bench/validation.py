"""Benchmark: the quality gate on a warehouse of N paragraphs (default 1,000,000).

    .venv/bin/python bench/validation.py [--paragraphs 1000000]

Builds a synthetic warehouse with the real schema in a temporary folder (documents of 10
paragraph occurrences, ~8% of them repeats or copies, texts cut from the seed articles), then
times every suite, with and without building Data Docs, and records peak RSS. Writes
bench/results/validation-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
from pathlib import Path

from expectations.config import QualityConfig
from expectations.runner import validate_warehouse
from flows.settings import DEFAULT_LANGUAGES, apply_offline_environment
from warehouse.connection import connect

REPO = Path(__file__).resolve().parent.parent
PER_DOCUMENT = 10

BUILD = """
CREATE TEMP TABLE lines AS
SELECT row_number() OVER () - 1 AS n, line FROM (SELECT unnest(?) AS line);
INSERT INTO core.paragraphs
SELECT md5(i::VARCHAR), 'Absatz ' || i || ': ' || l.line,
       ['de', 'kk', 'ru'][1 + i % 3], length('Absatz ' || i || ': ' || l.line), 1
FROM range($paragraphs) AS t(i) JOIN lines AS l ON l.n = i % (SELECT count(*) FROM lines);
INSERT INTO core.documents
SELECT 'doc' || d, $root, 'article_' || d || '.txt', md5(d::VARCHAR), 'utf-8', NULL, ['de', 'kk', 'ru'][1 + d % 3],
       NULL, NULL, NULL, $per_document, $per_document - CASE WHEN d % 6 = 0 THEN 1 ELSE 0 END, true, 1, NULL
FROM range($documents) AS t(d);
INSERT INTO core.document_paragraphs (document_id, position, paragraph_id, text_variant, is_repeat_in_document,
                                     is_duplicate_of_earlier_document, kept_document_id, kept_position)
SELECT 'doc' || d, p + 1, md5(CASE WHEN p = 9 AND d % 6 = 0 THEN (d * $per_document)::VARCHAR
                                   ELSE (d * $per_document + p)::VARCHAR END),
       NULL, p = 9 AND d % 6 = 0, false, 'doc' || d, CASE WHEN p = 9 AND d % 6 = 0 THEN 1 ELSE p + 1 END
FROM range($documents) AS t(d), range($per_document) AS u(p);
INSERT INTO core.source_files
SELECT $root, 'article_' || d || '.txt', 1000, 0, md5(d::VARCHAR), 'utf-8', 'doc' || d, 'loaded', NULL, 1, 1, NULL
FROM range($documents) AS t(d);
INSERT INTO core.runs (run_id, source_root, started_at, status, files_seen, files_loaded, files_unchanged,
                       files_quarantined, files_deleted)
VALUES (1, $root, now(), 'running', $documents, $documents, 0, 0, 0);
"""


def build(db: Path, paragraphs: int) -> None:
    lines = [
        line.strip()[:400]
        for seed in sorted((REPO / "seeds").iterdir())
        for line in seed.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    con = connect(db)
    documents = paragraphs // PER_DOCUMENT
    params = {"paragraphs": paragraphs, "documents": documents, "per_document": PER_DOCUMENT, "root": "/bench"}
    statements = [s for s in BUILD.split(";") if s.strip()]
    con.execute(statements[0], [lines])
    for statement in statements[1:]:
        con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    con.execute("CHECKPOINT")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    args = parser.parse_args()
    apply_offline_environment()
    config = QualityConfig(languages=DEFAULT_LANGUAGES)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        started = time.perf_counter()
        build(db, args.paragraphs)
        built = time.perf_counter() - started
        timings = {}
        for label, docs in (("without_data_docs", None), ("with_data_docs", Path(folder) / "docs")):
            started = time.perf_counter()
            results = validate_warehouse(db, 1, config, docs)
            timings[label] = round(time.perf_counter() - started, 2)
        failed = [f"{r.suite}.{r.expectation}" for r in results if not r.success]
        size_mb = db.stat().st_size / 1e6
    record = {
        "paragraphs": args.paragraphs,
        "occurrences": args.paragraphs,
        "documents": args.paragraphs // PER_DOCUMENT,
        "warehouse_mb": round(size_mb, 1),
        "build_s": round(built, 1),
        "validate_s": timings,
        "expectations": len(results),
        "failed": failed,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
    }
    out = REPO / "bench" / "results" / f"validation-{args.paragraphs}.json"
    out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
