"""Property tests: normalization and fingerprints, segmentation, cleaning and decoding of arbitrary text."""

import re
import unicodedata

import polars as pl
import pytest
from hypothesis import example, given, reject, settings
from hypothesis import strategies as st

from tasks.clean_text import clean_text
from tasks.decode import decode_text
from tasks.encoding import QuarantineError
from tasks.fingerprint import fingerprint_paragraphs, normalize_paragraph, paragraph_id
from tasks.segment import segment_documents

# Hypothesis warns when the global `random` state changes while it draws. None of these strategies
# uses `random`; in a full test session the Prefect test server's threads do, in the background.
pytestmark = pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")

# No example database: it would leave a .hypothesis/ folder in the working tree.
PROPERTY = settings(max_examples=200, deadline=None, database=None)

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
GERMAN = "äöüÄÖÜßẞ"
RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
KAZAKH = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
LETTERS = LATIN + GERMAN + RUSSIAN + KAZAKH
MARKS = "0123456789.,;:!?-–—«»„“”'\"()№%€"
WHITESPACE = [" ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\u00a0", "\u2009", "\u202f", "\u3000", "\u2028", "\u2029"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
BIDI_FORMAT = [
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]
CONTROL = [chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)]]
# UTF-8 read as windows-1252 / MacRoman / Latin-1 upstream, the damage clean_text repairs.
MOJIBAKE = ["Ã©", "Ã¼", "Ã¤", "ÃŸ", "â€™", "â€œ", "â€”", "Ð¿Ñ€Ð¸", "Ð‘ÐµÐ»Ð°Ñ€ÑƒÑÑŒ", "Ò›Ð°Ð·Ð°Ò›", "gÃ¢teau", "Ã"]

pieces = st.one_of(
    st.sampled_from(list(LETTERS + MARKS)),
    st.sampled_from(WHITESPACE),
    st.sampled_from(INVISIBLE),
    st.sampled_from(BIDI_FORMAT),
    st.sampled_from(CONTROL),
    st.sampled_from(MOJIBAKE),
    st.characters(codec="utf-8"),  # anything else, surrogates excluded
)
texts = st.lists(pieces, max_size=80).map("".join)
words = st.text(alphabet=LETTERS + MARKS, min_size=1, max_size=12)
whitespace_runs = st.lists(st.sampled_from(WHITESPACE), min_size=1, max_size=4).map("".join)
invisible = st.sampled_from(["", "", "", *INVISIBLE])  # mostly none

HEX32 = re.compile(r"[0-9a-f]{32}")


def cleaned(text: str) -> str:
    """The text as clean_text leaves it; examples it quarantines are rejected."""
    try:
        return clean_text(text).text
    except QuarantineError:
        reject()


