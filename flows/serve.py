"""`newsflow serve` and `newsflow status`: the ingest flow on a schedule, on a real Prefect server."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from rich.console import Group
from rich.table import Table
from rich.text import Text

from expectations.config import data_docs_index, quality_folder
from flows.settings import Settings
from warehouse.run_summary import last_runs
from warehouse.skips import recent_skips
from warehouse.snapshot import previous_versions

DEPLOYMENT = "newsflow-ingest"


class ServeError(RuntimeError):
    """Scheduling needs something that is not there."""


def require_server() -> str:
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        raise ServeError(
            "schedules need a running Prefect server: start one with `prefect server start --host 127.0.0.1`, "
            "then set PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    return url


def check_schedule(cron: str | None, interval: int | None) -> None:
    """Exactly one schedule, and a cron string Prefect accepts, before anything else is asked of the user."""
    if (cron is None) == (interval is None):
        raise ServeError('give exactly one of --cron and --interval, e.g. --cron "0 * * * *" for hourly')
    if cron is None:
        return
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError:  # pydantic's ValidationError is one
        example = '"0 * * * *"'
        raise ServeError(
            f"--cron {cron!r} is not a cron schedule: give five fields (minute hour day month weekday), e.g. {example}"
        ) from None


def serve_ingest(settings: Settings, cron: str | None, interval: int | None) -> None:
    """Register the ingest deployment with its schedule and run its flow runs as they come due (blocks)."""
    require_server()
    from flows.ingest import ingest_flow
    from flows.task_runner import task_runner

    ingest_flow.with_options(task_runner=task_runner(settings.dask_address)).serve(
        name=DEPLOYMENT,
        cron=cron,
        interval=interval,
        limit=1,  # one run at a time from this process; the writer lock guards against others
        parameters={"settings": settings.as_parameters()},
        description=f"Ingest {settings.source} into {settings.db}",
    )


def next_scheduled_run() -> str:
    if not os.environ.get("PREFECT_API_URL"):
        return "no schedule: PREFECT_API_URL is not set (see `newsflow serve`)"
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterExpectedStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    try:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[DEPLOYMENT])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
                    expected_start_time=FlowRunFilterExpectedStartTime(after_=datetime.now(UTC)),
                ),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=1,
            )
    except Exception as exc:  # the server is down or unreachable: say so, status still shows the rest
        return f"the Prefect server at {os.environ['PREFECT_API_URL']} did not answer ({type(exc).__name__})"
    if not runs:
        return f"no scheduled run of deployment {DEPLOYMENT!r}"
    when = runs[0].expected_start_time
    minutes = (when - datetime.now(UTC)).total_seconds() / 60
    return f"{when:%Y-%m-%d %H:%M:%S %Z} (in {minutes:.0f} min), deployment {DEPLOYMENT!r}"


def kept_versions(db: Path) -> str:
    kept = previous_versions(db)
    if not kept:
        return "none kept, nothing to roll back to (NEWSFLOW_KEEP_PREVIOUS)"
    names = ", ".join(
        f"{path.name} (published {datetime.fromtimestamp(path.stat().st_mtime, UTC):%Y-%m-%d %H:%M})" for path in kept
    )
    return f"{names}; `newsflow rollback` restores the first"


def last_skip(db: Path, last_finished: datetime | None) -> str:
    """The last run that found nothing new (they leave the warehouse untouched; warehouse/skips.py)."""
    skips = recent_skips(db)
    if not skips:
        return "none logged"
    last = skips[-1]
    since = [s for s in skips if last_finished is None or datetime.fromisoformat(s["checked_at"]) > last_finished]
    when = datetime.fromisoformat(last["checked_at"]).astimezone(UTC)
    prefect = f", flow run {last['flow_run_id']}" if last.get("flow_run_id") else ""
    return (
        f"{when:%Y-%m-%d %H:%M:%S} UTC: nothing new in {last['files_seen']} files{prefect} "
        f"({len(since)} skip{'s' * (len(since) != 1)} since the last run)"
    )


def status(settings: Settings, con: duckdb.DuckDBPyConnection) -> Group:
    """What `newsflow status` prints, from the published warehouse on `con`."""
    lines: list = []
    rows = last_runs(con)
    table = Table(title="last runs (times in UTC)", title_justify="left")
    for header in ("run", "started", "took", "status", "files", "loaded", "quar.", "paras"):
        table.add_column(header, justify="left" if header in ("started", "status") else "right")
    for run_id, started, finished, state, seen, loaded, quarantined, paragraphs, _message in rows:
        took = f"{(finished - started).total_seconds():.1f} s" if finished else "-"
        table.add_row(
            str(run_id), f"{started.astimezone(UTC):%m-%d %H:%M:%S}", took,
            Text(state, style="green" if state == "completed" else "red"),
            *("-" if v is None else str(v) for v in (seen, loaded, quarantined, paragraphs)),
        )  # fmt: skip
    failed = [row for row in rows if row[3] == "failed"]
    lines += [table]
    if failed:
        lines.append(Text(f"run {failed[0][0]} failed: {failed[0][8]}", style="red"))
    lines += [
        Text(f"last skip    {last_skip(settings.db, max((r[2] for r in rows if r[2]), default=None))}"),
        Text(f"next run     {next_scheduled_run()}"),
        Text(f"warehouse    {settings.db}"),
        Text(f"previous     {kept_versions(settings.db)}"),
        Text(f"reports      newsflow report --html {quality_folder(settings.db) / 'report.html'}"),
        Text(f"data docs    {data_docs_index(settings.db)}"),
    ]
    return Group(*lines)
