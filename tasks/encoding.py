"""Encoding: turn a file's bytes into Unicode, or say why they are not text.

The order of the checks is the order of certainty:
  1. a byte-order mark names the encoding (UTF-32 before UTF-16: their little-endian marks overlap);
  2. NUL bytes mean UTF-16/32 without a mark, or a binary file;
  3. bytes that decode as UTF-8 are UTF-8 (legacy Cyrillic text almost never does);
  4. anything else goes to charset-normalizer, restricted to the legacy encodings of our languages.
charset-normalizer ranks its candidates by "chaos" (how odd the decoded text looks); between
candidates it finds about equally plausible it cannot tell MacCyrillic from windows-1251, or
KZ-1048 from windows-1251, because they differ only in the capitals or the Kazakh letters. There
we pick the candidate whose text has fewest characters outside the alphabets we ingest.
`bench/encodings.py` measures the accuracy per encoding, with and without that tie-break.
"""

from __future__ import annotations

import codecs
import unicodedata

import puremagic
from charset_normalizer import from_bytes

BOMS = (  # longest first: the UTF-32-LE mark begins with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
WIDE_ENCODINGS = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]
# Russian and Kazakh (Cyrillic), German (Latin). IBM855 is in the corpus of real legacy files.
LEGACY_ENCODINGS = ["cp1251", "koi8_r", "iso8859_5", "cp866", "mac_cyrillic", "cp855", "kz1048", "cp1252", "latin_1"]
# Candidates whose chaos is within this of the best are "about equally plausible" (measured: the
# MacCyrillic/windows-1251 confusions differ by < 0.01; a wrong KOI8-R reading by > 0.08).
CHAOS_TIE = 0.02

WIDE_UNEXPECTED_SHARE = 0.1
RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯіІ"
KAZAKH_ONLY = frozenset("әғқңөұүһӘҒҚҢӨҰҮҺ")
TYPOGRAPHY = "«»„“”‘’‚—–…№°§€£·•×±\u00a0\u2009\u202f"
# A Kazakh letter is expected only in text that has enough of them to be Kazakh: one stray
# KZ-1048 letter in Russian text is a Ukrainian "ї" in windows-1251.
KAZAKH_SHARE = 0.01


class QuarantineError(Exception):
    """These bytes cannot be loaded as text; the message is the reason recorded in quarantine."""


def _expected(char: str) -> bool:
    if char in RUSSIAN or char in TYPOGRAPHY:
        return True
    if char.isascii():
        return char.isprintable() or char in "\t\n\r"
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")


EXPECTED = frozenset(c for c in map(chr, range(0x3000)) if _expected(c))


def unexpected_characters(text: str) -> int:
    """How many characters fall outside the alphabets and typography of the languages we ingest."""
    odd = sum(1 for c in text if c not in EXPECTED)
    kazakh = sum(1 for c in text if c in KAZAKH_ONLY)
    letters = sum(1 for c in text if c.isalpha())
    return odd - kazakh if kazakh >= KAZAKH_SHARE * letters else odd


def describe_binary(raw: bytes) -> str:
    try:
        return puremagic.from_string(raw[:8192], mime=True) or "data"
    except puremagic.PureError:
        return "data"


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Return (text, Python codec name) or raise QuarantineError."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise QuarantineError(
                    f"not {encoding} despite its byte-order mark: {exc.reason} at offset {exc.start + len(bom)}"
                ) from None
    if b"\x00" in raw:
        return _decode_wide(raw)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = f"byte 0x{raw[exc.start]:02x} at offset {exc.start}"
    candidates = list(from_bytes(raw, cp_isolation=LEGACY_ENCODINGS))
    if not candidates:
        raise QuarantineError(
            f"undecodable: not UTF-8 ({first_error}) and no legacy encoding of ours fits; "
            f"content looks like {describe_binary(raw)}"
        )
    plausible = [c for c in candidates if c.chaos <= candidates[0].chaos + CHAOS_TIE]
    best = min(plausible, key=lambda c: unexpected_characters(str(c)))
    return str(best), best.encoding


def _decode_wide(raw: bytes) -> tuple[str, str]:
    """UTF-16/32 without a byte-order mark, or else a binary file."""
    match = from_bytes(raw, cp_isolation=WIDE_ENCODINGS).best()
    # Any even-length bytes "decode" as UTF-16; real text reads as our alphabets, not as CJK noise.
    if match is not None and "\x00" not in str(match):
        text = str(match)
        if unexpected_characters(text) <= WIDE_UNEXPECTED_SHARE * len(text):
            return text, match.encoding
    offset = raw.index(b"\x00")
    raise QuarantineError(f"binary: NUL byte at offset {offset}; content looks like {describe_binary(raw)}")
