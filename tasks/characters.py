"""Character classes that cleaning removes from text and that file-name keys escape.

Kept apart from tasks/clean_text.py so that discovery, which runs on every no-op check, need not
import ftfy (~0.1 s) to escape a name.
"""

from __future__ import annotations

# C0 and C1 control characters and DEL (clean_text keeps TAB and LF).
CONTROL = "\x00-\x1f\x7f-\x9f"
# Bidirectional formatting: LRM and RLM, the embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and
# the isolates (LRI, RLI, FSI, PDI). Invisible, they reorder what is shown around them: text that
# reads one way and is stored another ("Trojan Source", CVE-2021-42574), or a name such as
# "report\u202etxt.exe" shown as "reportexe.txt".
BIDI_FORMAT = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
# What str.split() and str.strip() take for whitespace (str.isspace) in Python 3.11's Unicode data; Rust's `\s`
# lacks \x1c-\x1f (tests/tasks/test_fingerprint.py).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def char_class(chars: str) -> str:
    """The characters as the inside of a regex class that Python's re and Rust's regex (Polars) read alike."""
    return "".join(f"\\U{ord(char):08X}" for char in chars)