def non_whitespace(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


@st.composite
def spelling_variants(draw: st.DrawFn) -> tuple[str, str]:
    """The same paragraph written twice, differing only in case, whitespace runs, ё/е and invisible characters."""
    paragraph = draw(st.lists(words, min_size=1, max_size=8))

    def respell(word: str) -> str:
        out = []
        for char in word:
            if char in "еёЕЁ":
                char = draw(st.sampled_from("еёЕЁ"))
            else:
                char = draw(st.sampled_from([char, char.upper(), char.lower()]))
            out.append(char + draw(invisible))
        return "".join(out)

    def gap() -> str:
        return draw(whitespace_runs) + draw(invisible) + draw(st.just("") | whitespace_runs)

    def write() -> str:
        edges = [draw(st.just("") | whitespace_runs) + draw(invisible) for _ in range(2)]
        return edges[0] + "".join((gap() if i else "") + respell(word) for i, word in enumerate(paragraph)) + edges[1]

    return write(), write()


# 1. Normalization and fingerprints


@PROPERTY
@given(texts)
def test_normalization_is_deterministic_and_idempotent(text: str) -> None:
    normalized = normalize_paragraph(text)
    assert normalize_paragraph(text) == normalized
    assert normalize_paragraph(normalized) == normalized
    assert paragraph_id(normalized) == paragraph_id(text)


@PROPERTY
@given(texts)
def test_paragraph_id_is_32_hex_digits(text: str) -> None:
    assert HEX32.fullmatch(paragraph_id(text))


@PROPERTY
@given(st.lists(texts, max_size=5))
def test_fingerprinting_a_frame_gives_each_text_its_paragraph_id(batch: list[str]) -> None:
    # fingerprint_paragraphs normalizes whitespace in Rust over the column, paragraph_id in Python text by text.
    frame = pl.DataFrame({"text": batch}, schema={"text": pl.String})
    assert fingerprint_paragraphs(frame)["paragraph_id"].to_list() == [paragraph_id(text) for text in batch]


@PROPERTY
@given(spelling_variants())
def test_spelling_variants_share_an_id(variants: tuple[str, str]) -> None:
    a, b = variants
    assert normalize_paragraph(a) == normalize_paragraph(b)
    assert paragraph_id(a) == paragraph_id(b)


# 2. Segmentation of cleaned text


def segment(texts: list[str]) -> list[list[str]]:
    """The paragraphs of each text, checking the positions run 1..n per document."""
    frame = pl.DataFrame({"document_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    paragraphs, headers = segment_documents(frame)
    assert headers["document_id"].to_list() == frame["document_id"].to_list()
    result = []
    for document_id in frame["document_id"]:
        rows = paragraphs.filter(pl.col("document_id") == document_id).sort("position")
        assert rows["position"].to_list() == list(range(1, rows.height + 1))
        result.append(rows["text"].to_list())
    return result


@PROPERTY
@given(st.lists(texts, min_size=1, max_size=3))
def test_segmentation_keeps_every_character_and_is_idempotent(raw_texts: list[str]) -> None:
    documents = [cleaned(text) for text in raw_texts]
    segmented = segment(documents)
    assert segment(documents) == segmented
    for text, paragraphs in zip(documents, segmented, strict=True):
        assert non_whitespace("".join(paragraphs)) == non_whitespace(text)
        assert all(p and p == p.strip() for p in paragraphs)
    assert segment(["\n".join(paragraphs) for paragraphs in segmented]) == segmented


# 3. Cleaning


@PROPERTY
@given(texts)
def test_clean_text_output_is_clean(text: str) -> None:
    once = cleaned(text)
    assert "\r" not in once
    assert not [c for c in once if unicodedata.category(c) == "Cc" and c not in "\t\n"]
    assert not set(once) & {"\u200b", "\ufeff", "\u00ad", *BIDI_FORMAT, "\u2028", "\u2029"}
    assert unicodedata.is_normalized("NFC", once)


@PROPERTY
@given(texts)
@example("\u00adÐ¿Ñ€Ð¸")  # a soft hyphen hides the mojibake from the first pass only
@example("\x8dÃ©")  # the minimal example hypothesis found
def test_clean_text_is_idempotent(text: str) -> None:
    once = cleaned(text)
    assert clean_text(once).text == once


# 4. Decoding


@PROPERTY
# Without NUL: bytes with a NUL are read as BOM-less UTF-16/32 or quarantined as binary, by design
# (tasks/encoding.py, step 2; tests/tasks/test_decode.py pins "Nachricht\x00 mit NUL" as binary).
@given(texts.map(lambda text: text.replace("\x00", "")))
def test_decoding_utf8_or_utf16_bytes_equals_cleaning_the_text(text: str) -> None:
    """UTF-8 and UTF-16 with a byte-order mark (str.encode("utf-16") writes one) decode to the cleaned text."""
    expected = cleaned(text)
    assert decode_text(text.encode("utf-8"))[0] == expected
    assert decode_text(text.encode("utf-16"))[0] == expected
