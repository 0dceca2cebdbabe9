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

from warehouse.migrate import migrate


class WarehouseError(Exception):
    """The warehouse cannot be used as asked; the message says why and what to do."""


class WarehouseLockedError(WarehouseError):
    """Another process holds the warehouse file."""


def connect(path: Path, *, read_only: bool = False, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at `path`; `memory_limit` (e.g. "1GB") caps DuckDB, which spills to disk beyond it."""
    if read_only and not path.is_file():
        raise WarehouseError(f"{path}: no warehouse here yet; run `newsflow run` to build it")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"{path}: cannot create its folder ({exc.strerror}); choose another --db") from exc
    try:
        con = duckdb.connect(
            str(path),
            read_only=read_only,
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            }
            | ({"memory_limit": memory_limit} if memory_limit else {}),
        )
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLockedError(
                f"{path} is held by another process that opened it for writing (newsflow runs never do: "
                "they write a candidate copy); close that process and try again"
            ) from exc
        raise WarehouseError(f"{path}: cannot open the warehouse ({exc}); check the path and its permissions") from exc
    if not read_only:
        migrate(con)
    return con


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
