import sys

import polars as pl
import pytest
import xxhash

from tasks.characters import WHITESPACE
from tasks.fingerprint import fingerprint_paragraphs, normalize_paragraph, paragraph_id

GERMAN = "„Wir haben sehr gute und freundschaftliche Beziehungen zu Kasachstan“"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ёлка в Кремле", "елка в кремле"),  # ё is folded, case too
        ("Straße  der\tEinheit", "STRASSE der Einheit"),  # casefold ß -> ss; whitespace collapsed
        (" Қазақстан\u00a0мен Беларусь ", "қазақстан мен беларусь"),  # NBSP is whitespace
        ("Zusam\u00admen\u200barbeit", "Zusammenarbeit"),  # soft hyphen and zero-width space vanish
    ],
)
def test_spellings_that_mean_the_same_paragraph_share_an_id(a: str, b: str) -> None:
    assert paragraph_id(a) == paragraph_id(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Schön", "Schon"),  # umlauts are letters
        ("Қазақ", "Казак"),  # so are the Kazakh letters
        ("өнім", "оним"),
        ("ұлы", "улы"),
        ("Мир.", "Мир"),  # punctuation is kept: exact dedup means exact
    ],
)
def test_different_letters_give_different_ids(a: str, b: str) -> None:
    assert paragraph_id(a) != paragraph_id(b)


def test_id_is_xxh3_128_of_the_documented_normalization() -> None:
    assert normalize_paragraph(GERMAN) == "„wir haben sehr gute und freundschaftliche beziehungen zu kasachstan“"
    assert paragraph_id(GERMAN) == xxhash.xxh3_128_hexdigest(normalize_paragraph(GERMAN).encode("utf-8"))
    # Pinned: if this changes, every warehouse splits. Bump NORMALIZATION_VERSION instead.
    assert paragraph_id("Ёлка в Кремле") == "69aba4630b7e02b71631a40f596f8ec7"


def test_fingerprint_adds_one_id_per_paragraph() -> None:
    frame = pl.DataFrame({"document_id": ["a", "a", "b"], "position": [1, 2, 1], "text": [GERMAN, "x", GERMAN.upper()]})
    ids = fingerprint_paragraphs(frame)["paragraph_id"].to_list()
    assert ids[0] == ids[2] != ids[1]
    assert all(len(i) == 32 for i in ids)


def test_whitespace_is_what_python_splits_on() -> None:
    assert "".join(char for char in map(chr, range(sys.maxunicode + 1)) if char.isspace()) == WHITESPACE


def test_fingerprinting_a_frame_collapses_every_kind_of_whitespace() -> None:
    texts = [f"{space}a{space}{space}b{space}\u200b" for space in WHITESPACE] + ["", " ", "a b", "\u200b\u00ad"]
    frame = pl.DataFrame({"text": texts})
    assert fingerprint_paragraphs(frame)["paragraph_id"].to_list() == [paragraph_id(text) for text in texts]
