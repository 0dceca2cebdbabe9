"""The `newsflow` command: parse, delegate, and turn every known failure into one clear line.

Heavy imports (Prefect, Polars, the flows) happen inside the commands that need them, so
`newsflow sql` answers without paying for the orchestrator.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    import duckdb

    from warehouse.user_sql import Answer

from flows.settings import Settings, SettingsError, apply_offline_environment

app = typer.Typer(
    help="News articles in, deduplicated DuckDB warehouse out.", no_args_is_help=True, add_completion=False
)
# Piped or redirected output is for files and other programs: a line stays one line however long
# (a path is not split at 80 columns). On a terminal, rich fits the output to its width.
UNWRAPPED = 100_000


def console(stderr: bool = False) -> Console:
    on_terminal = Console(stderr=stderr)
    return on_terminal if on_terminal.is_terminal else Console(stderr=stderr, width=UNWRAPPED)


out = console()
err = console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB warehouse file [env: NEWSFLOW_DB; default: warehouse/newsflow.duckdb]"),
]
FORMATS = ("table", "csv", "json")
T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]newsflow:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=code)


@app.command()
def run(
    source: Annotated[
        Path | None, typer.Option("--source", help="folder of articles [env: NEWSFLOW_SOURCE; default: seeds/]")
    ] = None,
    db: DbOption = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="queue behind a run that is writing, instead of failing")
    ] = False,
) -> None:
    """Ingest the articles under SOURCE into the warehouse and print what the run did."""
    from flows.cancel import RunCancelled, signals_cancel
    from flows.progress import reporting
    from flows.run import RunCancelledError, RunFailedError, ingest_errors, run_newsflow
    from warehouse.connection import WarehouseError

    def waiting(holder: str) -> None:
        err.print(f"newsflow: waiting for the run that is writing the warehouse ({holder})", highlight=False)

    with signals_cancel():
        try:
            with reporting(err):
                summary = run_newsflow(Settings.load(db=db, source=source), wait=wait, on_wait=waiting)
        except RunCancelledError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except RunCancelled as exc:  # before it held the writer lock
            raise fail(f"{exc}; nothing was written", exc.exit_code) from None
        except RunFailedError as exc:
            if len(exc.args) > 1:
                out.print(exc.args[1])
            raise fail(str(exc.args[0])) from None
        except (SettingsError, WarehouseError) as exc:  # a locked warehouse: said before Polars loads
            raise fail(str(exc)) from None
        except ingest_errors() as exc:
            raise fail(str(exc)) from None
    out.print(summary)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="a SQL query over the public views (see README)")],
    db: DbOption = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """Run read-only SQL against the warehouse; several statements (separated by ;) print one result each."""
    from warehouse.user_sql import answer_all

    print_answers(read(db, output, lambda con: answer_all(con, query)), output)


@app.command()
def search(
    words: Annotated[str, typer.Argument(help="words to look for; stemmed per language")],
    lang: Annotated[str | None, typer.Option("--lang", help="only paragraphs in this language (ISO 639-1)")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="how many paragraphs to show")] = 10,
    db: DbOption = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """Full-text search over the current paragraphs, best match (BM25) first."""
    from warehouse.search import search_paragraphs
    from warehouse.user_sql import Answer

    print_answers(read(db, output, lambda con: [Answer.of(search_paragraphs(con, words, lang, limit))]), output)


@app.command()
def report(
    run_id: Annotated[int | None, typer.Option("--run", help="the run to report on [default: the latest]")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="also write a self-contained HTML report here")] = None,
    db: DbOption = None,
) -> None:
    """The latest runs, the quality gate's verdict per suite, failing expectations with examples."""
    from expectations.config import data_docs_index
    from expectations.report import ReportError, load_report, render_html, render_terminal

    settings = load_settings(db)
    try:
        data = reading(settings.db, lambda con: load_report(con, run_id, data_docs_index(settings.db)), whole=True)
    except ReportError as exc:
        raise fail(str(exc)) from None
    out.print(render_terminal(data))
    if html is not None:
        try:
            html.write_text(render_html(data), encoding="utf-8")
        except OSError as exc:
            raise fail(f"{html}: cannot write the report ({exc.strerror})") from None
        out.print(f"HTML report: {html}")


