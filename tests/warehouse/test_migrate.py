from pathlib import Path

import duckdb
import pytest

from warehouse.connection import WarehouseError, connect
from warehouse.migrate import CREATE_MIGRATIONS_TABLE, RECORD_MIGRATION, migrate, migrations
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


INSERT_RUN = "INSERT INTO core.runs (run_id, source_root, started_at, status) VALUES (?, '/news', now(), ?)"


def test_m006_keeps_the_runs_and_lets_a_run_be_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))  # a warehouse as the release before m006 left it, with a run
    con.execute(CREATE_MIGRATIONS_TABLE)
    for version, migration in migrations():
        if version < 6:
            con.execute(migration.read_text(encoding="utf-8"))
            con.execute(RECORD_MIGRATION, [version, migration.stem])
    con.execute(INSERT_RUN, [1, "completed"])
    with pytest.raises(duckdb.ConstraintException):
        con.execute(INSERT_RUN, [2, "cancelled"])
    con.close()

    con = connect(path)  # migrates
    con.execute(INSERT_RUN, [2, "cancelled"])
    assert con.execute("SELECT run_id, status FROM runs ORDER BY 1").fetchall() == [(1, "completed"), (2, "cancelled")]
    with pytest.raises(duckdb.ConstraintException):
        con.execute(INSERT_RUN, [3, "paused"])
    con.close()
