"""Versioned schema: numbered migrations, each applied once in a transaction with its record.

Views are not migrations: `views/*.sql` are re-created whenever their text changes, so the public
SQL interface always matches the code that reads and writes the tables beneath it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb

from warehouse.transaction import transaction

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VIEWS_DIR = Path(__file__).parent / "views"
MIGRATION_NAME = re.compile(r"m(\d{3})_\w+\.sql")

CREATE_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
)
"""
APPLIED_VERSIONS = "SELECT version FROM schema_migrations"
RECORD_MIGRATION = "INSERT INTO schema_migrations (version, name) VALUES (?, ?)"
VIEWS_HASH = "SELECT value FROM core.warehouse_meta WHERE key = 'views_sha256'"
RECORD_VIEWS_HASH = "INSERT OR REPLACE INTO core.warehouse_meta VALUES ('views_sha256', ?)"


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = MIGRATION_NAME.fullmatch(path.name)
        if not match:
            raise RuntimeError(f"{path}: migration files are named mNNN_what_it_does.sql")
        found.append((int(match.group(1)), path))
    return found


def view_files() -> list[Path]:
    return sorted(VIEWS_DIR.glob("*.sql"))


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, then re-create the views if they changed. Returns what was applied."""
    con.execute(CREATE_MIGRATIONS_TABLE)
    applied = {row[0] for row in con.execute(APPLIED_VERSIONS).fetchall()}
    done = []
    for version, path in migrations():
        if version in applied:
            continue
        with transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(RECORD_MIGRATION, [version, path.stem])
        done.append(path.stem)

    views = view_files()
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in views)).hexdigest()
    stored = con.execute(VIEWS_HASH).fetchone()
    if stored is None or stored[0] != digest:
        with transaction(con):
            for path in views:
                con.execute(path.read_text(encoding="utf-8"))
            con.execute(RECORD_VIEWS_HASH, [digest])
        done.append("views")
    return done
