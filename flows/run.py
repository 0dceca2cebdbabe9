"""`newsflow run`: check the settings, run the ingest flow, and summarize what the warehouse holds."""

from __future__ import annotations

import logging
import time

from rich.console import Group
from rich.table import Table
from rich.text import Text

from flows.ingest import ingest_flow
from flows.prefect_server import EmbeddedPrefectServer, PrefectServerError
from flows.settings import Settings, SettingsError
from flows.task_runner import task_runner
from tasks.discover import SourceFolderError
from tasks.language import LanguageConfigError, detector
from warehouse.connection import WarehouseError, connect
from warehouse.lock import WriterLock

INGEST_ERRORS = (SettingsError, SourceFolderError, LanguageConfigError, WarehouseError, PrefectServerError)

LANGUAGE_SUMMARY = """
SELECT language, articles, paragraphs_read, paragraphs_unique, repeats_in_document,
       duplicates_of_earlier_documents, duplicate_ratio
FROM language_summary
"""
QUARANTINE_SHOWN = 20
QUARANTINED = "SELECT source_path, reason FROM quarantine WHERE source_root = ? ORDER BY source_path"
RUN_COLUMNS = (
    "run_id", "status", "message", "files_seen", "files_loaded", "files_unchanged", "files_quarantined",
    "files_deleted", "paragraphs_read", "paragraphs_unique", "paragraphs_new",
)  # fmt: skip
THIS_RUN = f"SELECT {', '.join(RUN_COLUMNS)} FROM runs WHERE flow_run_id = ?"
QUALITY = """
SELECT suite, expectation, severity, success, unexpected_count FROM quality_results
WHERE run_id = ? ORDER BY success, severity, suite, expectation
"""


class RunFailedError(Exception):
    """The run ended Failed; the message is Prefect's, e.g. the quality gate's verdict."""


def run_ingest(settings: Settings, server: EmbeddedPrefectServer, *, wait: bool = False) -> Group:
    """Run the flow and return the summary to print. Bad settings fail here, before the flow starts."""
    if not settings.source.is_dir():
        raise SourceFolderError(
            f"{settings.source}: no such folder; pass --source or set NEWSFLOW_SOURCE to a folder of articles"
        )
    detector(settings.languages)
    if not wait:
        with WriterLock(settings.db):  # fail now, not after starting the flow, if a run is writing
            pass
    # One line per batch is progress enough; one per task is noise.
    logging.getLogger("prefect.task_runs").setLevel(logging.WARNING)
    logging.getLogger("distributed").setLevel(logging.WARNING)

    server.wait_until_healthy()
    started = time.perf_counter()
    flow = ingest_flow.with_options(task_runner=task_runner(settings.dask_address))
    state = flow(
        settings.source, settings.db, settings.languages, settings.batch_files,
        settings.paragraph_max_chars, settings.file_max_bytes, wait, return_state=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    failed_early = RunFailedError(state.message or "the run failed before it recorded anything")
    if not settings.db.exists():
        raise failed_early

    con = connect(settings.db, read_only=True)
    try:
        run = con.execute(THIS_RUN, [str(state.state_details.flow_run_id)]).fetchone()
        if run is None:  # e.g. another run held the writer lock
            raise failed_early
        languages = con.execute(LANGUAGE_SUMMARY).fetchall()
        quarantined = con.execute(QUARANTINED, [str(settings.source)]).fetchall()
        quality = con.execute(QUALITY, [run[0]]).fetchall()
    finally:
        con.close()
    summary = summarize(settings, dict(zip(RUN_COLUMNS, run, strict=True)), elapsed, languages, quarantined, quality)
    if state.is_failed():
        raise RunFailedError(state.message, summary)
    return summary


def summarize(
    settings: Settings,
    run: dict[str, object],
    elapsed: float,
    languages: list[tuple],
    quarantined: list[tuple[str, str]],
    quality: list[tuple[str, str, str, bool, int | None]],
) -> Group:
    c = run
    completed = c["status"] == "completed"
    lines = [
        Text.assemble(
            (f"run {c['run_id']} {c['status']}", "bold green" if completed else "bold red"),
            f" in {elapsed:.1f} s: {settings.source} -> {settings.db}",
        ),
        Text(
            f"files       seen {c['files_seen']} = loaded {c['files_loaded']} + unchanged {c['files_unchanged']}"
            f" + quarantined {c['files_quarantined']}; deleted {c['files_deleted']}"
        ),
        Text(
            f"paragraphs  read {c['paragraphs_read']}, unique {c['paragraphs_unique']},"
            f" new to the warehouse {c['paragraphs_new']}"
        ),
    ]
    table = Table(
        title="the warehouse by language", title_justify="left",
        caption="repeats: inside the same article; copies: of a paragraph kept in an earlier article",
        caption_justify="left",
    )  # fmt: skip
    for header in ("language", "articles", "paragraphs", "unique", "repeats", "copies", "dup ratio"):
        table.add_column(header, justify="left" if header == "language" else "right")
    for row in languages:
        table.add_row(*(f"{value:.1%}" if isinstance(value, float) else str(value) for value in row))
    failed = [row for row in quality if not row[3]]
    if quality or not completed:
        lines.append(
            Text(
                f"quality     {len(quality)} expectations, {len(quality) - len(failed)} passed"
                + ("" if completed else "; nothing was published")
            )
        )
    else:
        lines.append(Text("quality     nothing changed: the published warehouse stands as validated"))
    for suite, expectation, severity, _, unexpected in failed:
        style = "bold red" if severity == "critical" else "yellow"
        lines.append(Text.assemble((f"  {severity} ", style), f"{suite}.{expectation}: {unexpected} unexpected"))
    parts: list = [*lines, table]
    for path, reason in quarantined[:QUARANTINE_SHOWN]:
        parts.append(Text.assemble(("quarantined ", "bold yellow"), f"{path}: {reason}"))
    if len(quarantined) > QUARANTINE_SHOWN:
        more = len(quarantined) - QUARANTINE_SHOWN
        parts.append(Text(f"quarantined and {more} more: newsflow sql 'SELECT * FROM quarantine'", style="yellow"))
    return Group(*parts)
