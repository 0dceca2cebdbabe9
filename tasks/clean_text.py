"""Clean text: repair what decoding cannot see, so that the same article always gives the same text.

  1. mojibake (UTF-8 read as windows-1252 or MacRoman upstream: "gÃ¢teau") is repaired by ftfy,
     with every other ftfy fix off: curly quotes, HTML entities and full-width letters are the
     publisher's, not damage;
  2. line endings CRLF and CR become LF;
  3. control characters (all but TAB and LF) and invisible format characters (zero-width space and
     joiners, word joiner, stray byte-order marks, soft hyphens) are removed;
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
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# More control characters than this share of the text (and than a few strays): not text at all.
BINARY_CONTROL_SHARE = 0.05
BINARY_CONTROL_MIN = 8


@dataclass(frozen=True)
class CleanText:
    text: str
    repairs: str | None  # what was changed, e.g. "mojibake repaired; 2 control characters removed"


def repair_mojibake(text: str) -> str:
    return ftfy.fix_text(text, MOJIBAKE_ONLY)


def clean_text(text: str) -> CleanText:
    """Return the cleaned text, or raise QuarantineError (the message is the quarantine reason)."""
    damaged = text.count("\ufffd")
    if damaged:
        line = text.count("\n", 0, text.index("\ufffd")) + 1
        raise QuarantineError(
            f"damaged: {damaged} U+FFFD replacement character(s), the first on line {line}; "
            "the text was decoded lossily before it reached us: fetch the original bytes again"
        )
    repairs = []
    fixed = repair_mojibake(text)
    if fixed != unicodedata.normalize("NFC", text):
        repairs.append("mojibake repaired")
    fixed = fixed.replace("\r\n", "\n").replace("\r", "\n")
    fixed, controls = CONTROL.subn("", fixed)
    if controls > max(BINARY_CONTROL_SHARE * len(text), BINARY_CONTROL_MIN):
        raise QuarantineError(f"binary: {controls} control characters in {len(text)} characters")
    if controls:
        repairs.append(f"{controls} control character(s) removed")
    fixed, invisible = INVISIBLE.subn("", fixed)
    if invisible:
        repairs.append(f"{invisible} invisible character(s) removed")
    if not fixed.strip():
        what = "whitespace and invisible or control characters" if text.strip() else "whitespace"
        raise QuarantineError(f"empty: the file holds only {what}")
    return CleanText(unicodedata.normalize("NFC", fixed), "; ".join(repairs) or None)
