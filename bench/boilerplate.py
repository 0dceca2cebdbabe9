"""Benchmark: boilerplate flagged and article text kept, on labelled real pages, against jusText.

    .venv/bin/python bench/boilerplate.py        # -> bench/results/boilerplate.json (needs the `bench` group)

Two labelled sets of ../shared/data:
  web-boilerplate-trafilatura  949 real pages (one line per HTML block), with trafilatura's labelled
                               must-keep and must-drop snippets (pages.jsonl);
  de-fr-news-20min-xd          28 Swiss news articles; the labels are ours, by reading every file
                               (bench/labels/20min-boilerplate.jsonl, by line number: promo footers and box
                               labels to drop, the headline, credits and every paragraph of 70+ characters
                               to keep).
Each folder goes through a real `newsflow run` into a fresh warehouse, so the rules of the prepare step and
the lines recurring across the folder (learned in the warehouse) both count. A snippet is measured where it
lies inside one paragraph occurrence; it is kept when one of its occurrences is not boilerplate (it is in
`articles.text`), dropped when all of them are. jusText (justext 3, its stoplist for the page's language,
language-independent mode for the others) classifies the same paragraphs of the same documents, each
document as <p> blocks in reading order; it sees no links or tags, as newsflow does not.
Per language: the share of must-drop snippets dropped and of must-keep snippets kept, and the misses by kind.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import platform
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path
from typing import Any

import duckdb
import justext

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
TRAFILATURA = DATA / "web-boilerplate-trafilatura"
TWENTY_MIN = DATA / "de-fr-news-20min-xd"
LABELS_20MIN = REPO / "bench" / "labels" / "20min-boilerplate.jsonl"
RESULTS = REPO / "bench" / "results" / "boilerplate.json"
STOPLISTS = {
    "de": "German", "en": "English", "fr": "French", "es": "Spanish", "ru": "Russian", "kk": "Kazakh",
    "pt": "Portuguese", "it": "Italian", "pl": "Polish", "fi": "Finnish",
}  # fmt: skip
REPORTED_LANGUAGES = ("de", "en", "es", "fr")
OCCURRENCES = """
SELECT source_path, position, text, is_boilerplate, boilerplate_reason
FROM paragraph_occurrences ORDER BY source_path, position
"""


def run_newsflow(source: Path, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "newsflow"), "run", "--source", str(source), "--db", str(db)],
        check=True, cwd=REPO, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def read_documents(db: Path) -> dict[str, list[tuple[str, bool, str | None]]]:
    """source id -> [(text, is_boilerplate, reason)] in reading order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(OCCURRENCES).fetchall()
    finally:
        con.close()
    documents: dict[str, list[tuple[str, bool, str | None]]] = collections.defaultdict(list)
    for path, _, text, flagged, reason in rows:
        documents[Path(path).stem].append((text, flagged, reason))
    return documents


def justext_flags(lines: list[str], language: str) -> list[bool]:
    """jusText's verdict (True: boilerplate) on each line, the lines given as the <p> blocks of one page."""
    html = "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in lines) + "</body></html>"
    name = STOPLISTS.get(language)
    if name:
        blocks = justext.justext(html.encode("utf-8"), justext.get_stoplist(name), encoding="utf-8")
    else:  # jusText's language-independent mode: no stopword test
        blocks = justext.justext(html.encode("utf-8"), frozenset(), stopwords_low=0, stopwords_high=0, encoding="utf-8")
    flags = [block.is_boilerplate for block in blocks]
    # jusText drops nothing it was given, but check: the flags must line up with the lines.
    if len(flags) != len(lines):
        raise RuntimeError(f"jusText returned {len(flags)} blocks for {len(lines)} lines")
    return flags


def line_kind(line: str) -> str:
    words = len(line.split())
    if not any(ch.isalpha() for ch in line):
        return "no letters (numbers, dates, symbols)"
    if words <= 3:
        return "short label (1-3 words)"
    if words <= 12:
        return "short line (4-12 words)"
    return "long line (13+ words)"


