"""Decoding real-world bytes: BOMs, UTF-16/32, legacy Cyrillic and Latin code pages, mojibake."""

import codecs
import json
import unicodedata
from pathlib import Path

import pytest

from tasks.clean_text import clean_text, repair_mojibake
from tasks.decode import decode_text
from tasks.encoding import QuarantineError
from tasks.fingerprint import paragraph_id
from tasks.segment import segment_documents
from tests.corpus import GERMAN_SEED, KAZAKH_SEEDS, RUSSIAN_SEEDS, SHARED_DATA, read_seed

BAD_INPUT = SHARED_DATA / "bad-input"
needs_bad_input = pytest.mark.skipif(
    not BAD_INPUT.is_dir(), reason=f"{BAD_INPUT} is absent: the shared corpora sit beside the repository in CI"
)
RUSSIAN_ENCODINGS = ("cp1251", "koi8_r", "iso8859_5", "cp866", "mac_cyrillic", "cp855")
GERMAN_ENCODINGS = ("cp1252", "latin_1")
WIDE = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def paragraph_ids(text: str) -> list[str]:
    import polars as pl

    paragraphs, _ = segment_documents(pl.DataFrame({"document_id": ["d"], "text": [text]}))
    return [paragraph_id(p) for p in paragraphs["text"]]


def seed_cases() -> list[tuple[str, str]]:
    cases = [(name, encoding) for name in RUSSIAN_SEEDS for encoding in RUSSIAN_ENCODINGS]
    cases += [(GERMAN_SEED, encoding) for encoding in (*GERMAN_ENCODINGS, "cp1251")[:2]]
    cases += [(name, "kz1048") for name in KAZAKH_SEEDS]
    cases += [(name, wide) for name in (*KAZAKH_SEEDS, GERMAN_SEED, *RUSSIAN_SEEDS) for wide in WIDE]
    return cases


@pytest.mark.parametrize(("seed", "encoding"), seed_cases())
def test_a_seed_re_encoded_yields_the_paragraph_ids_of_its_utf8_original(seed: str, encoding: str) -> None:
    original = read_seed(seed)
    try:
        raw = original.encode(encoding)
    except UnicodeEncodeError:  # e.g. „quotes“ have no Latin-1 byte: re-encode what the code page can hold
        original = original.encode(encoding, "replace").decode(encoding)
        raw = original.encode(encoding)
    text, found, _ = decode_text(raw)
    assert paragraph_ids(text) == paragraph_ids(original)
    assert codecs.lookup(found).name == codecs.lookup(encoding).name or text == raw.decode(encoding)


@pytest.mark.parametrize(("bom", "encoding"), [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                         (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                         (codecs.BOM_UTF32_BE, "utf-32-be")])  # fmt: skip
def test_a_byte_order_mark_names_the_encoding_and_is_not_text(bom: bytes, encoding: str) -> None:
    original = read_seed(KAZAKH_SEEDS[0])
    text, found, _ = decode_text(bom + original.encode(encoding))
    assert text == original
    assert found == ("utf-8-sig" if encoding == "utf-8" else encoding)


@needs_bad_input
def test_every_bad_input_file_loads_with_its_true_text_or_is_quarantined_with_a_true_reason() -> None:
    """The ground truth is the bytes decoded with the encoding the corpus says they are in."""
    files = read_jsonl(BAD_INPUT / "manifest.jsonl") + read_jsonl(BAD_INPUT / "legacy-plaintext.jsonl")
    wrong, quarantined = [], []
    for file in files:
        raw = (BAD_INPUT / file["path"]).read_bytes()
        try:
            truth = clean_text(raw.decode(file["true_encoding"]).removeprefix("\ufeff")).text
        except QuarantineError as not_text:  # e.g. an "ascii" test file of 1,070 NUL bytes
            with pytest.raises(QuarantineError, match=str(not_text).split(":")[0]):
                decode_text(raw)
            quarantined.append(file["path"])
            continue
        text, found, _ = decode_text(raw)
        if text != truth:
            wrong.append((file["path"], file["true_encoding"], found))
    assert len(files) == 320
    assert wrong == []
    assert quarantined == ["encodings-chardet/ascii/_mozilla_bug638318_text.html"]


@needs_bad_input
def test_mojibake_is_repaired_and_correct_text_is_left_alone() -> None:
    cases = read_jsonl(BAD_INPUT / "mojibake-ftfy" / "cases.jsonl")
    checked = [case for case in cases if case["expect"] == "pass"]
    wrong = [
        (case["id"], case["text"])
        for case in checked
        if repair_mojibake(case["text"]) != unicodedata.normalize("NFC", case["fixed_encoding"] or case["fixed"])
    ]
    assert len(checked) == 151
    assert wrong == []
    # The negatives are correct text that looks odd; left alone, but for C1 controls ftfy maps to cp1252.
    assert sum(case["set"] == "negative" for case in checked) == 31


def test_text_that_was_decoded_lossily_upstream_is_quarantined_not_loaded() -> None:
    with pytest.raises(QuarantineError, match="damaged: 2 U\\+FFFD"):
        clean_text(repair_mojibake("Ð ÑƒÑ\ufffdÑ\ufffdÐºÐ¸Ð¹"))


def test_mojibake_repair_is_recorded() -> None:
    cleaned = clean_text("conseille g√¢teaux et baies pour un r√©gime √©quilibr√©.")
    assert cleaned.text == "conseille gâteaux et baies pour un régime équilibré."
    assert cleaned.repairs == "mojibake repaired"
