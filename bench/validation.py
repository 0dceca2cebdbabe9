"""Benchmark: the quality gate on a warehouse of N paragraphs (default 1,000,000).

    .venv/bin/python bench/validation.py [--paragraphs 1000000]

Builds a synthetic warehouse with the real schema in a temporary folder (documents of 10
paragraph occurrences, ~8% of them repeats or copies, texts cut from the seed articles), then
times every suite, with and without building Data Docs, and records peak RSS: first as the run that
wrote every row, then as a second run that changed 1% of the documents (the gate audits the rows a
run changed: warehouse/sql/audit_scope.sql). Writes bench/results/validation-<N>.json.
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
from warehouse.audit_scope import mark_audit_scope
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
       NULL, NULL, NULL, $per_document, $per_document - CASE WHEN d % 6 = 0 THEN 1 ELSE 0 END, true, 1, NULL, 1
FROM range($documents) AS t(d);
INSERT INTO core.document_paragraphs (document_id, position, paragraph_id, text_variant, is_repeat_in_document,
                                     is_duplicate_of_earlier_document, kept_document_id, kept_position, changed_run)
SELECT 'doc' || d, p + 1, md5(CASE WHEN p = 9 AND d % 6 = 0 THEN (d * $per_document)::VARCHAR
                                   ELSE (d * $per_document + p)::VARCHAR END),
       NULL, p = 9 AND d % 6 = 0, false, 'doc' || d, CASE WHEN p = 9 AND d % 6 = 0 THEN 1 ELSE p + 1 END, 1
FROM range($documents) AS t(d), range($per_document) AS u(p);
INSERT INTO core.source_files
SELECT $root, 'article_' || d || '.txt', 1000, 0, md5(d::VARCHAR), 'utf-8', 'doc' || d, 'loaded', NULL, 1, 1, NULL
FROM range($documents) AS t(d);
INSERT INTO core.runs (run_id, source_root, started_at, status, files_seen, files_loaded, files_unchanged,
                       files_quarantined, files_deleted)
VALUES (1, $root, now(), 'running', $documents, $documents, 0, 0, 0);
"""
# Run 2 rewrote every hundredth document (as a run that read 1% of the files again decides their occurrences).
CHANGE_ONE_PERCENT = """
UPDATE core.runs SET status = 'completed' WHERE run_id = 1;
INSERT INTO core.run_counters VALUES (1, 'warehouse', 'paragraphs', $paragraphs);
INSERT INTO core.runs (run_id, source_root, started_at, status, files_seen, files_loaded, files_unchanged,
                       files_quarantined, files_deleted, paragraphs_new)
VALUES (2, $root, now(), 'running', $documents, $changed, $documents - $changed, 0, 0, 0);
UPDATE core.documents SET changed_run = 2 WHERE CAST(substr(document_id, 4) AS BIGINT) % 100 = 0;
UPDATE core.document_paragraphs SET changed_run = 2 WHERE CAST(substr(document_id, 4) AS BIGINT) % 100 = 0;
"""


def run_statements(db: Path, script: str, params: dict, *first: list) -> None:
    con = connect(db)
    statements = [s for s in script.split(";") if s.strip()]
    if first:
        con.execute(statements.pop(0), first)
    for statement in statements:
        con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    con.execute("CHECKPOINT")
    con.close()


def audit(db: Path, run_id: int) -> dict[str, int]:
    con = connect(db)
    try:
        return mark_audit_scope(con, run_id)
    finally:
        con.close()


def build(db: Path, paragraphs: int) -> None:
    lines = [
        line.strip()[:400]
        for seed in sorted((REPO / "seeds").iterdir())
        for line in seed.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    documents = paragraphs // PER_DOCUMENT
    params = {"paragraphs": paragraphs, "documents": documents, "per_document": PER_DOCUMENT, "root": "/bench"}
    run_statements(db, BUILD, params, lines)


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
        timings, scopes, failed = {}, {}, []
        for run_id, run in ((1, "every_row"), (2, "one_percent_changed")):
            if run_id == 2:
                documents = args.paragraphs // PER_DOCUMENT
                params = {"root": "/bench", "documents": documents, "changed": documents // 100}
                params["paragraphs"] = args.paragraphs
                run_statements(db, CHANGE_ONE_PERCENT, params)
            started = time.perf_counter()
            scopes[run] = audit(db, run_id) | {"seconds": round(time.perf_counter() - started, 2)}
            for label, docs in (("without_data_docs", None), ("with_data_docs", Path(folder) / "docs")):
                started = time.perf_counter()
                results = validate_warehouse(db, run_id, config, docs)
                timings[f"{run}_{label}"] = round(time.perf_counter() - started, 2)
            failed += [f"run {run_id}: {r.suite}.{r.expectation}" for r in results if not r.success]
        size_mb = db.stat().st_size / 1e6
    record = {
        "paragraphs": args.paragraphs,
        "occurrences": args.paragraphs,
        "documents": args.paragraphs // PER_DOCUMENT,
        "warehouse_mb": round(size_mb, 1),
        "build_s": round(built, 1),
        "validate_s": timings,
        "audit_scope": scopes,
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
