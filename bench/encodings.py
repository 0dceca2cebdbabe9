"""Benchmark: how often the decoder gets the text right, per encoding, and what the alphabet tie-break adds.

    .venv/bin/python bench/encodings.py

Decodes two sets of files with the project's decoder, `tasks.decode.decode_text`, and compares
the text with the ground truth:

  real:      the files of ../shared/data/bad-input (manifest.jsonl and legacy-plaintext.jsonl,
             each listing a file and its true encoding). The truth is `clean_text` of the bytes
             decoded with the true encoding; a file whose truth is quarantined (not text) counts
             as correct only if `decode_text` quarantines it too.
  synthetic: real articles re-encoded in the legacy code pages of their language: Russian
             (ru-news-corus-samples) in six Cyrillic code pages, German (the first 300 of
             de-news-10kgnad-test) in windows-1252 and Latin-1, Kazakh (every 50th of the first
             15,000 sentences of kk-news-sentences-kaznerd) in KZ-1048; whole texts and their first
             200 characters (short texts are the hard case). A text the code page cannot encode
             is skipped. The truth is `clean_text` of the original.

Each file is also decoded by a baseline, "charset-normalizer alone": the same byte-order-mark and
NUL-byte steps as `tasks.encoding.decode_bytes`, a strict UTF-8 attempt, then
`charset_normalizer.from_bytes(raw, cp_isolation=LEGACY_ENCODINGS).best()`, cleaned by the same
`clean_text`. Only the choice among legacy candidates differs, so the gap between the two columns
is what the alphabet tie-break adds. Writes bench/results/encodings.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes
from rich.console import Console
from rich.table import Table

from tasks.clean_text import clean_text
from tasks.decode import decode_text
from tasks.encoding import BOMS, LEGACY_ENCODINGS, QuarantineError, decode_bytes

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL_SETS = ("manifest.jsonl", "legacy-plaintext.jsonl")
RUSSIAN_ENCODINGS = ("cp1251", "koi8_r", "iso8859_5", "cp866", "mac_cyrillic", "cp855")
GERMAN_ENCODINGS = ("cp1252", "latin_1")
KAZAKH_ENCODINGS = ("kz1048",)
SHORT = 200

Decoder = Callable[[bytes], tuple[str | None, str]]


def read_jsonl(path: Path) -> Iterator[dict]:
    """Line by line with open(): the texts hold U+2028, which str.splitlines would split on."""
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.strip():
                yield json.loads(line)


def ours(raw: bytes) -> tuple[str | None, str]:
    """The project's decoder: (cleaned text, encoding), or (None, the reason) if it quarantines the bytes."""
    try:
        text, encoding, _ = decode_text(raw)
    except QuarantineError as exc:
        return None, f"quarantined: {exc}"
    return text, encoding


def charset_normalizer_alone(raw: bytes) -> tuple[str | None, str]:
    """decode_text with charset-normalizer's best guess in place of the alphabet tie-break."""
    try:
        if not raw:
            raise QuarantineError("empty")
        if raw.startswith(tuple(bom for bom, _ in BOMS)) or b"\x00" in raw:
            text, encoding = decode_bytes(raw)
        else:
            try:
                text, encoding = raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                best = from_bytes(raw, cp_isolation=LEGACY_ENCODINGS).best()
                if best is None:
                    raise QuarantineError("undecodable: no legacy encoding fits") from None
                text, encoding = str(best), best.encoding
        return clean_text(text).text, encoding
    except QuarantineError as exc:
        return None, f"quarantined: {exc}"


def ranked(raw: bytes) -> list[list]:
    """charset-normalizer's legacy candidates for these bytes, best first, with their chaos."""
    return [[c.encoding, round(c.chaos, 3)] for c in from_bytes(raw, cp_isolation=LEGACY_ENCODINGS)]


def truth(text: str) -> str | None:
    try:
        return clean_text(text.removeprefix("\ufeff")).text
    except QuarantineError:
        return None


DECODERS: dict[str, Decoder] = {"newsflow": ours, "charset_normalizer_alone": charset_normalizer_alone}


class Tally:
    """Files and correct outcomes per decoder for one row of the table, and the misses."""

    def __init__(self, **key: str) -> None:
        self.key = key
        self.files = 0
        self.skipped = 0
        self.correct = dict.fromkeys(DECODERS, 0)
        self.misses: list[dict] = []  # file, decoder, what it decoded the file as

    def add(self, raw: bytes, expected: str | None, label: str) -> None:
        self.files += 1
        for name, decoder in DECODERS.items():
            got, encoding = decoder(raw)
            if got == expected:
                self.correct[name] += 1
            elif name == "newsflow":
                self.misses.append({"file": label, "decoder": name, "decoded_as": encoding, "candidates": ranked(raw)})
            else:
                self.misses.append({"file": label, "decoder": name, "decoded_as": encoding})

    def row(self) -> dict:
        accuracy = {name: round(n / self.files, 4) if self.files else None for name, n in self.correct.items()}
        row = {**self.key, "files": self.files, "correct": self.correct, "accuracy": accuracy}
        return row | ({"skipped_unencodable": self.skipped} if "length" in self.key else {})


