"""The `newsflow` command: parse, delegate, and turn every known failure into one clear line.

Every error, a bad argument included, is one line on stderr, `newsflow <command>: <what is wrong>;
<what to do>`, and a non-zero exit: 1 for what the command found, 2 for arguments it cannot use.
Heavy imports (Prefect, Polars, the flows) happen inside the commands that need them, so
`newsflow sql` answers without paying for the orchestrator.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    import duckdb

    from warehouse.user_sql import Answer

from flows.settings import GC_THRESHOLDS, Settings, SettingsError, apply_offline_environment

# Plain help (click's): options with their defaults and value names, no boxes and no `<bool>` on flags.
app = typer.Typer(
    help="News articles in, deduplicated DuckDB warehouse out.",
    # Not no_args_is_help: click reports that as a usage error; a bare `newsflow` is a request for help.
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
)
# Piped or redirected output is for files and other programs: a line stays one line however long
# (a path is not split at 80 columns). On a terminal, rich fits the output to its width.
UNWRAPPED = 100_000


def console(stderr: bool = False) -> Console:
    """Rich's console on a terminal; off one, lines are not wrapped, unless COLUMNS asks for a width."""
    on_terminal = Console(stderr=stderr)
    if on_terminal.is_terminal or os.environ.get("COLUMNS", "").isdigit():
        return on_terminal
    return Console(stderr=stderr, width=UNWRAPPED)


