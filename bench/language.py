"""Benchmark: language identification, the costliest step of a run, in the ways we could run it.

    .venv/bin/python bench/language.py [--paragraphs 20000]

Labels real paragraphs whose language is known by their source (Kazakh KazNERD sentences,
German 10kGNAD articles cut into 3-sentence paragraphs, Russian corus articles) with lingua
restricted to the default NEWSFLOW_LANGUAGES: all text, the first 300/200/120 characters, and
low-accuracy mode; with CLD2 alone; then with newsflow's own `detect_languages` (CLD2 where it is
sure, lingua the rest, distinct texts, first DETECT_CHARS characters). Prints paragraphs/s,
characters/s, accuracy per language and agreement with lingua on all text, and writes
bench/results/language.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from collections.abc import Callable
from pathlib import Path

import pycld2
from lingua import IsoCode639_1, LanguageDetectorBuilder

from flows.settings import DEFAULT_LANGUAGES
from tasks.language import detect_languages

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def labelled_paragraphs(count: int) -> tuple[list[str], list[str]]:
    pairs = [("kk", row["text"]) for row in read_jsonl(SHARED_DATA / "kk-news-sentences-kaznerd/sentences.jsonl")]
    for row in read_jsonl(SHARED_DATA / "de-news-10kgnad-test/docs.jsonl"):
        sentences = row["text"].split(". ")
        pairs += [("de", ". ".join(sentences[i : i + 3])) for i in range(0, len(sentences), 3)]
    for row in read_jsonl(SHARED_DATA / "ru-news-corus-samples/docs.jsonl"):
        pairs += [("ru", line) for line in row["text"].split("\n") if line.strip()]
    random.Random(1).shuffle(pairs)
    pairs = pairs[:count]
    return [label for label, _ in pairs], [text for _, text in pairs]


def measure(
    name: str, label: Callable[[list[str]], list[str]], texts: list[str], truth: list[str], reference: list[str]
) -> tuple[dict, list[str]]:
    label(texts[:100])  # warm up: models load lazily
    started = time.perf_counter()
    found = label(texts)
    seconds = time.perf_counter() - started
    accuracy = {
        language: round(sum(f == language for f, t in zip(found, truth, strict=True) if t == language)
                        / truth.count(language), 4)
        for language in sorted(set(truth))
    }  # fmt: skip
    return {
        "variant": name,
        "seconds": round(seconds, 2),
        "paragraphs_per_s": round(len(texts) / seconds),
        "mchars_per_s": round(sum(map(len, texts)) / seconds / 1e6, 2),
        "accuracy": accuracy,
        "agrees_with_lingua": round(sum(map(str.__eq__, found, reference or found)) / len(found), 4),
    }, found


def lingua_variant(cut: int | None, low_accuracy: bool = False) -> Callable[[list[str]], list[str]]:
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(IsoCode639_1.from_str(c) for c in DEFAULT_LANGUAGES))
    lingua = (builder.with_low_accuracy_mode() if low_accuracy else builder).build()

    def label(texts: list[str]) -> list[str]:
        found = lingua.detect_languages_in_parallel_of([text[:cut] for text in texts])
        return [language.iso_code_639_1.name.lower() if language else "und" for language in found]

    return label


def cld2_alone(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        try:
            found.append(pycld2.detect(text)[2][0][1])
        except pycld2.error:
            found.append("und")
    return found


def variants() -> list[tuple[str, Callable[[list[str]], list[str]]]]:
    return [
        ("lingua, all text", lingua_variant(None)),  # first: the reference the others are compared to
        ("lingua, first 300 chars", lingua_variant(300)),
        ("lingua, first 200 chars", lingua_variant(200)),
        ("lingua, first 120 chars", lingua_variant(120)),
        ("lingua low accuracy, all text", lingua_variant(None, low_accuracy=True)),
        ("CLD2 alone, all text", cld2_alone),
        ("newsflow detect_languages", lambda texts: detect_languages(texts, DEFAULT_LANGUAGES)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=20_000)
    args = parser.parse_args()
    truth, texts = labelled_paragraphs(args.paragraphs)
    rows, reference = [], []
    for name, label in variants():
        row, found = measure(name, label, texts, truth, reference)
        rows.append(row)
        reference = reference or found
    print(f"{len(texts)} paragraphs, {sum(map(len, texts)) / 1e6:.2f} M characters, {platform.node()}")
    for row in rows:
        print(
            f"{row['variant']:32} {row['seconds']:7.2f} s {row['paragraphs_per_s']:7d} par/s "
            f"{row['mchars_per_s']:5.2f} Mchar/s  {row['accuracy']} agrees {row['agrees_with_lingua']}"
        )
    out = REPO / "bench" / "results" / "language.json"
    out.write_text(json.dumps({"paragraphs": len(texts), "rows": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
