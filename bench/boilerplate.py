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
The trafilatura pages are split in two halves by a hash of the page id (nearly every page is its own site):
the rules were tuned looking at the `dev` half only, and the model (tasks/boilerplate_model.py) was trained on
it alone (bench/train_boilerplate.py); the `held-out` half, overall and per language, is the honest figure.

Two more measurements, each its own run:
  --news     the share of paragraphs flagged in real runs over the news sets (ru, de, kk), by rule, and prints a
             sample of them to read (not written: the texts are the publishers'): news must not lose its paragraphs;
  --cost DIR the time of the rules and the model (tasks/boilerplate.py: hint_boilerplate) per MB of DIR's files,
             in batches of 500 files as the prepare step sees them (e.g. /tmp/newsflow-corpus/100MB).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import json
import platform
import re
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
sys.path.insert(0, str(REPO))
from tasks.boilerplate_patterns import READER_WORDS as READER_PATTERN  # noqa: E402

DATA = REPO.parent / "shared" / "data"
TRAFILATURA = DATA / "web-boilerplate-trafilatura"
TWENTY_MIN = DATA / "de-fr-news-20min-xd"
LABELS_20MIN = REPO / "bench" / "labels" / "20min-boilerplate.jsonl"
RESULTS = REPO / "bench" / "results" / "boilerplate.json"
RESULTS_NEWS = REPO / "bench" / "results" / "boilerplate_news.json"
RESULTS_COST = REPO / "bench" / "results" / "boilerplate_cost.json"
STOPLISTS = {
    "de": "German", "en": "English", "fr": "French", "es": "Spanish", "ru": "Russian", "kk": "Kazakh",
    "pt": "Portuguese", "it": "Italian", "pl": "Polish", "fi": "Finnish",
}  # fmt: skip
REPORTED_LANGUAGES = ("de", "en", "es", "fr")
NEWS_SETS = {
    "ru-news-corus-samples": DATA / "ru-news-corus-samples" / "txt",
    "de-news-10kgnad-test": DATA / "de-news-10kgnad-test" / "txt",
    "kk-news-sentences-kaznerd": DATA / "kk-news-sentences-kaznerd",
}
COST_BATCH_FILES = 500  # flows/settings.py DEFAULT_BATCH_FILES
SAMPLE_FLAGGED = 15
# Rough kinds of the lines a rule missed, to name them in the report (bench/README.md).
DATE_OR_LABEL = re.compile(
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|^(?:by|von|par|por|автор)\s|:$", re.IGNORECASE
)
# The words to the reader or of "us" that the boilerplate model counts as a feature.
READER_WORDS = re.compile(READER_PATTERN)
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
    """A rough kind of a line a method left, by its form: the report names the misses by these."""
    words = len(line.split())
    if not any(ch.isalpha() for ch in line):
        return "no letters (numbers, dates, symbols)"
    if DATE_OR_LABEL.search(line) and words <= 12:
        return "date, byline or label (… :)"
    if READER_WORDS.search(line):
        return "speaks to the reader or of us (call to action, site or author blurb)"
    if words <= 3:
        return "short label (1-3 words), menu or heading"
    if words <= 16 and not line.rstrip().endswith((".", ",", ";", ":")):
        return "title-like line (4-16 words), another story's headline or a heading"
    return "prose (a sentence, an excerpt, a comment)"


def half(page_id: str) -> str:
    """The page's half of the labelled set: rules are tuned on `dev`, `held-out` checks them."""
    return "dev" if hashlib.blake2b(page_id.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


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
        side = f"half: {half(page['id'])}"
        groups = (language, side, f"{side}: {language}") if page.get("split") else (language,)
        for label, snippets in (("keep", page["must_keep"]), ("drop", page["must_drop"])):
            for snippet in snippets:
                found = [i for i, line in enumerate(lines) if snippet in line]
                for method, flags in verdicts.items():
                    for group in groups:
                        tally_snippet(tallies[method][group], label, found, flags, lines)
    return {method: summarize(per_language) for method, per_language in tallies.items()}


def tally_snippet(
    tally: collections.Counter[str], label: str, found: list[int], flags: list[tuple[bool, str]], lines: list[str]
) -> None:
    if not found:
        tally[f"{label}_not_in_one_paragraph"] += 1
        return
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


def summarize(per_language: dict[str, collections.Counter[str]]) -> dict[str, Any]:
    total: collections.Counter[str] = collections.Counter()
    out: dict[str, Any] = {}
    for language, tally in sorted(per_language.items()):
        if not language.startswith("half: "):
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
                          "must_drop": page["must_not_contain"], "split": True})  # fmt: skip
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
    print(f"{'language':<16} {columns}")
    for language in scores["newsflow"]:
        ours, theirs = scores["newsflow"][language], scores["justext"][language]
        print(
            f"{language:<16} {ours['must_drop']:>9} {ours['dropped']:>9.1%} {theirs['dropped']:>8.1%} | "
            f"{ours['must_keep']:>9} {ours['kept']:>9.1%} {theirs['kept']:>8.1%}"
        )
    for method in ("newsflow", "justext"):
        print(f"  misses, {method}: {scores[method]['all']['misses']}")


