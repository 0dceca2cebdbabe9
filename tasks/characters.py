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