def real_rows() -> list[Tally]:
    tallies: dict[tuple[str, str], Tally] = {}
    for manifest in REAL_SETS:
        name = manifest.removesuffix(".jsonl")
        for entry in read_jsonl(DATA / "bad-input" / manifest):
            encoding = entry["true_encoding"]
            tally = tallies.setdefault((name, encoding), Tally(set=name, encoding=encoding))
            raw = (DATA / "bad-input" / entry["path"]).read_bytes()
            tally.add(raw, truth(raw.decode(encoding)), entry["path"])
    return sorted(tallies.values(), key=lambda t: (t.key["set"] != "manifest", -t.files, t.key["encoding"]))


def synthetic_texts() -> dict[str, list[str]]:
    root = DATA
    kazakh = []
    for number, entry in enumerate(read_jsonl(root / "kk-news-sentences-kaznerd" / "sentences.jsonl")):
        if number >= 15_000:
            break
        if number % 50 == 0:
            kazakh.append(entry["text"])
    german = []
    for entry in read_jsonl(root / "de-news-10kgnad-test" / "docs.jsonl"):
        german.append(entry["text"])
        if len(german) == 300:
            break
    russian = [entry["text"] for entry in read_jsonl(root / "ru-news-corus-samples" / "docs.jsonl")]
    return {"ru": russian, "de": german, "kk": kazakh}


def synthetic_rows() -> list[Tally]:
    texts = synthetic_texts()
    plan = [("ru", e) for e in RUSSIAN_ENCODINGS] + [("de", e) for e in GERMAN_ENCODINGS]
    plan += [("kk", e) for e in KAZAKH_ENCODINGS]
    tallies = []
    for length in ("full", f"first {SHORT}"):
        for language, encoding in plan:
            tally = Tally(set=language, encoding=encoding, length=length)
            for number, text in enumerate(texts[language]):
                sample = text if length == "full" else text[:SHORT]
                try:
                    raw = sample.encode(encoding)
                except UnicodeEncodeError:
                    tally.skipped += 1
                    continue
                tally.add(raw, truth(sample), f"{language}[{number}]")
            tallies.append(tally)
    return tallies


def total(tallies: list[Tally], **key: str) -> dict:
    files = sum(t.files for t in tallies)
    correct = {name: sum(t.correct[name] for t in tallies) for name in DECODERS}
    return {**key, "files": files, "correct": correct, "accuracy": {n: round(c / files, 4) for n, c in correct.items()}}


def print_table(title: str, rows: list[dict]) -> None:
    keys = [k for k in ("set", "encoding", "length") if k in rows[0]]
    table = Table(title=title)
    for column in keys:
        table.add_column(column)
    for column in ("files", "newsflow", "charset-normalizer alone"):
        table.add_column(column, justify="right")
    for row in rows:
        cells = [f"{row['correct'][n]} ({100 * row['accuracy'][n]:.1f}%)" if row["files"] else "-" for n in DECODERS]
        table.add_row(*(row[k] for k in keys), str(row["files"]), *cells)
    Console(width=110).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "encodings.json")
    args = parser.parse_args()
    if not DATA.is_dir():
        parser.exit(1, f"{DATA}: the shared corpora are not here; this benchmark needs ../shared/data\n")

    started = time.perf_counter()
    real = real_rows()
    real_s = time.perf_counter() - started
    started = time.perf_counter()
    synthetic = synthetic_rows()
    synthetic_s = time.perf_counter() - started
    wall_s = real_s + synthetic_s

    real_table = [t.row() for t in real]
    for name in (s.removesuffix(".jsonl") for s in REAL_SETS):
        real_table.append(total([t for t in real if t.key["set"] == name], set=name, encoding="all"))
    synthetic_table = [t.row() for t in synthetic]
    for length in ("full", f"first {SHORT}"):
        rows = [t for t in synthetic if t.key["length"] == length]
        synthetic_table.append(total(rows, set="synthetic", encoding="all", length=length))
    record = {
        "real": real_table,
        "synthetic": synthetic_table,
        "misses": {
            "real": {" ".join(t.key.values()): t.misses for t in real if t.misses},
            "synthetic": {" ".join(t.key.values()): t.misses for t in synthetic if t.misses},
        },
        "wall_s": {"real": round(real_s, 1), "synthetic": round(synthetic_s, 1), "total": round(wall_s, 1)},
        "machine": f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
    }
    args.out.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table("Real files (shared/data/bad-input)", real_table)
    print_table("Synthetic: real articles re-encoded", synthetic_table)
    print(f"wall time: real {real_s:.1f} s, synthetic {synthetic_s:.1f} s; written {args.out}")


if __name__ == "__main__":
    main()
