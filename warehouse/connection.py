"""Open the DuckDB warehouse: one writing process at a time, any number of readers when none writes.

Writers get the schema migrated on open. No connection installs or loads an extension: nothing is
downloaded at run time (full-text search is newsflow's own tables, warehouse/search.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from warehouse.integrity import damage_in, is_newsflow, is_verified, mark_verified, read_every_block, what_is_wrong
from warehouse.migrate import migrate


class WarehouseError(Exception):
    """The warehouse cannot be used as asked; the message says why and what to do."""


class WarehouseLockedError(WarehouseError):
    """Another process holds the warehouse file."""


class WarehouseMissingError(WarehouseError):
    """Nothing is published at the path yet."""


class CorruptWarehouseError(WarehouseError):
    """The file is damaged, or not a newsflow warehouse; the message names it and says what it is.

    `what` is that, without the advice (e.g. "is truncated: it ends before its last block").
    """

    what: str = "is damaged"


# Extensions are never installed or loaded: nothing is downloaded at run time.
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# A person's own SQL (`newsflow sql`, `search`, `report`, `status`) gets a connection that can change
# nothing: no file read or written (COPY, EXPORT, read_csv), no ATTACH, no INSTALL or LOAD, no network,
# no spill files beside the warehouse. DuckDB applies the options in order; the lock comes last, so
# no statement can SET or RESET them back. Internal reads keep `connect(read_only=True)`: they
# register Polars frames, which a connection without external access may refuse.
READER_CONFIG = NO_EXTENSIONS | {
    "enable_external_access": False,
    "temp_directory": "",
    "lock_configuration": True,
}
CHECKPOINT = "CHECKPOINT"
RECOVERY = "restore the previous version with `newsflow rollback`, or move the file aside to start anew"


def connect(path: Path, *, read_only: bool = False, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at `path`; `memory_limit` (e.g. "1GB") caps DuckDB, which spills to disk beyond it.

    Read-only, `path` must be a published newsflow warehouse; a writer gets the schema migrated.
    """
    if read_only:
        return open_published(path, capped(memory_limit))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"{path}: cannot create its folder ({exc.strerror}); choose another --db") from exc
    con = open_duckdb(path, False, capped(memory_limit))
    migrate(con)
    return con


def capped(memory_limit: str | None) -> dict[str, Any]:
    """NO_EXTENSIONS, and DuckDB's memory limit if one is given. Past it DuckDB spills to its default
    temp_directory, `<file>.tmp` beside the database, read-only connections included, or fails."""
    return NO_EXTENSIONS | ({"memory_limit": memory_limit} if memory_limit else {})


def connect_reader(path: Path) -> duckdb.DuckDBPyConnection:
    """The published warehouse, for a person's own queries: read-only, locked down (READER_CONFIG)."""
    return open_published(path, READER_CONFIG)


def open_published(path: Path, config: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    if not path.exists() and not path.is_symlink():
        raise WarehouseMissingError(f"{path}: no warehouse here yet; run `newsflow run` to build it")
    if (wrong := what_is_wrong(path)) is not None:
        raise corrupt(path, wrong)
    con = open_duckdb(path, True, config)
    try:
        newsflow = is_newsflow(con)
    except duckdb.Error as exc:
        con.close()
        raise corruption(path, exc) or WarehouseError(f"{path}: cannot read the warehouse ({exc})") from exc
    if not newsflow:
        con.close()
        raise corrupt(
            path,
            "is a DuckDB database without newsflow's tables, not a newsflow warehouse",
            "choose another --db, or move the file aside to build a new warehouse there",
        )
    return con


def open_duckdb(path: Path, read_only: bool, config: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if (found := corruption(path, exc)) is not None:
            raise found from exc
        if "Could not set lock" in str(exc):
            raise WarehouseLockedError(
                f"{path} is held by another process that opened it for writing (newsflow runs never do: "
                "they write a candidate copy); close that process and try again"
            ) from exc
        raise WarehouseError(f"{path}: cannot open the warehouse ({exc}); check the path and its permissions") from exc


def corruption(path: Path, exc: duckdb.Error) -> CorruptWarehouseError | None:
    """The CorruptWarehouseError that DuckDB's `exc` means, or None if `exc` is not about damage."""
    meaning = damage_in(exc)
    return None if meaning is None else corrupt(path, meaning)


def corrupt(path: Path, what: str, advice: str = RECOVERY) -> CorruptWarehouseError:
    error = CorruptWarehouseError(f"{path} {what}; {advice}")
    error.what = what
    return error


def verify_every_block(path: Path) -> None:
    """Raise CorruptWarehouseError if any block of the published warehouse at `path` is damaged; a file
    untouched since it last passed (or was published) is not read again (warehouse/integrity.py)."""
    if is_verified(path):
        return
    con = open_published(path, NO_EXTENSIONS)
    try:
        read_every_block(con)
    except duckdb.Error as exc:
        if (found := corruption(path, exc)) is not None:
            raise found from exc
        raise
    finally:
        con.close()
    mark_verified(path)


@contextlib.contextmanager
def registered(con: duckdb.DuckDBPyConnection, **frames: Any) -> Iterator[None]:
    """Frames (Polars, Arrow) visible to SQL under the given names for the block, and then not."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        yield
    finally:
        for name in frames:
            con.unregister(name)


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write the log into the database file, so a candidate is whole in one file before it is swapped in."""
    con.execute(CHECKPOINT)
