"""Make Great Expectations 1.24.1 run its SQL on DuckDB.

GX returns a query's cursor after closing the connection it came from; duckdb-engine then has no
rows to fetch and every expectation fails with `IndexError: list index out of range` in
`resolve_metric_bundle` (GX issues #10738, #11579; fix proposed in PR #12084). GX already keeps
one connection open for SQLite, MSSQL, BigQuery and Databricks; this does the same for DuckDB.
Remove it when a GX release carries the fix. (Regex expectations have no DuckDB dialect in GX
either; our regex checks are SQL row queries, see suites.py, so they need no patch.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

_original_get_connection = SqlAlchemyExecutionEngine.get_connection


@contextlib.contextmanager
def _get_connection(self: SqlAlchemyExecutionEngine) -> Iterator[Any]:
    if self.dialect_name != "duckdb":
        with _original_get_connection(self) as connection:
            yield connection
        return
    if not self._connection or self._connection.closed:
        self._connection = self.engine.connect()
    yield self._connection


def install() -> None:
    SqlAlchemyExecutionEngine.get_connection = _get_connection


def close(datasource: Any) -> None:
    """Release the DuckDB file: the kept connection and both engines' pools."""
    engine = datasource.get_execution_engine()
    if getattr(engine, "_connection", None) is not None:
        engine._connection.close()
        engine._connection = None
    engine.engine.dispose()
    datasource.get_engine().dispose()
