"""What `newsflow run` prints: the run's counts, the warehouse by language, quarantined files.

No Prefect here: a run with nothing to do is answered without the orchestrator (flows/unchanged.py).
"""

from __future__ import annotations

import duckdb
from rich.console import Group
from rich.table import Table
from rich.text import Text

from flows.settings import Settings
from warehouse.run_summary import language_summary, last_run_of, quarantined_files, recorded_run, run_quality
from warehouse.runs import held_back_files

QUARANTINE_SHOWN = 20
SKIPPED_SHOWN = 5


def summarize_run(
    con: duckdb.DuckDBPyConnection, settings: Settings, flow_run_id: str, skipped: list[str], elapsed: float
) -> Group | None:
    """The summary of the run recorded under `flow_run_id`, or None if it recorded nothing."""
    run_counts = recorded_run(con, flow_run_id)
    if run_counts is None:
        return None
    quality = run_quality(con, run_counts["run_id"])
    held_back = held_back_files(con, run_counts["run_id"])
    return summarize(settings, run_counts, skipped, elapsed, con, quality, held_back)


def skipped_line(settings: Settings, skipped: list[str]) -> list[Text]:
    """The files the selection left out, counted and named (the first few), with the reason."""
    if not skipped:
        return []
    names = ", ".join(skipped[:SKIPPED_SHOWN]) + (", …" if len(skipped) > SKIPPED_SHOWN else "")
    reasons = dict.fromkeys(settings.selection.why_skipped(path) for path in skipped)
    return [Text(f"skipped     {len(skipped)} not read as articles: {names}: {'; '.join(reasons)}")]


def summarize_unchanged(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    file_counts: dict[str, int],
    skipped: list[str],
    elapsed: float,
    noted: str,
) -> Group:
    """The summary of a run that found nothing to read or delete, and so wrote nothing."""
    last = last_run_of(con, str(settings.source))
    since = f"run {last[0]} ({last[1]}, {last[2]:%Y-%m-%d %H:%M:%S %Z})" if last else "the last run"
    c = file_counts
    lines = [
        Text.assemble(
            ("nothing changed", "bold green"),
            f" since {since}; checked in {elapsed:.1f} s: {settings.source} -> {settings.db}",
        ),
        Text(
            f"files       seen {c['files_seen']} = loaded 0 + unchanged {c['files_unchanged']}"
            f" + quarantined {c['files_quarantined']}; deleted 0"
        ),
        *skipped_line(settings, skipped),
        Text("warehouse   not touched: the published warehouse stands as validated"),
        Text(f"skip        {noted}"),
    ]
    return Group(*lines, *warehouse_parts(con, settings))


def summarize(
    settings: Settings,
    run: dict[str, object],
    skipped: list[str],
    elapsed: float,
    con: duckdb.DuckDBPyConnection,
    quality: list[tuple[str, str, str, bool, int | None]],
    held_back: list[tuple[str, str]],
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
        *skipped_line(settings, skipped),
        Text(
            f"paragraphs  read {c['paragraphs_read']}, unique {c['paragraphs_unique']},"
            f" new to the warehouse {c['paragraphs_new']}"
        ),
    ]
    failed = [row for row in quality if not row[3]]
    lines.append(
        Text(
            f"quality     {len(quality)} expectations, {len(quality) - len(failed)} passed"
            + ("" if completed else "; nothing was published")
            + (f"; {len(held_back)} file(s) failed them and were held back" if held_back else "")
        )
    )
    for path, reason in held_back[:QUARANTINE_SHOWN]:
        lines.append(Text.assemble(("  held back ", "bold yellow"), f"{path}: {reason}"))
    for suite, expectation, severity, _, unexpected in failed:
        style = "bold red" if severity == "critical" else "yellow"
        lines.append(Text.assemble((f"  {severity} ", style), f"{suite}.{expectation}: {unexpected} unexpected"))
    return Group(*lines, *warehouse_parts(con, settings))


def warehouse_parts(con: duckdb.DuckDBPyConnection, settings: Settings) -> list:
    """The warehouse by language, then the files under the source that are quarantined."""
    table = Table(title="the warehouse by language", title_justify="left")
    for header in ("language", "articles", "paragraphs", "unique", "repeats", "copies", "dup ratio"):
        table.add_column(header, justify="left" if header == "language" else "right")
    for row in language_summary(con):
        table.add_row(*(f"{value:.1%}" if isinstance(value, float) else str(value) for value in row))
    # A line of its own, not the table's caption: rich wraps a caption to the table's width.
    key = Text("repeats: inside the same article; copies: of a paragraph kept in an earlier article", style="dim")
    parts: list = [table, key]
    quarantined = quarantined_files(con, str(settings.source))
    for path, reason in quarantined[:QUARANTINE_SHOWN]:
        parts.append(Text.assemble(("quarantined ", "bold yellow"), f"{path}: {reason}"))
    if len(quarantined) > QUARANTINE_SHOWN:
        more = len(quarantined) - QUARANTINE_SHOWN
        parts.append(Text(f"quarantined and {more} more: newsflow sql 'SELECT * FROM quarantine'", style="yellow"))
    return parts
