"""The `runs` ledger: a row when a run starts, its counts when it has merged, its verdict at the end."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # the reports' type only: warehouse/ does not import tasks/
    from tasks.steps import StepReport

# Run ids count up from the published warehouse. A failed run's row is written into the published
# copy under the same id (tasks/publish.py), so ids stay unique without a sequence.
START_RUN = """
INSERT INTO core.runs (run_id, flow_run_id, source_root, started_at, status)
SELECT coalesce(max(run_id), 0) + 1, ?, ?, current_timestamp, 'running' FROM core.runs
RETURNING run_id
"""
RECORD_COUNTS = """
UPDATE core.runs
SET files_seen = $files_seen, files_loaded = $files_loaded, files_unchanged = $files_unchanged,
    files_quarantined = $files_quarantined, files_deleted = $files_deleted,
    paragraphs_read = $paragraphs_read, paragraphs_unique = $paragraphs_unique,
    paragraphs_new = $paragraphs_new
WHERE run_id = $run_id
"""
RUN_COUNTS = (
    "files_seen", "files_loaded", "files_unchanged", "files_quarantined", "files_deleted",
    "paragraphs_read", "paragraphs_unique", "paragraphs_new",
)  # fmt: skip
RECORD_COUNTER = "INSERT INTO core.run_counters VALUES (?, ?, ?, ?)"
FINISH_RUN = """
UPDATE core.runs SET status = ?, message = ?, finished_at = current_timestamp WHERE run_id = ?
"""
RECORD_ENDED_RUN = """
INSERT INTO core.runs (
    run_id, flow_run_id, source_root, started_at, finished_at, status, message,
    files_seen, files_loaded, files_unchanged, files_quarantined, files_deleted,
    paragraphs_read, paragraphs_unique, paragraphs_new
)
SELECT coalesce(max(run_id), 0) + 1, $flow_run_id, $source_root, $started_at, current_timestamp, $status, $message,
    $files_seen, $files_loaded, $files_unchanged, $files_quarantined, $files_deleted,
    $paragraphs_read, $paragraphs_unique, $paragraphs_new
FROM core.runs
RETURNING run_id
"""
# The quarantine reason of a file the quality gate held back, before the expectations it failed.
HELD_BACK_REASON = "quality gate: "
HELD_BACK = """
SELECT source_path, reason FROM core.source_files
WHERE last_changed_run = ? AND status = 'quarantined' AND starts_with(reason, ?)
ORDER BY source_path
"""
RUN_OF_FLOW_RUN = "SELECT run_id, status FROM core.runs WHERE flow_run_id = ?"
LAST_COMPLETED_RUN = "SELECT run_id, finished_at FROM core.runs WHERE status = 'completed' ORDER BY run_id DESC LIMIT 1"
RECORD_RESULT = "INSERT INTO core.quality_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
COPY_RUN = (
    "INSERT INTO core.runs SELECT * FROM candidate.core.runs WHERE run_id = ?",
    "INSERT INTO core.run_counters SELECT * FROM candidate.core.run_counters WHERE run_id = ?",
    "INSERT INTO core.quality_results SELECT * FROM candidate.core.quality_results WHERE run_id = ?",
)
RECORD_LANGUAGES = """
INSERT INTO core.published_languages
SELECT ?, language, articles, paragraphs_read, paragraphs_unique, repeats_in_document,
       duplicates_of_earlier_documents, duplicate_ratio, boilerplate
FROM language_summary
"""


def start_run(con: duckdb.DuckDBPyConnection, flow_run_id: str | None, source_root: str) -> int:
    return con.execute(START_RUN, [flow_run_id, source_root]).fetchone()[0]


def record_counts(
    con: duckdb.DuckDBPyConnection, run_id: int, counts: Mapping[str, int], steps: Iterable[StepReport]
) -> None:
    con.execute(RECORD_COUNTS, {"run_id": run_id} | {key: counts.get(key) for key in RUN_COUNTS})
    record_steps(con, run_id, steps)


def record_steps(con: duckdb.DuckDBPyConnection, run_id: int, steps: Iterable[StepReport]) -> None:
    """The `run_steps` rows of the steps' reports (tasks/steps.py); a step reports once per run."""
    rows = sorted([run_id, step.step, name, n] for step in steps for name, n in step.counters().items())
    if rows:
        con.executemany(RECORD_COUNTER, rows)


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, status: str, message: str | None) -> None:
    con.execute(FINISH_RUN, [status, message, run_id])


def record_languages(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Keep the warehouse by language as run `run_id` publishes it (m016)."""
    con.execute(RECORD_LANGUAGES, [run_id])


def record_ended_run(
    con: duckdb.DuckDBPyConnection,
    flow_run_id: str | None,
    source_root: str,
    started_at: Any,
    status: str,
    message: str,
    counts: Mapping[str, int],
) -> int:
    """The row of a run that ended before its candidate could be published: failed or cancelled."""
    values = {"flow_run_id": flow_run_id, "source_root": source_root, "started_at": started_at}
    values |= {"status": status, "message": message} | {key: counts.get(key, 0) for key in RUN_COUNTS}
    return con.execute(RECORD_ENDED_RUN, values).fetchone()[0]


def run_of_flow_run(con: duckdb.DuckDBPyConnection, flow_run_id: str) -> tuple[int, str] | None:
    """The run id and status a Prefect flow run was recorded under, if it was."""
    return con.execute(RUN_OF_FLOW_RUN, [flow_run_id]).fetchone()


def record_quality(con: duckdb.DuckDBPyConnection, run_id: int, results: Iterable[Any]) -> None:
    rows = [
        [run_id, r.suite, r.expectation, r.expectation_type, r.column_name, r.severity, r.success,
         r.observed_value, r.unexpected_count, r.details]
        for r in results
    ]  # fmt: skip
    if rows:
        con.executemany(RECORD_RESULT, rows)


def last_completed_run(con: duckdb.DuckDBPyConnection) -> tuple[int, Any] | None:
    """(run id, finish time) of the last run that published, or None."""
    return con.execute(LAST_COMPLETED_RUN).fetchone()


def copy_run(con: duckdb.DuckDBPyConnection, candidate: Path, run_id: int) -> None:
    """Copy one run's ledger rows (run, counters, quality results) from a candidate warehouse."""
    # ATTACH takes no bound parameters: the path goes in as a quoted SQL string literal.
    con.execute(f"ATTACH '{str(candidate).replace(chr(39), chr(39) * 2)}' AS candidate (READ_ONLY)")
    try:
        for statement in COPY_RUN:
            con.execute(statement, [run_id])
    finally:
        con.execute("DETACH candidate")


def held_back_files(con: duckdb.DuckDBPyConnection, run_id: int) -> list[tuple[str, str]]:
    """(source_path, reason) of the files the quality gate of run `run_id` held back."""
    return con.execute(HELD_BACK, [run_id, HELD_BACK_REASON]).fetchall()
