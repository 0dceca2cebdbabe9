"""Fingerprint: give every paragraph a stable id, the hash of its normalized text.

Normalization v1 (change it only together with NORMALIZATION_VERSION, which the warehouse records):
  1. Unicode NFC (decode already did this for the whole text);
  2. drop invisible format characters: zero-width space/joiners, word joiner, BOM, soft hyphen;
  3. collapse every run of whitespace to one space and trim;
  4. case-fold (str.casefold: ß -> ss, final sigma, ...);
  5. fold ё -> е, the letter Russian may write either way. It is folded wherever it occurs, not only
     in text detected as Russian: an id must not change when the language detector changes its mind.
Letters are never stripped: umlauts, accents and the Kazakh letters (ә ғ қ ң ө ұ ү һ і) stay.
The id is xxh3-128 of the UTF-8 bytes of the normalized text, as 32 hex digits.
"""

from __future__ import annotations

import re

import polars as pl
import xxhash

from tasks.characters import WHITESPACE, char_class

NORMALIZATION_VERSION = 1
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
# The same, and the runs of whitespace that are not one space already, as Rust regexes (Polars): a run is
# replaced by a space, and replacing each lone space by a space, too, made the step 4x slower.
INVISIBLE_CHAR = f"[{char_class(INVISIBLE_CHARS)}]"
SPACE_TO_MAKE = f"[{char_class(WHITESPACE)}]{{2,}}|[{char_class(WHITESPACE.replace(' ', ''))}]"


def normalize_paragraph(text: str) -> str:
    # str.split() splits on exactly the characters `\s` matches (str.isspace), and drops the ends;
    # a regex and a join are ~5x faster here than str.translate with a table.
    return fold(" ".join(INVISIBLE.sub("", text).split()))


def fold(text: str) -> str:
    """Steps 4 and 5 of the normalization."""
    return text.casefold().replace("ё", "е")


def digest(normalized: str) -> str:
    return xxhash.xxh3_128_hexdigest(normalized.encode("utf-8"))


def paragraph_id(text: str) -> str:
    return digest(normalize_paragraph(text))


def fingerprint_paragraphs(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Add `paragraph_id`: `paragraph_id` of each text. Steps 2 and 3 of the normalization run in Rust over the
    whole column (20 ms of CPU per 2,000 files, 126 ms text by text in Python); Polars has no casefold nor
    xxh3-128, Python does those."""
    spaced = (
        paragraphs["text"]
        .str.replace_all(INVISIBLE_CHAR, "")
        .str.replace_all(SPACE_TO_MAKE, " ")
        .str.strip_chars(WHITESPACE)
    )
    ids = [digest(fold(text)) for text in spaced]
    return paragraphs.with_columns(paragraph_id=pl.Series(ids, dtype=pl.String))
