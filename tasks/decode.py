"""Decode: read each planned file once, hash its bytes, and turn them into clean Unicode text.

Accepted now: UTF-8, with or without a byte-order mark. Anything else is quarantined with the
reason, so the run goes on and the file stays accounted for. Line endings (CRLF, CR) become LF
and the text is put in Unicode NFC, so that the same article always yields the same paragraphs.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import polars as pl
import xxhash
from prefect import task
from prefect.cache_policies import NO_CACHE

UTF8_BOM = b"\xef\xbb\xbf"

OUTCOME_SCHEMA = {
    "source_path": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_hash": pl.String,
    "encoding": pl.String,
    "document_id": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "text": pl.String,
}


class QuarantineError(Exception):
    """This file cannot be loaded; the message is the reason recorded for it."""


def content_hash(raw: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(raw)


def document_id(source_root: str, source_path: str, raw_hash: str) -> str:
    """One document version: this content at this path. A copy under another name is another document."""
    return xxhash.xxh3_128_hexdigest("\x00".join((source_root, source_path, raw_hash)).encode("utf-8"))


def decode_text(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise QuarantineError."""
    if not raw.strip():
        raise QuarantineError("empty: the file has no text")
    encoding = "utf-8"
    if raw.startswith(UTF8_BOM):
        raw, encoding = raw[len(UTF8_BOM) :], "utf-8-sig"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuarantineError(
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be decoded"
        ) from None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")), encoding


def decode_files(plan: pl.DataFrame, root: Path) -> pl.DataFrame:
    """Read the files of `plan` (action = read) and return one outcome row per file.

    status: loaded (with text), unchanged (same bytes as last time, only the stat changed) or
    quarantined (with reason).
    """
    source_root = str(root)
    rows = []
    for path, size, mtime, known_hash in plan.select(
        "source_path", "size_bytes", "mtime_ns", "content_hash"
    ).iter_rows():
        row = dict.fromkeys(OUTCOME_SCHEMA)
        row.update(source_path=path, size_bytes=size, mtime_ns=mtime)
        try:
            raw = (root / path).read_bytes()
        except OSError as exc:
            row.update(status="quarantined", reason=f"unreadable: {exc.strerror}")
            rows.append(row)
            continue
        row["content_hash"] = content_hash(raw)
        if row["content_hash"] == known_hash:
            row["status"] = "unchanged"
            rows.append(row)
            continue
        try:
            text, encoding = decode_text(raw)
        except QuarantineError as exc:
            row.update(status="quarantined", reason=str(exc))
        else:
            row.update(
                status="loaded",
                encoding=encoding,
                text=text,
                document_id=document_id(source_root, path, row["content_hash"]),
            )
        rows.append(row)
    return pl.DataFrame(rows, schema=OUTCOME_SCHEMA)


# Reading files is the step that meets flaky storage (network mounts): retry it.
decode = task(name="decode", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)(decode_files)
