"""Clean text: repair what decoding cannot see, so that the same article always gives the same text.

  1. line endings CRLF and CR become LF;
  2. control characters (all but TAB and LF) and invisible format characters (zero-width space and
     joiners, word joiner, stray byte-order marks, soft hyphens) are removed;
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
from dataclasses import dataclass

import ftfy

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
# Most texts hold neither: one scan for both, before the two that count and remove them.
CONTROL_OR_INVISIBLE = re.compile(f"[{CONTROL.pattern[1:-1]}{INVISIBLE.pattern[1:-1]}]")
# Lines made only of these cannot be mojibake: UTF-8 misread as a single-byte code page shows
# characters outside them (Ã, Â, Ð, ¤, Ђ, ‰, ї, ...), or else one of the SUSPECT_PAIRs: a lead
# byte read as Ä/Ö/Ü/ß (Latin-1) or Р/С (windows-1251) before a continuation byte read as
# typography ("RÄ«ga", "Р’"). A false alarm only costs the time of asking ftfy.
PLAIN = (
    "".join(map(chr, range(0x20, 0x7F)))
    + "\t\n"
    + "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯёЁ"
    + "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
    + "äöüßÄÖÜ"
    + "«»„“”’–—…№\u00a0"
)
# One regex scan finds a character outside PLAIN 8x faster than a set's issuperset (bench/README.md).
NOT_PLAIN = re.compile(f"[^{re.escape(PLAIN)}]")
SUSPECT_PAIR = re.compile("[ÄÖÜßРС][„“”’–—…«»№\u00a0ёЁіІ]")
# More control characters than this share of the text (and than a few strays): not text at all.
BINARY_CONTROL_SHARE = 0.05
BINARY_CONTROL_MIN = 8


@dataclass(frozen=True)
class CleanText:
    text: str
    repairs: str | None  # what was changed, e.g. "mojibake repaired; 2 control characters removed"


def repair_mojibake(text: str) -> str:
    """ftfy on the lines that could hold mojibake: its checks cost ~1 s per 2 MB, most of decode."""
    if plain(text):
        return text
    return "\n".join(line if plain(line) else ftfy.fix_text(line, MOJIBAKE_ONLY) for line in text.split("\n"))


def plain(text: str) -> bool:
    return not NOT_PLAIN.search(text) and not SUSPECT_PAIR.search(text)


def clean_text(text: str) -> CleanText:
    """Return the cleaned text, or raise QuarantineError (the message is the quarantine reason).

    Characters that are removed anyway go first, so they cannot hide mojibake from ftfy; and once
    more after it, so that cleaning clean text changes nothing (tests/tasks/test_properties.py).
    """
    fixed, controls, invisible = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    if controls > max(BINARY_CONTROL_SHARE * len(text), BINARY_CONTROL_MIN):
        raise QuarantineError(f"binary: {controls} control characters in {len(text)} characters")
    repaired = unicodedata.normalize("NFC", repair_mojibake(fixed))
    mojibake = repaired != unicodedata.normalize("NFC", fixed)
    repaired, more_controls, more_invisible = strip_controls(repaired)
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
    repairs = [
        note
        for count, note in (
            (mojibake, "mojibake repaired"),
            (controls + more_controls, f"{controls + more_controls} control character(s) removed"),
            (invisible + more_invisible, f"{invisible + more_invisible} invisible character(s) removed"),
        )
        if count
    ]
    return CleanText(unicodedata.normalize("NFC", repaired), "; ".join(repairs) or None)


def strip_controls(text: str) -> tuple[str, int, int]:
    """The text without control and invisible characters, and how many of each it had."""
    if not CONTROL_OR_INVISIBLE.search(text):
        return text, 0, 0
    text, controls = CONTROL.subn("", text)
    text, invisible = INVISIBLE.subn("", text)
    return text, controls, invisible
