"""A run with nothing to do, answered without the orchestrator.

Most scheduled runs find nothing new. Listing and stat-ing the folder and reading what the
published warehouse knows of it (tasks/discover.py) needs neither Prefect nor a candidate copy of
the warehouse, so `newsflow run` does that first: when no file is new, changed or deleted it
prints the summary and stops, in a second or two, and the warehouse file is not touched. The skip
is logged beside the warehouse (warehouse/skips.py), for `newsflow status`; and with PREFECT_API_URL
set, it is sent to that server as a completed flow run of `ingest`, tagged `skip` and in state
"Skipped", over two plain HTTP requests (importing Prefect's client would cost 2-3 s). Without a
server, none is started for it: that would make a one-second check a ten-second one. Anything to do
goes to the ingest flow, under the same writer lock.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

from rich.console import Group

from flows.settings import Settings, SettingsError
from flows.summary import summarize_unchanged
from tasks.batch_files import discard_batches
from tasks.boilerplate_model import BoilerplateModelError, load_model
from tasks.discover import NOTHING_READ, SourceFolderError, count_files, find_changes, has_work, require_folder
from tasks.language import LanguageConfigError, detector
from warehouse.connection import WarehouseError, connect, verify_every_block
from warehouse.skips import record_skip

SKIP_TAG = "skip"
SKIPPED_STATE = {"type": "COMPLETED", "name": "Skipped"}
PREFECT_TIMEOUT_S = 5

CHECK_ERRORS = (SettingsError, SourceFolderError, LanguageConfigError, BoilerplateModelError, WarehouseError)


def check_unchanged(settings: Settings) -> tuple[Group | None, list[str]]:
    """The summary to print if `settings.source` has nothing new for the warehouse (else None), and
    the files the selection skipped (`--include`, `--exclude`), for the summary of a run.

    Bad settings fail here, before anything starts. The caller holds the writer lock.
    """
    started = time.perf_counter()
    require_folder(settings.source)
    detector(settings.languages)
    load_model()  # a damaged installation fails here, in one line, not in every batch
    if settings.db.exists():
        # Damage anywhere in the published file ends here, in one line, before Prefect starts: a run
        # would copy it, and the summary of a run with nothing to do says it stands as validated.
        verify_every_block(settings.db)
    plan, deleted, skipped = find_changes(
        settings.source, settings.db, settings.follow_symlinks_outside, settings.selection
    )
    if not settings.db.exists() or has_work(plan, deleted):
        return None, skipped
    discard_batches(settings.db)  # left by a run killed after it published: nothing is left to read
    counts = count_files(plan, NOTHING_READ, deleted)
    elapsed = time.perf_counter() - started
    noted = note_skip(settings, counts, elapsed, None)
    return unchanged_summary(settings, counts, skipped, elapsed, noted), skipped


def unchanged_summary(
    settings: Settings, file_counts: dict[str, int], skipped: list[str], elapsed: float, noted: str
) -> Group:
    con = connect(settings.db, read_only=True)
    try:
        return summarize_unchanged(con, settings, file_counts, skipped, elapsed, noted)
    finally:
        con.close()


def note_skip(settings: Settings, counts: dict[str, int], elapsed: float, flow_run_id: str | None) -> str:
    """Log the skip beside the warehouse and, if it is not a flow run already (`flow_run_id`) and a
    Prefect server is configured, in Prefect; returns where it went, for the summary."""
    skip: dict[str, Any] = {
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"), "source": str(settings.source),
        "seconds": round(elapsed, 2), "flow_run_id": flow_run_id,
    } | {key: counts[key] for key in ("files_seen", "files_unchanged", "files_quarantined")}  # fmt: skip
    where = "logged beside the warehouse for `newsflow status`"
    api = os.environ.get("PREFECT_API_URL")
    if flow_run_id is None and api:
        try:
            skip["flow_run_id"] = send_skip(api, settings, skip)
            where += f"; in Prefect as flow run {skip['flow_run_id']} (tag {SKIP_TAG!r})"
        except (OSError, ValueError, KeyError) as exc:  # the server is down: the check stands all the same
            where += f"; not sent to Prefect at {api} ({getattr(exc, 'reason', exc)})"
    try:
        record_skip(settings.db, skip)
    except OSError as exc:
        where = f"not logged ({exc.strerror})"
    return where


def send_skip(api: str, settings: Settings, skip: dict[str, Any]) -> str:
    """Record the skip on the Prefect server at `api` as a completed `ingest` flow run; returns its id.

    Its parameters are those a full run of the flow records (flows/serve.py): one Settings object."""
    flow = post(f"{api}/flows/", {"name": "ingest"})
    run = post(
        f"{api}/flow_runs/",
        {
            "flow_id": flow["id"],
            "name": f"skip-{skip['checked_at']}",
            "tags": [SKIP_TAG],
            "parameters": {"settings": settings.as_parameters()},
            "state": SKIPPED_STATE | {"message": f"nothing new: {skip['files_seen']} files seen, none changed"},
        },
    )
    return run["id"]


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=PREFECT_TIMEOUT_S) as response:
        return json.load(response)