out = console()
err = console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", metavar="PATH", show_default="warehouse/newsflow.duckdb, or NEWSFLOW_DB", help="the warehouse file"
    ),
]
SourceOption = Annotated[
    Path | None,
    typer.Option("--source", metavar="PATH", show_default="seeds, or NEWSFLOW_SOURCE", help="folder of articles"),
]
IncludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--include", metavar="GLOB", show_default="*.txt, or NEWSFLOW_INCLUDE",
        help="read only files whose name (or path, if it has a /) matches; repeat for more",
    ),
]  # fmt: skip
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude", metavar="GLOB", show_default="none, or NEWSFLOW_EXCLUDE",
        help="skip files whose name (or path) matches, even if included; repeat for more",
    ),
]  # fmt: skip
FORMATS = ("table", "csv", "json")
SEARCH_FORMATS = ("text", "csv", "json")
USAGE_ERROR = 2
SQL_ADVICE = "the views and their columns: newsflow sql 'SHOW TABLES', newsflow sql 'DESCRIBE articles'"
T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` as the command's one line on stderr; raise what this returns."""
    print_error(command_name(), message)
    return typer.Exit(code=code)


def print_error(name: str, message: str) -> None:
    # Text, not markup: a message quotes the user's input, which may hold [brackets].
    err.print(Text.assemble((f"{name}:", "bold red"), " ", message), highlight=False, soft_wrap=True)


def command_name() -> str:
    """`newsflow <command>` of the command this process runs, so an error line says which it is from."""
    return running[0]


# One process runs one command; the app's callback names it before the command starts.
running = ["newsflow"]


def main() -> None:
    """The `newsflow` console script: the app, with click's usage errors (a missing argument, an
    unknown option, a value out of range) printed as one line like every other error."""
    gc.set_threshold(*GC_THRESHOLDS)  # a seeds run: 9.9-10.5 -> 9.2-9.9 s of CPU (bench/README.md, "Startup")
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:
        context = getattr(exc, "ctx", None)
        name = context.command_path if context is not None else "newsflow"
        message = exc.format_message().rstrip(".")
        message = message[:1].lower() + message[1:]
        print_error(name, f"{message}; see `{name} --help`")
        sys.exit(USAGE_ERROR)
    except typer.Abort:
        sys.exit(1)
    # The command is done. The interpreter's shutdown would walk every object that Prefect, Great
    # Expectations and the rest made, collection after collection: 1.3 s of garbage collection after a
    # seeds run (perf). Frozen, they are left to the process's exit; atexit handlers still run.
    gc.freeze()
    sys.exit(code or 0)


@app.command()
def run(
    source: SourceOption = None,
    db: DbOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
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
        err.print(f"{command_name()}: waiting for the run that is writing the warehouse ({holder})", highlight=False)

    with signals_cancel():
        try:
            settings = Settings.load(db=db, source=source, include=include, exclude=exclude, wait=wait)
            with reporting(err):
                summary = run_newsflow(settings, on_wait=waiting)
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
    query: Annotated[str, typer.Argument(metavar="QUERY", help="SQL over the public views (see README)")],
    db: DbOption = None,
    output: Annotated[
        str, typer.Option("--format", metavar="table|csv|json", help="csv and json are for scripts")
    ] = "table",
) -> None:
    """Run read-only SQL against the warehouse; several statements (separated by ;) print one result each."""
    from warehouse.user_sql import answer_all

    choose(output, FORMATS)
    print_answers(reading(load_settings(db).db, lambda con: answer_all(con, query)), output)


@app.command()
def search(
    words: Annotated[str, typer.Argument(metavar="WORDS", help="words to look for; stemmed per language")],
    lang: Annotated[
        str | None, typer.Option("--lang", metavar="CODE", show_default="all", help="only paragraphs in this language")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, metavar="N", help="how many hits to show")] = 10,
    db: DbOption = None,
    output: Annotated[
        str, typer.Option("--format", metavar="text|csv|json", help="csv and json print the full text, for scripts")
    ] = "text",
) -> None:
    """Full-text search over the current paragraphs, best match (BM25) first, one hit per near-duplicate cluster."""
    from flows.search_view import render_hits
    from warehouse.search import matched_spans, search_paragraphs

    choose(output, SEARCH_FORMATS)

    def ask(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple], list]:
        ranked, terms = search_paragraphs(con, words, lang, limit)
        return ranked.columns, ranked.fetchall(), terms

    columns, rows, terms = reading(load_settings(db).db, ask)
    if output != "text":
        print_rows(columns, rows, output)
        return
    hits = [dict(zip(columns, row, strict=True)) for row in rows]
    for hit in hits:
        hit["spans"] = matched_spans(hit["text"], hit["language"], terms)
    out.print(render_hits(hits, out), highlight=False)


@app.command()
def export(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="the file to write")],
    what: Annotated[
        str,
        typer.Option(
            "--what",
            metavar="articles|paragraphs|clusters",
            help="clean articles, paragraph occurrences with their duplicate flags, or near-duplicate clusters",
        ),
    ] = "articles",
    output: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="parquet|jsonl|csv",
            show_default="from PATH's suffix",
            help="jsonl is shaped like datatrove's: text, id, metadata",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="replace PATH if it exists")] = False,
    db: DbOption = None,
) -> None:
    """Write the warehouse's clean data to a file, with DuckDB's own writers."""
    from warehouse.export import ExportError, run_export

    settings = load_settings(db)
    try:
        with export_progress() as progress:
            written = run_export(settings.db, path, what, output, force=force, on_progress=progress)
    except (ExportError, *known_errors()) as exc:
        raise fail(str(exc)) from None
    size = path.stat().st_size
    shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
    out.print(f"exported {written.rows} {what} to {path} ({written.format}, {shown})", soft_wrap=True, highlight=False)


@contextlib.contextmanager
def export_progress() -> Iterator[Callable[[float], None] | None]:
    """A progress bar on stderr while an export runs, if stderr is a terminal; gone when it ends."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("exporting"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("export", total=100)
        yield lambda share: progress.update(task, completed=share)


@app.command()
def report(
    run_id: Annotated[
        int | None, typer.Option("--run", metavar="ID", show_default="the latest", help="the run to report on")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", metavar="PATH", help="also write a self-contained HTML report here")
    ] = None,
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
            raise fail(f"{html}: cannot write the report ({exc.strerror}); choose another --html path") from None
        out.print(f"HTML report: {html}")


@app.command()
def serve(
    cron: Annotated[
        str | None, typer.Option("--cron", metavar="SCHEDULE", help='cron schedule, e.g. "0 * * * *" for hourly')
    ] = None,
    interval: Annotated[
        int | None, typer.Option("--interval", min=1, metavar="SECONDS", help="or: every this many seconds")
    ] = None,
    source: SourceOption = None,
    db: DbOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    wait: Annotated[bool, typer.Option("--wait", help="a due run queues behind one that is writing")] = False,
) -> None:
    """Run the ingest flow on a schedule, as a deployment of the Prefect server in PREFECT_API_URL."""
    from flows.serve import ServeError, check_schedule, serve_ingest

    try:
        check_schedule(cron, interval)
        settings = Settings.load(db=db, source=source, include=include, exclude=exclude, wait=wait)
        serve_ingest(settings, cron, interval)
    except (ServeError, *known_errors()) as exc:
        raise fail(str(exc)) from None


@app.command()
def status(db: DbOption = None) -> None:
    """The last runs with their state and counts, the next scheduled run, and where things are."""
    from flows.serve import status as warehouse_status

    settings = load_settings(db)
    out.print(reading(settings.db, lambda con: warehouse_status(settings, con), whole=True))


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


def choose(output: str, formats: tuple[str, ...]) -> None:
    if output not in formats:
        raise fail(f"--format {output!r}: choose one of {', '.join(formats)}")


def reading(db: Path, ask: Callable[[duckdb.DuckDBPyConnection], T], *, whole: bool = False) -> T:
    """`ask` of the published warehouse at `db`, on a reader connection (warehouse/connection.py
    connect_reader); every failure the user can fix becomes one line. With `whole`, every block is read first, so damage
    anywhere fails the command, not only damage in what `ask` reads (status and report vouch for
    the whole warehouse; 0.4-0.8 s per 570 MB here)."""
    import duckdb

    from warehouse.connection import connect_reader, corruption
    from warehouse.integrity import read_every_block
    from warehouse.user_sql import QueryRefusedError

    try:
        con = connect_reader(db)
        try:
            if whole:
                read_every_block(con)
            return ask(con)
        except duckdb.Error as exc:  # damage shows when a query reads the damaged block
            raise corruption(db, exc) or exc from None
        finally:
            con.close()
    except duckdb.Error as exc:
        raise fail(f"SQL error: {str(exc).splitlines()[0]}; {SQL_ADVICE}") from None
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
def start(context: typer.Context) -> None:
    if context.invoked_subcommand is None:
        out.print(context.get_help(), highlight=False, markup=False)
        raise typer.Exit
    running[0] = f"newsflow {context.invoked_subcommand}"
    apply_offline_environment()
