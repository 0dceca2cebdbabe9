"""The quality gate's scope: the rows one run's audit reads (warehouse/sql/audit_scope.sql, m012).

Written into the candidate by the writer when its load ends, read by the expectations, and dropped
when the run records its verdict: it is the gate's working set, not data anyone queries.
"""

from __future__ import annotations

import duckdb

from warehouse.sql_script import run_script
from warehouse.transaction import transaction

SCOPE_SIZE = """
SELECT (SELECT count(*) FROM core.audited_documents), (SELECT count(*) FROM core.audited_paragraphs)
"""
CLEAR_SCOPE = ("DELETE FROM core.audited_documents", "DELETE FROM core.audited_paragraphs")


def mark_audit_scope(con: duckdb.DuckDBPyConnection, run_id: int, everything: bool = False) -> dict[str, int]:
    """Write what the gate audits of run `run_id` (every row if `everything`); returns its size."""
    with transaction(con):
        run_script(con, "audit_scope", run_id=run_id, everything=everything)
    documents, paragraphs = con.execute(SCOPE_SIZE).fetchone()
    return {"documents": documents, "paragraphs": paragraphs}


def clear_audit_scope(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the scope once the verdict is in; the caller holds the transaction."""
    for statement in CLEAR_SCOPE:
        con.execute(statement)
