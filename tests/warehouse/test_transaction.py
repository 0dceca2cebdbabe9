"""Transactions on a real DuckDB file: what a second connection sees, and what an error takes back."""

from pathlib import Path

import duckdb
import pytest

from warehouse.transaction import transaction_every


def visible(reader: duckdb.DuckDBPyConnection) -> int:
    return reader.execute("SELECT count(*) FROM t").fetchone()[0]


def test_units_are_committed_every_n_and_at_the_end(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE t (i INTEGER)")
    reader = con.cursor()  # a second connection to the same database: sees only what is committed
    seen = []
    with transaction_every(con, 2) as unit_done:
        for i in range(5):
            con.execute("INSERT INTO t VALUES (?)", [i])
            unit_done()
            seen.append(visible(reader))
    assert seen == [0, 2, 2, 4, 4]
    assert visible(reader) == 5


def test_an_error_rolls_back_the_units_since_the_last_commit(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE t (i INTEGER)")
    with pytest.raises(duckdb.ConversionException), transaction_every(con, 2) as unit_done:
        for value in ("1", "2", "3", "not a number"):
            con.execute("INSERT INTO t VALUES (?::INTEGER)", [value])
            unit_done()
    assert con.execute("SELECT list(i ORDER BY i) FROM t").fetchone()[0] == [1, 2]
    con.execute("INSERT INTO t VALUES (4)")  # no transaction is left open
