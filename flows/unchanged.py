"""A run with nothing to do, answered without the orchestrator.

Most scheduled runs find nothing new. Listing and stat-ing the folder and reading what the
published warehouse knows of it (tasks/discover.py) needs neither Prefect nor a candidate copy of
the warehouse, so `newsflow run` does that first: when no file is new, changed or deleted it
prints the summary and stops, in a second or two, and the warehouse file is not touched. Like a
Dagster sensor's skip, such a check is not a run and records none. Anything to do goes to the
ingest flow, under the same writer lock.
"""

from __future__ import annotations

import time

from rich.console import Group

from flows.settings import Settings, SettingsError
from flows.summary import summarize_unchanged
from tasks.discover import NOTHING_READ, SourceFolderError, count_files, find_changes, has_work, require_folder
from tasks.language import LanguageConfigError, detector
from warehouse.connection import WarehouseError, connect, verify_every_block

CHECK_ERRORS = (SettingsError, SourceFolderError, LanguageConfigError, WarehouseError)


def check_unchanged(settings: Settings) -> tuple[Group | None, list[str]]:
    """The summary to print if `settings.source` has nothing new for the warehouse (else None), and
    the files the selection skipped (`--include`, `--exclude`), for the summary of a run.

    Bad settings fail here, before anything starts. The caller holds the writer lock.
    """
    started = time.perf_counter()
    require_folder(settings.source)
    detector(settings.languages)
    if settings.db.exists():
        # Damage anywhere in the published file ends here, in one line, before Prefect starts: a run
        # would copy it, and the summary of a run with nothing to do says it stands as validated.
        verify_every_block(settings.db)
    plan, deleted, skipped = find_changes(
        settings.source, settings.db, settings.follow_symlinks_outside, settings.selection
    )
    if not settings.db.exists() or has_work(plan, deleted):
        return None, skipped
    file_counts = count_files(plan, NOTHING_READ, deleted)
    return unchanged_summary(settings, file_counts, skipped, time.perf_counter() - started), skipped


def unchanged_summary(settings: Settings, file_counts: dict[str, int], skipped: list[str], elapsed: float) -> Group:
    con = connect(settings.db, read_only=True)
    try:
        return summarize_unchanged(con, settings, file_counts, skipped, elapsed)
    finally:
        con.close()
