r"""Source paths: the key each file is stored under, readable and reversible.

A file's key is its path relative to the source folder, with `/` between folders, as text. But a
name on disk is bytes, and not every byte string is UTF-8 (a Latin-1 system writes the "é" of
"café.txt" as the one byte 0xE9), and a name may hold characters that garble a terminal or reorder
a line. So the key escapes as `ls -b` shows a name: a backslash as `\\`, and each byte that is not
UTF-8, or that belongs to a control or bidirectional formatting character, as `\` and three octal
digits. All else is the name as it reads. Every backslash in a key starts an escape, so two names
never share a key, and `path_bytes` gives back the exact bytes on disk: the Latin-1 name is
`caf\351.txt`, a name holding the eleven characters `caf\xe9.txt` is `caf\\xe9.txt`.

Before issue 12, a name that was not UTF-8 was quarantined under a key with `\xNN` escapes that a
real name could share. Such a key is now only the old key of a file listed under a new one, so
the first run after the upgrade marks it deleted and loads the file under its new key.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from tasks.characters import BIDI_FORMAT, CONTROL

# Read as UTF-8, the bytes of a name that are not UTF-8 become the lone surrogates U+DC80-U+DCFF
# (PEP 383); one scan finds whether a name needs any escape (most need none).
NEEDS_ESCAPE = re.compile(f"[\\\\{CONTROL}{BIDI_FORMAT}\udc80-\udcff]")
ESCAPE = re.compile(rb"\\(\\|[0-7]{3})")
# os functions decode names with the file system encoding. Where that is UTF-8 (Linux and macOS in
# any UTF-8 or C locale), their names already read as UTF-8 with surrogates for the other bytes.
FILE_SYSTEM_UTF8 = (sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()) == ("utf-8", "surrogateescape")


def path_key(path: str) -> str:
    """The key of a relative path as os functions give it."""
    if not FILE_SYSTEM_UTF8:  # back to the bytes on disk, to read them as UTF-8
        path = os.fsencode(path).decode("utf-8", "surrogateescape")
    if not NEEDS_ESCAPE.search(path):
        return path
    return NEEDS_ESCAPE.sub(_escape, path)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    return "".join(f"\\{byte:03o}" for byte in char.encode("utf-8", "surrogateescape"))


def path_bytes(key: str) -> bytes:
    """The exact bytes of the relative path that `path_key` turned into `key`."""
    return ESCAPE.sub(_unescape, key.encode("utf-8"))


def _unescape(match: re.Match[bytes]) -> bytes:
    escape = match.group(1)
    return b"\\" if escape == b"\\" else bytes([int(escape, 8)])


def source_file(root: Path, key: str) -> Path:
    """The file on disk that `key` names under `root`."""
    return root / os.fsdecode(path_bytes(key))