def flagged_in_news() -> dict[str, Any]:
    """Per news set: the paragraph occurrences a real run flags, by rule, and a sample of them."""
    out: dict[str, Any] = {}
    for name, folder in NEWS_SETS.items():
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.duckdb"
            run_newsflow(folder, db)
            documents = read_documents(db)
        occurrences = [occurrence for document in documents.values() for occurrence in document]
        flagged = [(text, reason) for text, is_flagged, reason in occurrences if is_flagged]
        step = max(len(flagged) // SAMPLE_FLAGGED, 1)
        out[name] = {
            "documents": len(documents),
            "paragraphs": len(occurrences),
            "flagged": len(flagged),
            "flagged_share": round(len(flagged) / max(len(occurrences), 1), 5),
            "flagged_chars_share": round(
                sum(len(text) for text, _ in flagged) / max(sum(len(text) for text, _, _ in occurrences), 1), 5
            ),
            "by_rule": dict(collections.Counter(reason for _, reason in flagged).most_common()),
        }
        print(f"{name}: {json.dumps(out[name], ensure_ascii=False, indent=1)}")
        print_sample([f"{reason}: {text[:160]}" for text, reason in flagged[::step][:SAMPLE_FLAGGED]])
    return out


def rules_cost(folder: Path) -> dict[str, Any]:
    """Seconds of hint_boilerplate (rules and model) over the folder's .txt files, in the prepare step's batches."""
    import polars as pl

    from tasks.boilerplate import hint_boilerplate
    from tasks.segment import segment_documents

    files = sorted(folder.rglob("*.txt"))
    seconds = megabytes = 0.0
    paragraphs = 0
    # The rules and the model flag these (no recurring lines: they need the warehouse): on news, few.
    flagged: collections.Counter[str] = collections.Counter()
    samples: list[str] = []
    for start in range(0, len(files), COST_BATCH_FILES):
        batch = files[start : start + COST_BATCH_FILES]
        texts = [path.read_bytes() for path in batch]
        megabytes += sum(map(len, texts)) / 1e6
        documents = pl.DataFrame(
            {"document_id": [str(path) for path in batch], "text": [t.decode("utf-8", "replace") for t in texts]}
        )
        segmented, _ = segment_documents(documents)
        paragraphs += segmented.height
        started = time.perf_counter()
        hinted = hint_boilerplate(segmented)
        seconds += time.perf_counter() - started
        hits = hinted.filter(pl.col("boilerplate_hint").is_not_null())
        flagged.update(hits["boilerplate_hint"].to_list())
        samples += [f"{reason}: {text[:160]}" for text, reason in hits.select("text", "boilerplate_hint").rows()[:2]]
    out = {
        "folder": str(folder),
        "files": len(files),
        "megabytes": round(megabytes, 1),
        "paragraphs": paragraphs,
        "seconds": round(seconds, 2),
        "seconds_per_mb": round(seconds / max(megabytes, 1e-9), 4),
        "flagged": sum(flagged.values()),
        "flagged_share": round(sum(flagged.values()) / max(paragraphs, 1), 5),
        "by_rule": dict(flagged.most_common()),
    }
    print(json.dumps(out, indent=1))
    print_sample(samples[:: max(len(samples) // SAMPLE_FLAGGED, 1)][:SAMPLE_FLAGGED])
    return out


def print_sample(lines: list[str]) -> None:
    """Show what was flagged, to read; the texts are the publishers' and stay out of the results files."""
    for line in lines:
        print(f"  {line}")


def header(command: str) -> dict[str, Any]:
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "command": command,
    }


def write(path: Path, results: dict[str, Any]) -> None:
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {path.relative_to(REPO)}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=["20min", "trafilatura"], help="score one set only (not written)")
    parser.add_argument(
        "--news", action="store_true", help="flagged share on the news sets (results/boilerplate_news.json)"
    )
    parser.add_argument(
        "--cost", type=Path, metavar="DIR", help="time the rules and the model over DIR (results/boilerplate_cost.json)"
    )
    args = parser.parse_args()
    if args.news:
        write(RESULTS_NEWS, {**header("python bench/boilerplate.py --news"), "sets": flagged_in_news()})
        return
    if args.cost:
        write(RESULTS_COST, {**header(f"python bench/boilerplate.py --cost {args.cost}"), **rules_cost(args.cost)})
        return
    only = args.set
    results: dict[str, Any] = {
        **header("python bench/boilerplate.py"),
        "justext": justext.__version__ if hasattr(justext, "__version__") else "3",
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
    if not only:
        write(RESULTS, results)


if __name__ == "__main__":
    main()
