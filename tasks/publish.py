"""Publish: the quality gate. A candidate whose critical expectations all pass replaces the
published warehouse in one atomic rename. Otherwise what users query stays as it was, and only
the run's record (its row, counters and quality results) is added to it, so history shows why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.results import QualityResult
from warehouse.connection import connect, verify_every_block
from warehouse.runs import (
    copy_run,
    finish_run,
    record_counters,
    record_failed_run,
    record_quality,
)
from warehouse.snapshot import discard, open_candidate, swap_in
from warehouse.transaction import transaction

MAX_NAMED_FAILURES = 5


def gate_message(blocking: list[QualityResult]) -> str | None:
    if not blocking:
        return None
    named = ", ".join(
        f"{r.suite}.{r.expectation}" + (f" ({r.unexpected_count} unexpected)" if r.unexpected_count else "")
        for r in blocking[:MAX_NAMED_FAILURES]
    )
    more = f" and {len(blocking) - MAX_NAMED_FAILURES} more" if len(blocking) > MAX_NAMED_FAILURES else ""
    return f"quality gate: {len(blocking)} critical expectation(s) failed, nothing published: {named}{more}"


def publish_run(
    db: Path,
    candidate: Path,
    run_id: int,
    results: list[QualityResult],
    timings: Mapping[tuple[str, str], int] | None = None,
    keep_previous: int = 0,
) -> str | None:
    """Publish the candidate or keep the last published state. Returns the failure message, if any.

    `timings` are counters of the steps that ended after merge recorded the run's counters; the
    file a publish replaces is kept for `newsflow rollback`, up to `keep_previous` versions.
    """
    blocking = [r for r in results if r.blocks_publishing]
    message = gate_message(blocking)
    con = connect(candidate)
    try:
        with transaction(con):
            record_quality(con, run_id, results)
            record_counters(con, run_id, timings or {})
            finish_run(con, run_id, "failed" if blocking else "completed", message)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if blocking:  # the caller, which made the candidate, discards it
        amend_published(db, lambda published: copy_run(published, candidate, run_id))
    else:
        swap_in(candidate, db, keep_previous)
    return message


def record_failure(db: Path, flow_run_id: str | None, source_root: str, started_at: datetime, message: str) -> None:
    """A run that broke before its gate leaves the published data as it was, and a `failed` row."""
    amend_published(db, lambda published: record_failed_run(published, flow_run_id, source_root, started_at, message))


def amend_published(db: Path, write: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Add rows to the published warehouse the same way a run does: copy, write, swap.

    Never to a damaged file: that raises CorruptWarehouseError and leaves the file as it was.
    """
    if db.exists():
        verify_every_block(db)
    candidate = open_candidate(db, "amend")
    try:
        con = connect(candidate)
        try:
            write(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        swap_in(candidate, db)
    finally:
        discard(candidate)


publish = task(name="publish", cache_policy=NO_CACHE)(publish_run)
