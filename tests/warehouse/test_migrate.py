from pathlib import Path

import duckdb
import pytest

from warehouse.connection import WarehouseError, connect
from warehouse.migrate import migrate, migrations
from warehouse.transaction import transaction

PUBLIC_VIEWS = {
    "articles", "paragraph_occurrences", "duplicate_paragraphs", "runs", "run_steps", "quarantine", "language_summary",
}  # fmt: skip


def test_a_new_warehouse_gets_every_migration_once_with_its_record(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    recorded = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert recorded == [(version, path.stem) for version, path in migrations()]
    assert migrate(con) == []  # nothing left to apply
    views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert views >= PUBLIC_VIEWS
    con.close()


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    connect(tmp_path / "w.duckdb").close()
    con = connect(tmp_path / "w.duckdb")
    assert migrate(con) == []
    con.close()


def test_transaction_rolls_back_and_re_raises(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(duckdb.ConstraintException), transaction(con):
        con.execute("INSERT INTO core.warehouse_meta VALUES ('k', 'v')")
        con.execute("INSERT INTO core.warehouse_meta VALUES ('k', 'again')")
    assert con.execute("SELECT count(*) FROM core.warehouse_meta WHERE key = 'k'").fetchone() == (0,)
    con.close()


def test_a_reader_cannot_open_a_warehouse_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match=r"no warehouse here yet; run `newsflow run`"):
        connect(tmp_path / "absent.duckdb", read_only=True)
