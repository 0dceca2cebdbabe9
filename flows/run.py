"""`newsflow run`: take the writer lock, then answer a no-op at once or run the ingest flow, and
summarize what the warehouse holds.

The lock comes first, before Prefect starts, so which of two runs writes is decided in the first
second and the one that started first wins; the other fails at once, or queues with `--wait`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Group

from flows.cancel import RunCancelled, cancellation, now_in, signals_deferred
from flows.prefect_server import EmbeddedPrefectServer, PrefectServerError, prefect_home, template_path
from flows.settings import Settings
from warehouse.lock import WriterLock
from warehouse.space import require_space


def ingest_errors() -> tuple[type[Exception], ...]:
    """What a run can fail with that is the user's to fix; imported only when one happens, so that a
    run that finds the warehouse locked says so before Polars and the language models load."""
    from flows.unchanged import CHECK_ERRORS

    return (*CHECK_ERRORS, PrefectServerError)


class RunFailedError(Exception):
    """The run ended Failed; the message is Prefect's, e.g. the quality gate's verdict."""


class RunCancelledError(Exception):
    """A signal stopped the run, and it was recorded; the message says where and what became of it."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def run_newsflow(settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> Group:
    """Hold the writer lock through the whole run and return the summary to print."""

    def waiting(holder: str) -> None:
        now_in("lock wait")
        if on_wait is not None:
            on_wait(holder)

    with WriterLock(settings.db, wait=settings.wait, on_wait=waiting):
        now_in("startup")
        started_at = datetime.now(UTC)
        try:
            # A first run has work: its server boots on the other core while this one looks for work and
            # imports the flow. Over an existing warehouse most runs find nothing new, and the server starts
            # only once there is work, not to burn ~5 s of CPU and be killed.
            first = not settings.db.exists()
            with EmbeddedPrefectServer(prefect_home(settings.db), template_path(), start_now=first) as server:
                from flows.unchanged import check_unchanged

                unchanged, skipped = check_unchanged(settings)  # without Prefect: most scheduled runs end here
                if unchanged is not None:
                    return unchanged
                if settings.db.exists():
                    require_space(settings.db)  # the flow checks again as it copies; this fails before Prefect
                return run_ingest(settings, server, skipped)
        except RunCancelled:
            cancelled = cancellation()
            if cancelled.step != "startup":  # the flow had published: its verdict stands
                raise RunCancelledError(f"{cancelled} after the run was published", cancelled.exit_code) from None
            from tasks.publish import record_early_end

            run_id = record_early_end(
                settings.db, None, str(settings.source), started_at, "cancelled", str(cancelled), {}
            )
            raise RunCancelledError(
                f"run {run_id} {cancelled}; nothing was read, the warehouse is as it was", cancelled.exit_code
            ) from None


def run_ingest(settings: Settings, server: EmbeddedPrefectServer, skipped: list[str]) -> Group:
    """Run the flow and return the summary to print; `skipped`: the files the selection left out."""
    server.expose()
    with signals_deferred():  # Prefect's imports take seconds at startup: a signal waits for them
        from prefect.settings import temporary_settings

        from flows.ingest import ingest_flow
        from flows.summary import summarize_run
        from flows.task_runner import task_runner
        from flows.unchanged import unchanged_summary
        from tasks.validate import import_validation_in_background
        from warehouse.connection import connect

    # One line per batch is progress enough; one per task is noise. A task's failure is the flow's to
    # report, once: as the run's recorded reason, or with its traceback if it is a bug.
    logging.getLogger("prefect.task_runs").setLevel(logging.CRITICAL)
    logging.getLogger("distributed").setLevel(logging.WARNING)

    import_validation_in_background()
    server.wait_until_healthy()
    started = time.perf_counter()
    flow = ingest_flow.with_options(task_runner=task_runner(settings.dask_address))
    with temporary_settings(updates=server.flow_settings()):
        state = flow(settings, return_state=True)
    elapsed = time.perf_counter() - started
    flow_run_id = str(state.state_details.flow_run_id)
    if (cancelled := cancellation()) is not None:
        raise RunCancelledError(state.message if state.is_cancelled() else str(cancelled), cancelled.exit_code)
    failed_early = RunFailedError(state.message or "the run failed before it recorded anything")
    if not settings.db.exists():
        raise failed_early
    if state.is_completed() and (counts := state.result()).get("skipped"):
        # A run published what we were queued behind; the flow run logged itself as a skip.
        noted = f"logged beside the warehouse; flow run {flow_run_id}"
        return unchanged_summary(settings, counts, skipped, elapsed, noted)

    con = connect(settings.db, read_only=True)
    try:
        summary = summarize_run(con, settings, flow_run_id, skipped, elapsed)
    finally:
        con.close()
    if summary is None:
        raise failed_early
    if state.is_failed():
        raise RunFailedError(state.message, summary)
    return summary
