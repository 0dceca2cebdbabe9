"""Clean text: repair what decoding cannot see, so that the same article always gives the same text.

  1. line endings CRLF and CR, and the Unicode LINE and PARAGRAPH SEPARATORs (U+2028, U+2029)
     become LF, so they split paragraphs as a newline does;
  2. control characters (all but TAB and LF), invisible format characters (zero-width space and
     joiners, word joiner, stray byte-order marks, soft hyphens) and bidirectional formatting
     characters (marks, embeddings, overrides, isolates: tasks/characters.py) are removed. The last
     reorder what a reader sees without showing themselves, so that a text can read one way and
     say another; removing them keeps every other character in its order, and at most changes
     how a line mixing right-to-left and left-to-right scripts is laid out;
  3. mojibake (UTF-8 read as windows-1252 or MacRoman upstream: "gÃ¢teau") is repaired by ftfy,
     with every other ftfy fix off: curly quotes, HTML entities and full-width letters are the
     publisher's, not damage;
  4. the text is put in Unicode NFC.
A file that is mostly control characters is binary, and one with U+FFFD was already decoded
lossily before it reached us: both are refused, with the reason, rather than loaded damaged.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import ftfy
import polars as pl

from tasks.characters import BIDI_FORMAT, char_class
from tasks.encoding import QuarantineError
from tasks.fingerprint import INVISIBLE  # the invisible characters no paragraph id depends on

MOJIBAKE_ONLY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization="NFC",
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BIDI = re.compile(f"[{BIDI_FORMAT}]")
# What is removed, by the name its count has in `repairs`.
REMOVED = {"control": CONTROL, "invisible": INVISIBLE, "bidirectional formatting": BIDI}
# Most texts hold none: one scan for all, before the ones that count and remove them.
REMOVABLE = re.compile(f"[{''.join(pattern.pattern[1:-1] for pattern in REMOVED.values())}]")
# Lines made only of these cannot be mojibake: UTF-8 misread as a single-byte code page shows
# characters outside them (Ã, Â, Ð, ¤, Ђ, ‰, ї, ...), or else one of the SUSPECT_PAIRs: a lead
# byte read as Ä/Ö/Ü/ß (Latin-1) or Р/С (windows-1251) before a continuation byte read as
# typography ("RÄ«ga", "Р’"). A false alarm only costs the time of asking ftfy. Nor has a text made
# only of these anything else to clean: no CR or Unicode line separator, nothing of REMOVED, and
# nothing NFC changes (tests/tasks/test_decode.py).
PLAIN = (
    "".join(map(chr, range(0x20, 0x7F)))
    + "\t\n"
    + "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯёЁ"
    + "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
    + "äöüßÄÖÜ"
    + "«»„“”’–—…№\u00a0"
)
SUSPECT_LEADS, SUSPECT_FOLLOWERS = "ÄÖÜßРС", "„“”’–—…«»№\u00a0ёЁіІ"
# As patterns both engines read alike: Python's re text by text, Rust's (Polars) over a batch (plain_texts).
NOT_PLAIN_CHAR = f"[^{char_class(PLAIN)}]"
SUSPECT_PAIR_CHARS = f"[{char_class(SUSPECT_LEADS)}][{char_class(SUSPECT_FOLLOWERS)}]"
# One regex scan finds a character outside PLAIN 8x faster than a set's issuperset (bench/README.md).
NOT_PLAIN = re.compile(NOT_PLAIN_CHAR)
SUSPECT_PAIR = re.compile(SUSPECT_PAIR_CHARS)
# More control characters than this share of the text (and than a few strays): not text at all.
BINARY_CONTROL_SHARE = 0.05
BINARY_CONTROL_MIN = 8


@dataclass(frozen=True)
class CleanText:
    text: str
    repairs: str | None  # what was changed, e.g. "mojibake repaired; 2 control character(s) removed"


def repair_mojibake(text: str) -> str:
    """ftfy on the lines that could hold mojibake: its checks cost ~1 s per 2 MB, most of decode."""
    if plain(text):
        return text
    return "\n".join(line if plain(line) else ftfy.fix_text(line, MOJIBAKE_ONLY) for line in text.split("\n"))


def plain(text: str) -> bool:
    return not NOT_PLAIN.search(text) and not SUSPECT_PAIR.search(text)


def plain_texts(texts: list[str]) -> list[bool]:
    """`plain` of every text, by Rust's regex over them all: 5x faster than Python's re text by text."""
    found = pl.Series(texts, dtype=pl.String).str
    return (~(found.contains(NOT_PLAIN_CHAR) | found.contains(SUSPECT_PAIR_CHARS))).to_list()


def clean_text(text: str, is_plain: bool | None = None) -> CleanText:
    """Return the cleaned text, or raise QuarantineError (the message is the quarantine reason).

    A `plain` text has nothing to remove or repair, and skips the scans that look for it; `is_plain`
    says whether it is when the caller knows (decode_files asks of a whole batch at once).
    """
    if is_plain is None:
        is_plain = plain(text)
    if is_plain:
        repaired, removed, mojibake = text, Counter(), False
    else:
        repaired, removed, mojibake = repair(text)
    damaged = repaired.count("\ufffd")
    if damaged:
        line = repaired.count("\n", 0, repaired.index("\ufffd")) + 1
        raise QuarantineError(
            f"damaged: {damaged} U+FFFD replacement character(s), the first on line {line}; "
            "the text was decoded lossily before it reached us: fetch the original bytes again"
        )
    if not repaired.strip():
        what = "whitespace and invisible or control characters" if text.strip() else "whitespace"
        raise QuarantineError(f"empty: the file holds only {what}")
    repairs = ["mojibake repaired"] if mojibake else []
    repairs += [f"{removed[name]} {name} character(s) removed" for name in REMOVED if removed[name]]
    return CleanText(unicodedata.normalize("NFC", repaired), "; ".join(repairs) or None)


def repair(text: str) -> tuple[str, Counter[str], bool]:
    """The text with line breaks unified, REMOVED characters removed (how many of each) and mojibake
    repaired (whether there was any), in NFC; or QuarantineError for a binary file.

    Characters that are removed anyway go first, so they cannot hide mojibake from ftfy; and once
    more after it, so that cleaning clean text changes nothing (tests/tasks/test_properties.py).
    """
    fixed, removed = strip_removable(unify_line_breaks(text))
    controls = removed["control"]
    if controls > max(BINARY_CONTROL_SHARE * len(text), BINARY_CONTROL_MIN):
        raise QuarantineError(f"binary: {controls} control characters in {len(text)} characters")
    repaired = unicodedata.normalize("NFC", repair_mojibake(fixed))
    mojibake = repaired != unicodedata.normalize("NFC", fixed)
    repaired, removed_after = strip_removable(repaired)
    return repaired, removed + removed_after, mojibake


def unify_line_breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")


def strip_removable(text: str) -> tuple[str, Counter[str]]:
    """The text without the characters of REMOVED, and how many of each kind it had."""
    counts: Counter[str] = Counter()
    if not REMOVABLE.search(text):
        return text, counts
    for name, pattern in REMOVED.items():
        text, counts[name] = pattern.subn("", text)
    return text, counts
