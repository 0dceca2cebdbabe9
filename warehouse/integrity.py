"""Is this file a healthy newsflow warehouse? If not, what it is instead, in a few words.

DuckDB checks a file's headers when it opens it and a block's checksum when a query reads that
block, so damage shows at open or in the middle of a query. warehouse/connection.py turns both
into a `CorruptWarehouseError` naming the file and what is wrong with it. Nothing here writes to a
warehouse: a damaged file stays exactly as it was, for `newsflow rollback` or a person to deal with.

Reading every block of a 1.7 GB warehouse takes seconds, and a scheduled run with nothing to do
would take them every time. So a file that passed, or that newsflow itself wrote and published, is
noted in `<db>.verified` by its identity (inode, size, modification and change times), and is read
again only once something has written to it or put another file in its place. What that cannot see
is the medium itself rotting bits under an untouched file; delete `<db>.verified` to have the next
run read every block again.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import duckdb

# DuckDB's main header starts with a checksum (8 bytes), then its magic.
DUCKDB_MAGIC_AT, DUCKDB_MAGIC = 8, b"DUCK"
SQLITE_MAGIC = b"SQLite format 3\x00"
# What DuckDB's errors say when a file's bytes are not what it wrote.
DAMAGE_SIGNS = {
    "Corrupt database file": "is damaged: a block's checksum does not match its bytes",
    "Could not read enough bytes": "is truncated: it ends before its last block",
    "not a valid DuckDB database file": "is not a DuckDB database",
}
IS_NEWSFLOW = """
SELECT count(*) = 2 FROM duckdb_tables()
WHERE (schema_name, table_name) IN (('main', 'schema_migrations'), ('core', 'runs'))
"""
TABLES = "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2"
# Hashing every column makes DuckDB read, and so checksum, every block of the table.
READ_EVERY_BLOCK = 'SELECT bit_xor(hash(COLUMNS(*))) FROM "{schema}"."{table}"'


def what_is_wrong(path: Path) -> str | None:
    """What is wrong with the file at `path` that shows without DuckDB, or None."""
    if path.is_dir():
        return "is a folder, not a warehouse file"
    if not path.is_file():
        return "is not a regular file (a device, a socket or a broken link)"
    with path.open("rb") as f:
        head = f.read(16)
    if not head:
        return "is an empty file (0 bytes), not a warehouse"
    if head.startswith(SQLITE_MAGIC):
        return "is a SQLite database, not a DuckDB warehouse"
    if head[DUCKDB_MAGIC_AT : DUCKDB_MAGIC_AT + len(DUCKDB_MAGIC)] != DUCKDB_MAGIC:
        return "is not a DuckDB database (it does not start with DuckDB's header)"
    return None


def damage_in(exc: duckdb.Error) -> str | None:
    """What DuckDB's error `exc` says is wrong with the file's bytes, or None if it is about something else."""
    return next((meaning for sign, meaning in DAMAGE_SIGNS.items() if sign in str(exc)), None)


def is_newsflow(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute(IS_NEWSFLOW).fetchone()[0]


def read_every_block(con: duckdb.DuckDBPyConnection) -> None:
    """Read every table to its last block, so that damage anywhere in the data raises now."""
    for schema, table in con.execute(TABLES).fetchall():
        con.execute(READ_EVERY_BLOCK.format(schema=quoted(schema), table=quoted(table))).fetchall()


def quoted(identifier: str) -> str:
    return identifier.replace('"', '""')


def verified_marker(path: Path) -> Path:
    return path.with_name(f"{path.name}.verified")


def identity(path: Path) -> dict[str, int]:
    """What changes when anything writes to the file at `path` or replaces it."""
    stat = path.stat()
    return {"inode": stat.st_ino, "size": stat.st_size, "modified_ns": stat.st_mtime_ns, "changed_ns": stat.st_ctime_ns}


def is_verified(path: Path) -> bool:
    """True if the file at `path` is the very file last verified (or published) as whole."""
    try:
        return json.loads(verified_marker(path).read_text(encoding="utf-8")) == identity(path)
    except (OSError, ValueError):
        return False


def mark_verified(path: Path) -> None:
    """Note the file at `path` as whole; where the note cannot be written, the next command reads it all."""
    marker = verified_marker(path)
    partial = marker.with_name(f"{marker.name}.partial")
    try:
        partial.write_text(json.dumps(identity(path)), encoding="utf-8")
        partial.replace(marker)
    except OSError:  # a full disk or a read-only folder costs a full read next time, never a run
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
