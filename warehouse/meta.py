"""Facts the warehouse keeps about how it was built (`core.warehouse_meta`), checked on every run."""

from __future__ import annotations

import duckdb

from warehouse.connection import WarehouseError

STORED = "SELECT value FROM core.warehouse_meta WHERE key = ?"
RECORD = "INSERT INTO core.warehouse_meta VALUES (?, ?)"


def require_version(con: duckdb.DuckDBPyConnection, key: str, version: str, path: str) -> None:
    """Record `version` under `key` in a warehouse that has none; refuse one built with another."""
    stored = con.execute(STORED, [key]).fetchone()
    if stored is None:
        con.execute(RECORD, [key, version])
    elif stored[0] != version:
        raise WarehouseError(
            f"{path} was built with {key} {stored[0]}, and this newsflow uses {version}: its ids would not "
            "meet new ones. Rebuild it: move the file aside and run `newsflow run` over the same folder"
        )
