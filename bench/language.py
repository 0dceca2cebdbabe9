"""Benchmark: language identification, the costliest step of a run, in the ways we could run it.

    .venv/bin/python bench/language.py [--paragraphs 20000] [--mixed 2000] [--sentences 2000]
    .venv/bin/python bench/language.py --corpus /tmp/newsflow-corpus/100MB [--sample 5000]

Labelled paragraphs: real paragraphs whose language is known by their source (Kazakh KazNERD sentences,
German 10kGNAD articles cut into 3-sentence paragraphs, Russian corus articles), plus --mixed paragraphs
of one of them followed by a sentence of another language (a quote), and --sentences paragraphs of 2-4
sentences each in a language drawn at random (the harsh corpus of issue 14). Each is labelled with lingua
restricted to the default NEWSFLOW_LANGUAGES: all text (the reference), the first 200 characters, and
low-accuracy mode; with CLD2 alone; with newsflow before this change (CLD2 where sure, lingua the rest);
and with newsflow's `decide_languages` (script rules, CLD2, lingua for the rest). Prints seconds (wall and
CPU), accuracy per language on the single-language paragraphs, agreement with lingua on all text (per
group and overall), the share of distinct texts each means decided, and writes bench/results/language.json.

--corpus: the paragraphs of a corpus built by bench/corpus.py, segmented as the pipeline does, in batches
of the flow's size: CPU seconds of language ID before and after, the share of distinct paragraphs that
reach lingua, agreement of before and after on every paragraph, and of both with lingua on all text on a
--sample of distinct paragraphs. Writes bench/results/language-<corpus folder>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pycld2
from lingua import IsoCode639_1, LanguageDetectorBuilder

from flows.settings import DEFAULT_BATCH_FILES, DEFAULT_LANGUAGES
from tasks.language import cld2_language, decide_languages, detect_languages
from tasks.segment import segment_documents

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "bench" / "results"
BEFORE_DETECT_CHARS = 200  # tasks/language.py's DETECT_CHARS before the script rules

Labeller = Callable[[list[str]], list[str]]
GROUPS = ("mixed", "sentences")  # the labels of paragraphs of more than one language
CPU_BY_GROUP = ("lingua, all text", "newsflow before: CLD2, lingua", "newsflow: rules, CLD2, lingua")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def labelled_pairs() -> list[tuple[str, str]]:
    pairs = [("kk", row["text"]) for row in read_jsonl(SHARED_DATA / "kk-news-sentences-kaznerd/sentences.jsonl")]
    for row in read_jsonl(SHARED_DATA / "de-news-10kgnad-test/docs.jsonl"):
        sentences = row["text"].split(". ")
        pairs += [("de", ". ".join(sentences[i : i + 3])) for i in range(0, len(sentences), 3)]
    for row in read_jsonl(SHARED_DATA / "ru-news-corus-samples/docs.jsonl"):
        pairs += [("ru", line) for line in row["text"].split("\n") if line.strip()]
    random.Random(1).shuffle(pairs)
    return pairs


def labelled_paragraphs(count: int, mixed: int, sentences: int = 0) -> tuple[list[str], list[str]]:
    """`count` single-language paragraphs with their language, then `mixed` ones labelled "mixed": a
    paragraph of the pool after them followed by the first sentence of a paragraph of another language,
    then `sentences` ones labelled "sentences": 2-4 sentences each of a language drawn at random (the
    harsh corpus of issue 14)."""
    pairs = labelled_pairs()
    single, rest = pairs[:count], pairs[count:]
    rng = random.Random(2)
    quotes = [(rng.choice([p for p in rest if p[0] != label])[1].split(". ")[0], text) for label, text in rest[:mixed]]
    pool: dict[str, list[str]] = {}
    for label, text in rest[mixed:]:
        pool.setdefault(label, []).extend(f"{part.rstrip('.')}." for part in text.split(". ") if len(part) >= 30)
    languages = sorted(pool)
    recombined = [
        " ".join(rng.choice(pool[rng.choice(languages)]) for _ in range(rng.randint(2, 4))) for _ in range(sentences)
    ]
    return (
        [label for label, _ in single] + ["mixed"] * len(quotes) + ["sentences"] * len(recombined),
        [text for _, text in single] + [f"{text} «{quote}.»" for quote, text in quotes] + recombined,
    )


def lingua_variant(cut: int | None, low_accuracy: bool = False) -> Labeller:
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


def newsflow_before(texts: list[str]) -> list[str]:
    """tasks/language.py before the script rules: CLD2 on every distinct text, lingua with all configured
    languages where CLD2 is unsure."""
    lingua = lingua_variant(BEFORE_DETECT_CHARS)
    language_of = {text: cld2_language(text[:BEFORE_DETECT_CHARS], DEFAULT_LANGUAGES) for text in dict.fromkeys(texts)}
    unsure = [text for text, language in language_of.items() if language is None]
    language_of.update(zip(unsure, lingua(unsure), strict=True))
    return [language_of[text] if any(ch.isalpha() for ch in text) else "und" for text in texts]


def newsflow_now(texts: list[str]) -> list[str]:
    return detect_languages(texts, DEFAULT_LANGUAGES)


def measure(
    name: str, label: Labeller, texts: list[str], truth: list[str], reference: list[str]
) -> tuple[dict, list[str]]:
    label(texts[:100])  # warm up: models load lazily
    wall, cpu = time.perf_counter(), time.process_time()
    found = label(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    reference = reference or found

    def agreement(group: str | None = None) -> float:
        pairs = [(f, r) for f, r, t in zip(found, reference, truth, strict=True) if group in (None, _group(t))]
        return round(sum(f == r for f, r in pairs) / max(len(pairs), 1), 4)

    accuracy = {
        language: round(sum(f == language for f, t in zip(found, truth, strict=True) if t == language)
                        / truth.count(language), 4)
        for language in sorted(set(truth) - set(GROUPS))
    }  # fmt: skip
    return {
        "variant": name,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "paragraphs_per_s": round(len(texts) / wall),
        "accuracy": accuracy,
        "agrees_with_lingua": agreement(),
        **{f"agrees_with_lingua_{group}": agreement(group) for group in ("single", *GROUPS)},
    }, found


def _group(label: str) -> str:
    return label if label in GROUPS else "single"


def variants() -> list[tuple[str, Labeller]]:
    return [
        ("lingua, all text", lingua_variant(None)),  # first: the reference the others are compared to
        ("lingua, first 200 chars", lingua_variant(200)),
        ("lingua low accuracy, all text", lingua_variant(None, low_accuracy=True)),
        ("CLD2 alone, all text", cld2_alone),
        ("newsflow before: CLD2, lingua", newsflow_before),
        ("newsflow: rules, CLD2, lingua", newsflow_now),
    ]


def cpu_seconds(label: Labeller, texts: list[str]) -> float:
    started = time.process_time()
    label(texts)
    return round(time.process_time() - started, 2)


def decided_shares(texts: list[str]) -> dict[str, float]:
    decided = decide_languages(texts, DEFAULT_LANGUAGES)
    total = decided.by_rule + decided.by_cld2 + decided.by_model
    return {means: round(count / total, 4) for means, count in
            (("rule", decided.by_rule), ("cld2", decided.by_cld2), ("model", decided.by_model))}  # fmt: skip


def labelled_benchmark(count: int, mixed: int, sentences: int) -> None:
    truth, texts = labelled_paragraphs(count, mixed, sentences)
    rows, reference = [], []
    for name, label in variants():
        row, found = measure(name, label, texts, truth, reference)
        rows.append(row)
        reference = reference or found
    by_group = {
        group: [x for x, t in zip(texts, truth, strict=True) if _group(t) == group] for group in ("single", *GROUPS)
    }
    shares = {group: decided_shares(group_texts) for group, group_texts in by_group.items()}
    cpu = {name: {group: cpu_seconds(label, group_texts) for group, group_texts in by_group.items()}
           for name, label in variants() if name in CPU_BY_GROUP}  # fmt: skip
    print(f"{count} single-language, {mixed} quoting, {sentences} of recombined sentences: "
          f"{sum(map(len, texts)) / 1e6:.2f} M characters, {platform.node()}")  # fmt: skip
    for row in rows:
        print(
            f"{row['variant']:30} {row['seconds']:6.2f} s {row['cpu_seconds']:6.2f} s CPU {row['paragraphs_per_s']:6d}"
            f" par/s  {row['accuracy']} agrees {row['agrees_with_lingua_single']} single,"
            f" {row['agrees_with_lingua_mixed']} mixed, {row['agrees_with_lingua_sentences']} sentences,"
            f" {row['agrees_with_lingua']} all"
        )
    print(f"newsflow decided distinct texts by {shares}")
    print(f"CPU seconds by group: {cpu}")
    out = RESULTS / "language.json"
    result = {"paragraphs": count, "mixed": mixed, "sentences": sentences, "rows": rows, "newsflow_decided_by": shares,
              "cpu_seconds_by_group": cpu}  # fmt: skip
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")


def corpus_batches(corpus: Path) -> list[list[str]]:
    """The paragraphs of every batch of DEFAULT_BATCH_FILES files, segmented as the pipeline segments them."""
    files = sorted(corpus.rglob("*.txt"))
    batches = []
    for start in range(0, len(files), DEFAULT_BATCH_FILES):
        chunk = files[start : start + DEFAULT_BATCH_FILES]
        documents = pl.DataFrame({"document_id": [str(p) for p in chunk],
                                  "text": [p.read_text(encoding="utf-8") for p in chunk]})  # fmt: skip
        batches.append(segment_documents(documents)[0]["text"].to_list())
    return batches


def corpus_benchmark(corpus: Path, sample: int) -> None:
    batches = corpus_batches(corpus)
    row: dict[str, object] = {"corpus": str(corpus), "paragraphs": sum(map(len, batches)), "batches": len(batches)}
    found: dict[str, list[str]] = {}
    for name, label in (("before", newsflow_before), ("after", newsflow_now)):
        label(batches[0][:100])
        cpu = time.process_time()
        found[name] = [language for batch in batches for language in label(batch)]
        row[f"cpu_seconds_{name}"] = round(time.process_time() - cpu, 1)
    decided = [decide_languages(batch, DEFAULT_LANGUAGES) for batch in batches]
    distinct = sum(d.by_rule + d.by_cld2 + d.by_model for d in decided)
    row["distinct_per_batch_total"] = distinct
    row["decided_by"] = {means: round(sum(getattr(d, f"by_{means}") for d in decided) / distinct, 4)
                         for means in ("rule", "cld2", "model")}  # fmt: skip
    unsure_before = sum(
        cld2_language(text[:BEFORE_DETECT_CHARS], DEFAULT_LANGUAGES) is None
        for batch in batches
        for text in dict.fromkeys(batch)
    )
    row["model_share_before"] = round(unsure_before / distinct, 4)
    row["before_after_agree"] = round(sum(map(str.__eq__, found["before"], found["after"])) / len(found["after"]), 5)
    texts = [text for batch in batches for text in batch]
    language_of = {name: dict(zip(texts, labels, strict=True)) for name, labels in found.items()}
    drawn = random.Random(3).sample(sorted(set(texts)), min(sample, len(set(texts))))
    reference = lingua_variant(None)(drawn)
    for name, labels in language_of.items():
        row[f"{name}_agrees_with_lingua_sample"] = round(
            sum(labels[text] == ref for text, ref in zip(drawn, reference, strict=True)) / len(drawn), 4
        )
    row["sample"] = len(drawn)
    print(json.dumps(row, indent=2))
    out = RESULTS / f"language-{corpus.name}.json"
    out.write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=20_000)
    parser.add_argument("--mixed", type=int, default=2_000)
    parser.add_argument("--sentences", type=int, default=2_000)
    parser.add_argument("--corpus", type=Path, help="a corpus folder built by bench/corpus.py")
    parser.add_argument("--sample", type=int, default=5_000, help="distinct corpus paragraphs compared with lingua")
    args = parser.parse_args()
    if args.corpus:
        corpus_benchmark(args.corpus, args.sample)
    else:
        labelled_benchmark(args.paragraphs, args.mixed, args.sentences)


if __name__ == "__main__":
    main()
