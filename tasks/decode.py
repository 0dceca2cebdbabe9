"""Decode: read each planned file once, hash its bytes, and turn them into clean Unicode text.

Every file in the plan leaves as exactly one outcome row: loaded (with its text, the encoding
found and the repairs made), unchanged (the same bytes as last time) or quarantined (with the
reason). Nothing a run sees is dropped without a row. tasks/encoding.py finds the encoding;
tasks/clean_text.py repairs the text.
"""

from __future__ import annotations

import errno
from pathlib import Path

import polars as pl
import xxhash

from tasks.clean_text import clean_text, plain_texts
from tasks.encoding import QuarantineError, decode_bytes
from tasks.source_path import source_file

OUTCOME_SCHEMA = {
    "source_path": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_hash": pl.String,
    "encoding": pl.String,
    "repairs": pl.String,
    "document_id": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "text": pl.String,
}


def content_hash(raw: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(raw)


def document_id(source_root: str, source_path: str, raw_hash: str) -> str:
    """One document version: this content at this path. A copy under another name is another document."""
    return xxhash.xxh3_128_hexdigest("\x00".join((source_root, source_path, raw_hash)).encode("utf-8"))


def decode_text(raw: bytes) -> tuple[str, str, str | None]:
    """Return (text, encoding, repairs) or raise QuarantineError."""
    text, encoding = decode_raw(raw)
    cleaned = clean_text(text)
    return cleaned.text, encoding, cleaned.repairs


def decode_raw(raw: bytes) -> tuple[str, str]:
    """Return (text as decoded, encoding) or raise QuarantineError."""
    if not raw:
        raise QuarantineError("empty: the file has 0 bytes")
    return decode_bytes(raw)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, or QuarantineError: vanished, unreadable, or over the size limit."""
    try:
        with path.open("rb") as file:
            raw = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise QuarantineError("vanished: the file was deleted or moved after the run listed it") from None
    except OSError as exc:
        raise QuarantineError(f"unreadable: {exc.strerror or errno.errorcode.get(exc.errno, exc)}") from None
    if len(raw) > max_bytes:
        raise QuarantineError(too_large(len(raw), max_bytes))
    return raw


def too_large(size: int, max_bytes: int) -> str:
    return f"too large: over NEWSFLOW_FILE_MAX_BYTES={max_bytes} ({size} bytes or more); raise the limit to load it"


def decode_files(plan: pl.DataFrame, root: Path, max_bytes: int) -> pl.DataFrame:
    """Read the files of `plan` and return one outcome row per file.

    A file the listing already found unusable (`problem`: a broken symlink, a FIFO, ...) or
    larger than `max_bytes` is quarantined without being read.
    """
    source_root = str(root)
    rows = []
    decoded = []  # (row, text as decoded): cleaned below, once the whole batch is known
    for path, size, mtime, known_hash, problem in plan.select(
        "source_path", "size_bytes", "mtime_ns", "content_hash", "problem"
    ).iter_rows():
        row = dict.fromkeys(OUTCOME_SCHEMA)
        row.update(source_path=path, size_bytes=size, mtime_ns=mtime)
        rows.append(row)
        try:
            if problem:
                raise QuarantineError(problem)
            if size > max_bytes:
                raise QuarantineError(too_large(size, max_bytes))
            raw = read_bytes(source_file(root, path), max_bytes)
            row["content_hash"] = content_hash(raw)
            if row["content_hash"] == known_hash:
                row["status"] = "unchanged"
                continue
            text, row["encoding"] = decode_raw(raw)
        except QuarantineError as exc:
            row.update(status="quarantined", reason=str(exc))
            continue
        decoded.append((row, text))
    # Most texts are plain (nothing to remove or repair): one scan of the batch finds them.
    for (row, text), is_plain in zip(decoded, plain_texts([text for _, text in decoded]), strict=True):
        try:
            cleaned = clean_text(text, is_plain)
        except QuarantineError as exc:
            row.update(status="quarantined", reason=str(exc), encoding=None)
            continue
        row.update(
            status="loaded",
            repairs=cleaned.repairs,
            text=cleaned.text,
            document_id=document_id(source_root, row["source_path"], row["content_hash"]),
        )
    return pl.DataFrame(rows, schema=OUTCOME_SCHEMA)
