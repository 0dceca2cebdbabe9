"""The `runs` ledger: a row when a run starts, its outcome and counts when it ends."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from warehouse.transaction import transaction

ABANDON_STALE_RUNS = """
UPDATE core.runs
SET status = 'failed', finished_at = current_timestamp,
    message = 'abandoned: the process ended before the run finished'
WHERE status = 'running'
"""
START_RUN = """
INSERT INTO core.runs (run_id, flow_run_id, source_root, started_at, status)
VALUES (nextval('core.run_id_seq'), ?, ?, current_timestamp, 'running')
RETURNING run_id
"""
FINISH_RUN = """
UPDATE core.runs
SET status = $status, message = $message, finished_at = current_timestamp,
    files_seen = $files_seen, files_loaded = $files_loaded, files_unchanged = $files_unchanged,
    files_quarantined = $files_quarantined, files_deleted = $files_deleted,
    paragraphs_read = $paragraphs_read, paragraphs_unique = $paragraphs_unique,
    paragraphs_new = $paragraphs_new
WHERE run_id = $run_id
"""
RECORD_COUNTER = "INSERT INTO core.run_counters VALUES (?, ?, ?, ?)"
RUN_COUNTS = (
    "files_seen", "files_loaded", "files_unchanged", "files_quarantined", "files_deleted",
    "paragraphs_read", "paragraphs_unique", "paragraphs_new",
)  # fmt: skip


def start_run(con: duckdb.DuckDBPyConnection, flow_run_id: str | None, source_root: str) -> int:
    """Open a run. Only one process writes, so a run still `running` now was killed: close it as failed."""
    with transaction(con):
        con.execute(ABANDON_STALE_RUNS)
        return con.execute(START_RUN, [flow_run_id, source_root]).fetchone()[0]


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    status: str,
    message: str | None,
    counts: Mapping[str, int | None],
    counters: Mapping[tuple[str, str], int],
) -> None:
    """Record the outcome. Call inside the publishing transaction so data and ledger agree."""
    con.execute(
        FINISH_RUN,
        {"run_id": run_id, "status": status, "message": message} | {k: counts.get(k) for k in RUN_COUNTS},
    )
    if counters:
        con.executemany(
            RECORD_COUNTER, [[run_id, step, name, value] for (step, name), value in sorted(counters.items())]
        )