def score(
    pages: list[dict[str, Any]], documents: dict[str, list[tuple[str, bool, str | None]]]
) -> dict[str, dict[str, Any]]:
    """Per method and language: snippets kept / dropped, and the misses by kind."""
    tallies: dict[str, dict[str, collections.Counter[str]]] = {
        method: collections.defaultdict(collections.Counter) for method in ("newsflow", "justext")
    }
    for page in pages:
        occurrences = documents.get(page["id"])
        if not occurrences:
            continue
        lines = [text for text, _, _ in occurrences]
        verdicts = {
            "newsflow": [(flagged, reason or "") for _, flagged, reason in occurrences],
            "justext": [(flagged, "justext") for flagged in justext_flags(lines, page["lang"])],
        }
        language = page["lang"] if page["lang"] in REPORTED_LANGUAGES else "other"
        for label, snippets in (("keep", page["must_keep"]), ("drop", page["must_drop"])):
            for snippet in snippets:
                found = [i for i, line in enumerate(lines) if snippet in line]
                for method, flags in verdicts.items():
                    tally = tallies[method][language]
                    if not found:
                        tally[f"{label}_not_in_one_paragraph"] += 1
                        continue
                    tally[f"{label}_measured"] += 1
                    kept = any(not flags[i][0] for i in found)
                    if label == "keep" and kept:
                        tally["keep_ok"] += 1
                    elif label == "keep":
                        tally[f"keep_miss: flagged {flags[found[0]][1]}"] += 1
                    elif not kept:
                        tally["drop_ok"] += 1
                    else:
                        tally[f"drop_miss: {line_kind(lines[found[0]])}"] += 1
    return {method: summarize(per_language) for method, per_language in tallies.items()}


def summarize(per_language: dict[str, collections.Counter[str]]) -> dict[str, Any]:
    total: collections.Counter[str] = collections.Counter()
    out: dict[str, Any] = {}
    for language, tally in sorted(per_language.items()):
        total.update(tally)
        out[language] = shares(tally)
    out["all"] = shares(total)
    return out


def shares(tally: collections.Counter[str]) -> dict[str, Any]:
    return {
        "must_drop": tally["drop_measured"],
        "dropped": round(tally["drop_ok"] / max(tally["drop_measured"], 1), 4),
        "must_keep": tally["keep_measured"],
        "kept": round(tally["keep_ok"] / max(tally["keep_measured"], 1), 4),
        "not_in_one_paragraph": tally["keep_not_in_one_paragraph"] + tally["drop_not_in_one_paragraph"],
        "misses": dict(sorted((k, v) for k, v in tally.items() if "_miss" in k)),
    }


def trafilatura_pages() -> list[dict[str, Any]]:
    pages = []
    with (TRAFILATURA / "pages.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            page = json.loads(line)
            pages.append({"id": page["id"], "lang": page["lang"], "must_keep": page["must_contain"],
                          "must_drop": page["must_not_contain"]})  # fmt: skip
    return pages


def twenty_min_pages() -> list[dict[str, Any]]:
    """The labels name lines by number (1-based, blank lines not counted): the texts are the
    publisher's and stay in ../shared, out of this repository."""
    pages = []
    with LABELS_20MIN.open(encoding="utf-8") as rows:
        for row in rows:
            label = json.loads(row)
            text = (TWENTY_MIN / "txt" / f"{label['id']}.txt").read_text(encoding="utf-8")
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            pages.append({"id": label["id"], "lang": label["lang"],
                          "must_keep": [lines[n - 1] for n in label["must_keep_lines"]],
                          "must_drop": [lines[n - 1] for n in label["must_drop_lines"]]})  # fmt: skip
    return pages


def print_table(name: str, scores: dict[str, dict[str, Any]]) -> None:
    print(f"\n{name}")
    columns = f"{'must-drop':>9} {'newsflow':>9} {'jusText':>8} | {'must-keep':>9} {'newsflow':>9} {'jusText':>8}"
    print(f"{'language':<9} {columns}")
    for language in scores["newsflow"]:
        ours, theirs = scores["newsflow"][language], scores["justext"][language]
        print(
            f"{language:<9} {ours['must_drop']:>9} {ours['dropped']:>9.1%} {theirs['dropped']:>8.1%} | "
            f"{ours['must_keep']:>9} {ours['kept']:>9.1%} {theirs['kept']:>8.1%}"
        )
    for method in ("newsflow", "justext"):
        print(f"  misses, {method}: {scores[method]['all']['misses']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=["20min", "trafilatura"], help="score one set only (not written)")
    only = parser.parse_args().set
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "justext": justext.__version__ if hasattr(justext, "__version__") else "3",
        "command": "python bench/boilerplate.py",
        "sets": {},
    }
    for name, folder, pages in (
        ("de-fr-news-20min-xd", TWENTY_MIN / "txt", twenty_min_pages()),
        ("web-boilerplate-trafilatura", TRAFILATURA / "txt", trafilatura_pages()),
    ):
        if only and only not in name.replace("-", ""):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.duckdb"
            seconds = run_newsflow(folder, db)
            documents = read_documents(db)
        scores = score(pages, documents)
        results["sets"][name] = {"newsflow_run_seconds": round(seconds, 1), "documents": len(documents), **scores}
        print_table(name, scores)
    if only:
        return
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {RESULTS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
