"""Publish: the quality gate. A candidate whose critical expectations all pass replaces the
published warehouse in one atomic rename. Otherwise what users query stays as it was, and only
the run's record (its row, counters and quality results) is added to it, so history shows why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.results import QualityResult
from tasks.audit import name_files
from tasks.steps import StepReport, add_up
from warehouse.audit_scope import clear_audit_scope
from warehouse.connection import checkpoint, connect, verify_every_block
from warehouse.runs import (
    copy_run,
    finish_run,
    record_ended_run,
    record_languages,
    record_quality,
    record_steps,
    run_of_flow_run,
)
from warehouse.snapshot import discard, open_candidate, swap_in
from warehouse.transaction import transaction

MAX_NAMED_FAILURES = 5
# A blocked run's hint: files that explain a failure are held back (tasks/audit.py), so what is left
# comes from rows published earlier, or from no file at all.
UNEXPLAINED = "no file read by this run explains it"
SEE_REPORT = "`newsflow report` shows the failing rows"
T = TypeVar("T")


def gate_message(blocking: list[QualityResult], held_back: Mapping[str, str]) -> str | None:
    """Why the gate blocked the run, or None. `held_back`: the files the audit left out of the last
    candidate (tasks/audit.py); it stopped with failures left, so that candidate is not published."""
    if not blocking:
        return None
    named = ", ".join(
        f"{r.suite}.{r.expectation}" + (f" ({r.unexpected_count} unexpected)" if r.unexpected_count else "")
        for r in blocking[:MAX_NAMED_FAILURES]
    )
    more = f" and {len(blocking) - MAX_NAMED_FAILURES} more" if len(blocking) > MAX_NAMED_FAILURES else ""
    why = f"it still failed with {name_files(held_back)} held back" if held_back else UNEXPLAINED
    return (
        f"quality gate: {len(blocking)} critical expectation(s) failed, nothing published: {named}{more}; "
        f"{why}: {SEE_REPORT}"
    )


def held_back_message(held_back: Mapping[str, str]) -> str | None:
    """What a published run left out, for its `runs.message`."""
    if not held_back:
        return None
    return f"quality gate: held back {name_files(held_back)}; published the rest"


def publish_run(
    db: Path,
    candidate: Path,
    run_id: int,
    results: list[QualityResult],
    steps: Sequence[StepReport] = (),
    held_back: Mapping[str, str] | None = None,
    keep_previous: int = 0,
) -> str | None:
    """Publish the candidate or keep the last published state. Returns the failure message, if any.

    `steps` are the reports of the steps merge did not record (those after it, and discover's), added up here;
    `held_back` the files the gate quarantined (source_path -> reason), named in a published run's message;
    the file a publish replaces is kept for `newsflow rollback`, up to `keep_previous` versions.
    """
    blocking = [r for r in results if r.blocks_publishing]
    failure = gate_message(blocking, held_back or {})
    con = connect(candidate)
    try:
        with transaction(con):
            record_quality(con, run_id, results)
            record_steps(con, run_id, add_up(steps))
            message = failure or held_back_message(held_back or {})
            finish_run(con, run_id, "failed" if blocking else "completed", message)
            if not blocking:
                record_languages(con, run_id)
            clear_audit_scope(con)
        checkpoint(con)
    finally:
        con.close()
    if blocking:  # the caller, which made the candidate, discards it
        amend_published(db, lambda published: copy_run(published, candidate, run_id))
    else:
        swap_in(candidate, db, keep_previous)
    return failure


def record_early_end(
    db: Path,
    flow_run_id: str | None,
    source_root: str,
    started_at: datetime,
    status: str,
    message: str,
    counts: Mapping[str, int],
) -> int:
    """A run that broke or was cancelled before its gate leaves the published data as it was, and a
    row (`failed` or `cancelled`) with its reason and the counts it got to. Returns the run's id."""
    return amend_published(
        db, lambda published: record_ended_run(published, flow_run_id, source_root, started_at, status, message, counts)
    )


def amend_published(db: Path, write: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Add rows to the published warehouse the same way a run does: copy, write, swap. Returns what `write` did.

    Never to a damaged file: that raises CorruptWarehouseError and leaves the file as it was.
    """
    if db.exists():
        verify_every_block(db)
    candidate = open_candidate(db, "amend")
    try:
        con = connect(candidate)
        try:
            written = write(con)
            checkpoint(con)
        finally:
            con.close()
        swap_in(candidate, db)
    finally:
        discard(candidate)
    return written


def published_run(db: Path, flow_run_id: str) -> tuple[int, str] | None:
    """The run id and status under which a flow run reached the published warehouse, if it did yet."""
    if not db.exists():
        return None
    con = connect(db, read_only=True)
    try:
        return run_of_flow_run(con, flow_run_id)
    finally:
        con.close()


publish = task(name="publish", cache_policy=NO_CACHE)(publish_run)
