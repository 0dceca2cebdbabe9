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
from tasks.discover import SourceFolderError
from tasks.language import LanguageConfigError, detector
from warehouse.connection import WarehouseError, connect

INGEST_ERRORS = (SettingsError, SourceFolderError, LanguageConfigError, WarehouseError, PrefectServerError)

LANGUAGE_SUMMARY = """
SELECT language, articles, paragraphs_read, paragraphs_unique, repeats_in_document,
       duplicates_of_earlier_documents, duplicate_ratio
FROM language_summary
"""
QUARANTINED = "SELECT source_path, reason FROM quarantine WHERE source_root = ? ORDER BY source_path"


def run_ingest(settings: Settings, server: EmbeddedPrefectServer) -> Group:
    """Run the flow and return the summary to print. Bad settings fail here, before the flow starts."""
    if not settings.source.is_dir():
        raise SourceFolderError(
            f"{settings.source}: no such folder; pass --source or set NEWSFLOW_SOURCE to a folder of articles"
        )
    detector(settings.languages)
    connect(settings.db).close()  # creates or migrates the warehouse, and fails now if it is locked or unwritable
    # One line per batch is progress enough; one per task is noise.
    logging.getLogger("prefect.task_runs").setLevel(logging.WARNING)

    server.wait_until_healthy()
    started = time.perf_counter()
    counts = ingest_flow(settings.source, settings.db, settings.languages, settings.batch_files)
    elapsed = time.perf_counter() - started

    con = connect(settings.db, read_only=True)
    try:
        languages = con.execute(LANGUAGE_SUMMARY).fetchall()
        quarantined = con.execute(QUARANTINED, [str(settings.source)]).fetchall()
    finally:
        con.close()
    return summarize(settings, counts, elapsed, languages, quarantined)


def summarize(
    settings: Settings,
    counts: dict[str, int],
    elapsed: float,
    languages: list[tuple],
    quarantined: list[tuple[str, str]],
) -> Group:
    c = counts
    lines = [
        Text.assemble(
            (f"run {c['run_id']} completed", "bold green"),
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
    parts: list = [*lines, table]
    for path, reason in quarantined:
        parts.append(Text.assemble(("quarantined ", "bold yellow"), f"{path}: {reason}"))
    return Group(*parts)
