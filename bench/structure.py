"""Benchmark: article structure (title, dateline place, publication date, agencies) against hand labels.

    .venv/bin/python bench/structure.py        # -> bench/results/structure.json

The labels (bench/labels/structure.jsonl, 152 articles) are ours, written by reading each article's
opening lines and every sentence that names an agency: the 119 Russian articles of
../shared/data/ru-news-corus-samples, the 28 German and French ones of de-fr-news-20min-xd, and the five
seeds. A field is labelled only as the text states it: no title when the file has none, no date without its
year, an agency only where the text credits it (not where it is the story: "хакеры взломали Associated
Press").
Each folder goes through a real `newsflow run` into one fresh warehouse; the figures come from the public
views (`articles.title`, `dateline_place`, `published_on`; `article_credits`). Per field and set: precision
(of the values found, the share right) and recall (of the values labelled, the share found); agencies are
scored as (article, agency) pairs. Titles and places compare after case-folding and collapsing whitespace.
"""

from __future__ import annotations

import collections
import datetime
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
LABELS = REPO / "bench" / "labels" / "structure.jsonl"
RESULTS = REPO / "bench" / "results" / "structure.json"
FOLDERS = {
    "ru-news-corus-samples": DATA / "ru-news-corus-samples" / "txt",
    "de-fr-news-20min-xd": DATA / "de-fr-news-20min-xd" / "txt",
    "seeds": REPO / "seeds",
}
FIELDS = ("title", "dateline_place", "published_on")
FOUND = """
SELECT a.source_root, a.source_path, a.title, a.dateline_place, CAST(a.published_on AS VARCHAR),
       list(c.agency ORDER BY c.agency) FILTER (WHERE c.agency IS NOT NULL)
FROM articles AS a LEFT JOIN article_credits AS c USING (document_id)
GROUP BY ALL
"""


def same(value: str | None) -> str | None:
    return " ".join(value.casefold().split()) if value else None


def read_found(db: Path) -> dict[tuple[str, str], dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(FOUND).fetchall()
    finally:
        con.close()
    sets = {str(folder.resolve()): name for name, folder in FOLDERS.items()}
    return {
        (sets[root], Path(path).stem): {
            "title": title,
            "dateline_place": place,
            "published_on": date,
            "agencies": agencies or [],
        }
        for root, path, title, place, date, agencies in rows
    }


def score(labels: list[dict[str, Any]], found: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    tally: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    wrong: dict[str, list[Any]] = collections.defaultdict(list)
    for label in labels:
        got = found.get((label["set"], label["id"]), {})
        for scope in (label["set"], "all"):
            for field in FIELDS:
                truth, value = same(label[field]), same(got.get(field))
                tally[f"{scope}/{field}"]["labelled"] += truth is not None
                tally[f"{scope}/{field}"]["found"] += value is not None
                tally[f"{scope}/{field}"]["right"] += truth is not None and truth == value
                if scope == "all" and truth != value:
                    # Titles by presence only: the results file holds no text of the articles.
                    shown = (label[field], got.get(field))
                    if field == "title":
                        shown = (truth is not None, value is not None)
                    wrong[field].append([label["id"], *shown])
            truth_set, value_set = set(label["agencies"]), set(got.get("agencies", []))
            tally[f"{scope}/agencies"]["labelled"] += len(truth_set)
            tally[f"{scope}/agencies"]["found"] += len(value_set)
            tally[f"{scope}/agencies"]["right"] += len(truth_set & value_set)
            if scope == "all" and truth_set != value_set:
                wrong["agencies"].append([label["id"], sorted(truth_set), sorted(value_set)])
    scores = {
        key: {
            **counts,
            "precision": round(counts["right"] / max(counts["found"], 1), 3),
            "recall": round(counts["right"] / max(counts["labelled"], 1), 3),
        }
        for key, counts in sorted(tally.items())
    }
    return {"scores": scores, "misses": wrong}


def read_labels() -> list[dict[str, Any]]:
    """The labels name the title by its line (1-based, blank lines not counted): the texts are the
    publishers' and stay in ../shared, out of this repository."""
    labels = []
    for row in LABELS.read_text(encoding="utf-8").splitlines():
        label = json.loads(row)
        text = (FOLDERS[label["set"]] / f"{label['id']}.txt").read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        number = label.pop("title_line")
        labels.append(label | {"title": lines[number - 1] if number else None})
    return labels


def main() -> None:
    labels = read_labels()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        for folder in FOLDERS.values():
            subprocess.run(
                [str(REPO / ".venv" / "bin" / "newsflow"), "run", "--source", str(folder), "--db", str(db)],
                check=True, cwd=REPO, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        found = read_found(db)
    result = score(labels, found)
    print(f"{'set/field':<40} {'labelled':>8} {'found':>6} {'right':>6} {'precision':>9} {'recall':>7}")
    for key, s in result["scores"].items():
        counts = f"{s['labelled']:>8} {s['found']:>6} {s['right']:>6}"
        print(f"{key:<40} {counts} {s['precision']:>9.3f} {s['recall']:>7.3f}")
    for field, misses in result["misses"].items():
        print(f"\nmisses, {field} ({len(misses)}):")
        for miss in misses[:12]:
            print("  ", *miss)
    RESULTS.write_text(
        json.dumps(
            {
                "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {platform.python_version()}",
                "command": "python bench/structure.py",
                "articles": len(labels),
                **result,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten: {RESULTS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
