"""All or nothing: the one way newsflow groups writes to DuckDB."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import duckdb


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit what the block did, or roll it all back and re-raise."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextlib.contextmanager
def transaction_every(con: duckdb.DuckDBPyConnection, units: int) -> Iterator[Callable[[], None]]:
    """One transaction over a series of units of work, committed after every `units` of them and at the
    end; the block calls the function it is given after each unit. An error rolls back the units since
    the last commit and re-raises: for work that is redone whole when it fails (a run's staging)."""
    done = 0

    def unit_done() -> None:
        nonlocal done
        done += 1
        if done % units == 0:
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")

    with transaction(con):
        yield unit_done
