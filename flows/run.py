"""`newsflow run`: run the ingest flow and summarize what the warehouse holds.

flows/unchanged.py has already checked the settings and that there is something to do.
"""

from __future__ import annotations

import logging
import time

from rich.console import Group

from flows.ingest import ingest_flow
from flows.prefect_server import EmbeddedPrefectServer, PrefectServerError
from flows.settings import Settings
from flows.summary import summarize_run
from flows.task_runner import task_runner
from flows.unchanged import CHECK_ERRORS, unchanged_summary
from warehouse.connection import connect

INGEST_ERRORS = (*CHECK_ERRORS, PrefectServerError)


class RunFailedError(Exception):
    """The run ended Failed; the message is Prefect's, e.g. the quality gate's verdict."""


def run_ingest(settings: Settings, server: EmbeddedPrefectServer, *, wait: bool = False) -> Group:
    """Run the flow and return the summary to print."""
    # One line per batch is progress enough; one per task is noise.
    logging.getLogger("prefect.task_runs").setLevel(logging.WARNING)
    logging.getLogger("distributed").setLevel(logging.WARNING)

    server.wait_until_healthy()
    started = time.perf_counter()
    flow = ingest_flow.with_options(task_runner=task_runner(settings.dask_address))
    state = flow(
        settings.source, settings.db, settings.languages, settings.batch_files,
        settings.paragraph_max_chars, settings.file_max_bytes, wait, settings.memory_limit, settings.keep_previous,
        return_state=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    failed_early = RunFailedError(state.message or "the run failed before it recorded anything")
    if not settings.db.exists():
        raise failed_early
    if state.is_completed() and (counts := state.result()).get("skipped"):
        return unchanged_summary(settings, counts, elapsed)  # a run published what we were queued behind

    con = connect(settings.db, read_only=True)
    try:
        summary = summarize_run(con, settings, str(state.state_details.flow_run_id), elapsed)
    finally:
        con.close()
    if summary is None:  # e.g. another run held the writer lock
        raise failed_early
    if state.is_failed():
        raise RunFailedError(state.message, summary)
    return summary
