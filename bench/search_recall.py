"""Recall@10 of `newsflow search` on hand-labelled Russian, German and Kazakh queries.

Each query of `bench/labels/search_recall.jsonl` is one inflected form of a word, with the forms
of that word written out by hand: a paragraph is relevant when it holds one of them as a whole
word. The query must find paragraphs that hold the *other* forms: what stemming is for. Relevance
is counted per near-duplicate cluster, as search shows one hit per cluster.

    recall@10 = relevant clusters among the first 10 hits / min(10, relevant clusters)
    recall@1000 = relevant clusters among the first 1000 hits / min(1000, relevant clusters)

Where a query's own form is in more than 10 paragraphs, recall@10 only asks whether the first 10
hits are all forms of the word; recall@1000 asks whether the other forms are found at all.

It compares the ways a query word meets its forms (warehouse/search.py MATCHING): Snowball stems
alone, with Kazakh words whole ("before"), against each rule on its own and all of them ("after").

Build the warehouse first, from the real corpora of ../shared/data (see bench/README.md), then:

    .venv/bin/python bench/search_recall.py --db /tmp/search-bench/w.duckdb
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from warehouse.connection import connect_reader
from warehouse.search import MATCHING, search_paragraphs

LABELS = Path(__file__).with_name("labels") / "search_recall.jsonl"
RESULTS = Path(__file__).with_name("results") / "search_recall.json"
K = (10, 1000)
CLUSTERED = """
SELECT DISTINCT o.paragraph_id, o.text, coalesce(c.cluster_id, o.paragraph_id) AS cluster
FROM paragraph_occurrences AS o LEFT JOIN core.near_clusters AS c USING (paragraph_id)
WHERE o.language = ?
"""
CLUSTER_OF = "SELECT coalesce(max(cluster_id), ?) FROM core.near_clusters WHERE paragraph_id = ?"
RULES = {
    "before": {},
    "ru variant": {"ru": MATCHING["ru"]},
    "kk suffixes": {"kk": MATCHING["kk"]},
    "after": MATCHING,
}


def relevant_clusters(con: duckdb.DuckDBPyConnection, language: str, forms: list[str]) -> set[str]:
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, forms)) + r")\b", re.IGNORECASE)
    return {cluster for _, text, cluster in con.execute(CLUSTERED, [language]).fetchall() if pattern.search(text)}


def found_clusters(con: duckdb.DuckDBPyConnection, query: str, language: str, matching: dict[str, str]) -> list[str]:
    ranked, _ = search_paragraphs(con, query, language, max(K), matching)
    ids = [row[0] for row in ranked.select("paragraph_id").fetchall()]
    return [con.execute(CLUSTER_OF, [paragraph_id, paragraph_id]).fetchone()[0] for paragraph_id in ids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a warehouse built from the corpora")
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args()
    labels = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    con = connect_reader(args.db.resolve())
    rows = []
    for label in labels:
        relevant = relevant_clusters(con, label["lang"], label["forms"])
        row = {"lang": label["lang"], "query": label["query"], "relevant": len(relevant)}
        for name, matching in RULES.items():
            found = found_clusters(con, label["query"], label["lang"], matching)
            for k in K:
                row[f"{name} @{k}"] = len(relevant & set(found[:k])) / min(k, len(relevant)) if relevant else None
        rows.append(row)
    con.close()
    columns = [f"{name} @{k}" for k in K for name in RULES]
    print(f"{'lang':4} {'query':14} {'rel':>4} " + " ".join(f"{column:>17}" for column in columns))
    for row in rows:
        print(f"{row['lang']:4} {row['query']:14} {row['relevant']:>4} "
              + " ".join(f"{row[column]:>17.2f}" for column in columns))  # fmt: skip
    summary = {}
    for language in ("ru", "de", "kk", "all"):
        chosen = [row for row in rows if language in ("all", row["lang"]) and row["relevant"]]
        summary[language] = {column: round(sum(row[column] for row in chosen) / len(chosen), 3) for column in columns}
        summary[language]["queries"] = len(chosen)
        print(f"mean {language:3} ({len(chosen):2} queries) "
              + " ".join(f"{summary[language][column]:>17.3f}" for column in columns))  # fmt: skip
    RESULTS.write_text(json.dumps({"k": K, "queries": rows, "mean": summary}, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