@app.command()
def serve(
    cron: Annotated[str | None, typer.Option("--cron", help='schedule, e.g. "0 * * * *" for hourly')] = None,
    interval: Annotated[int | None, typer.Option("--interval", min=1, help="or: every this many seconds")] = None,
    source: Annotated[
        Path | None, typer.Option("--source", help="folder of articles [env: NEWSFLOW_SOURCE; default: seeds/]")
    ] = None,
    db: DbOption = None,
    wait: Annotated[bool, typer.Option("--wait", help="a due run queues behind one that is writing")] = False,
) -> None:
    """Run the ingest flow on a schedule, as a deployment of the Prefect server in PREFECT_API_URL."""
    from flows.serve import ServeError, serve_ingest

    if (cron is None) == (interval is None):
        raise fail("give exactly one of --cron and --interval")
    try:
        serve_ingest(Settings.load(db=db, source=source), cron, interval, wait)
    except (ServeError, *known_errors()) as exc:
        raise fail(str(exc)) from None


@app.command()
def status(db: DbOption = None) -> None:
    """The last runs with their state and counts, the next scheduled run, and where things are."""
    from flows.serve import status as warehouse_status

    settings = load_settings(db)
    out.print(reading(settings.db, lambda con: warehouse_status(settings, con), missing_ok=True, whole=True))


@app.command()
def rollback(db: DbOption = None) -> None:
    """Put back the previous published warehouse, e.g. when the file is damaged or a bad run was published."""
    from warehouse.snapshot import roll_back

    settings = load_settings(db)
    try:
        restored = roll_back(settings.db)
    except known_errors() as exc:
        raise fail(str(exc)) from None
    out.print(restored, soft_wrap=True, highlight=False)


def load_settings(db: Path | None) -> Settings:
    try:
        return Settings.load(db=db)
    except SettingsError as exc:
        raise fail(str(exc)) from None


def read(db: Path | None, output: str, ask: Callable[[duckdb.DuckDBPyConnection], list[Answer]]) -> list[Answer]:
    """What `ask` answers from the published warehouse, on a connection that can change nothing."""
    if output not in FORMATS:
        raise fail(f"--format {output!r}: choose one of {', '.join(FORMATS)}")
    return reading(load_settings(db).db, ask)


def reading(
    db: Path, ask: Callable[[duckdb.DuckDBPyConnection], T], *, missing_ok: bool = False, whole: bool = False
) -> T:
    """`ask` of the published warehouse at `db`, on a reader connection (warehouse/connection.py
    connect_reader); every failure the user can fix becomes one line. With `missing_ok`, `ask`
    gets None when nothing is published yet. With `whole`, every block is read first, so damage
    anywhere fails the command, not only damage in what `ask` reads (status and report vouch for
    the whole warehouse; 0.4-0.8 s per 570 MB here)."""
    import duckdb

    from warehouse.connection import WarehouseMissingError, connect_reader, corruption
    from warehouse.integrity import read_every_block
    from warehouse.user_sql import QueryRefusedError

    try:
        try:
            con = connect_reader(db)
        except WarehouseMissingError:
            if not missing_ok:
                raise
            return ask(None)
        try:
            if whole:
                read_every_block(con)
            return ask(con)
        except duckdb.Error as exc:  # damage shows when a query reads the damaged block
            raise corruption(db, exc) or exc from None
        finally:
            con.close()
    except duckdb.Error as exc:
        raise fail(f"SQL error: {str(exc).splitlines()[0]}") from None
    except (QueryRefusedError, *known_errors()) as exc:
        raise fail(str(exc)) from None


def known_errors() -> tuple[type[Exception], ...]:
    """What a command can fail with that is the user's to fix (and not a bug)."""
    from warehouse.connection import WarehouseError
    from warehouse.search import SearchError

    return (SettingsError, WarehouseError, SearchError)


def print_answers(answers: list[Answer], output: str) -> None:
    """Each answer in turn: tables one below the other; CSV blocks separated by a blank line; JSON one array a line."""
    for number, answer in enumerate(answers):
        if output == "csv" and number:
            sys.stdout.write("\n")
        print_rows(answer.columns, answer.rows, output)


def print_rows(columns: list[str], rows: list[tuple], output: str) -> None:
    if output == "json":
        json.dump([dict(zip(columns, row, strict=True)) for row in rows], sys.stdout, default=str, ensure_ascii=False)
        sys.stdout.write("\n")
    elif output == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns, show_lines=False, highlight=True)
        for row in rows:
            table.add_row(*("NULL" if value is None else str(value) for value in row))
        out.print(table)
        out.print(f"{len(rows)} row{'s' * (len(rows) != 1)}", style="dim")


@app.callback()
def main() -> None:
    apply_offline_environment()
