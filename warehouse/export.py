"""Export the clean data of the published warehouse with DuckDB's own writers (`COPY … TO`).

Readers (`newsflow sql`) cannot write files (warehouse/connection.py connect_reader), so export
has its own connection: the published file opened read-only, with external access on, running only
the statements below. It writes beside the destination and renames the file into place, so a
failed or interrupted export leaves no half-written file under the name asked for.

JSONL is shaped like datatrove's output (its JsonlWriter writes `dataclasses.asdict(Document)`):
one object per line with `text`, `id` and `metadata` holding every other column.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.connection import connect


@dataclass(frozen=True)
class Export:
    """What can be exported: a public view, the order of its rows (so exports are repeatable), and
    what of a row makes a datatrove document."""

    view: str
    order: str
    text: str  # the column that is the JSONL object's `text`
    id: str  # the expression that is its `id`, unique per row
    not_metadata: str  # the columns that `text` and `id` already hold


EXPORTS = {
    "articles": Export("articles", "source_root, source_path", "text", "document_id", "text, document_id"),
    # One row per occurrence in a current article, with its duplicate flags and the links to the kept copy;
    # a paragraph id repeats with its copies, so a row's id is its place.
    "paragraphs": Export(
        "paragraph_occurrences", "source_path, position", "text", "document_id || '/' || position", "text"
    ),
    "clusters": Export(
        "near_duplicate_clusters", "cluster_id", "canonical_text", "cluster_id", "canonical_text, cluster_id"
    ),
}
FORMATS = ("parquet", "jsonl", "csv")
# DuckDB's writer for each format; JSON writes one object per line (newline-delimited) by default.
COPY_OPTIONS = {
    "parquet": "(FORMAT parquet, COMPRESSION zstd)",
    "jsonl": "(FORMAT json)",
    "csv": "(FORMAT csv, HEADER true)",
}
ROWS = "SELECT * FROM {view} ORDER BY {order}"
DATATROVE_ROWS = (
    "SELECT {text} AS text, {id} AS id, struct_pack(*COLUMNS(* EXCLUDE ({not_metadata}))) AS metadata "
    "FROM {view} ORDER BY {order}"
)
COPY = "COPY ({rows}) TO $path {options}"
# DuckDB estimates a statement's progress only with its progress bar on; we draw our own bar.
PROGRESS_ON = ("SET enable_progress_bar = true", "SET enable_progress_bar_print = false")


class ExportError(ValueError):
    """The export cannot be written as asked; the message says why and what to do."""


def export_format(path: Path, given: str | None) -> str:
    """The format asked for, or the one the file name's suffix names."""
    chosen = given or path.suffix.lower().lstrip(".")
    if chosen == "json":
        chosen = "jsonl"
    if chosen not in FORMATS:
        told = f"--format {given!r}" if given else f"{path.name}: no --format given and its suffix names none"
        raise ExportError(f"{told}; choose one of {', '.join(FORMATS)}")
    return chosen


def export_statement(what: str, output: str) -> str:
    """The COPY statement that writes `what` as `output`; identifiers only from EXPORTS, the path bound."""
    if what not in EXPORTS:
        raise ExportError(f"--what {what!r}: choose one of {', '.join(EXPORTS)}")
    export = EXPORTS[what]
    template = DATATROVE_ROWS if output == "jsonl" else ROWS
    rows = template.format(
        view=export.view, order=export.order, text=export.text, id=export.id, not_metadata=export.not_metadata
    )
    return COPY.format(rows=rows, options=COPY_OPTIONS[output])


def check_destination(path: Path, db: Path, force: bool) -> None:
    """Refuse to write over the warehouse, its kept versions and run files, or (unless `force`) any file."""
    target = path.resolve()
    # `<db>.previous`, `.previous.2`, `.candidate`, `.lock`, `.rolled-back`: warehouse/snapshot.py, lock.py
    if target == db or (target.parent == db.parent and target.name.startswith(db.name + ".")):
        raise ExportError(f"{path}: that is the warehouse or one of its files; export to another path")
    if target.is_dir():
        raise ExportError(f"{path} is a folder; give a file name, e.g. {path / 'articles.parquet'}")
    if not target.parent.is_dir():
        raise ExportError(f"{target.parent}: no such folder; create it first or export elsewhere")
    if target.exists() and not force:
        raise ExportError(f"{path} exists; pass --force to replace it")


@dataclass(frozen=True)
class Written:
    rows: int
    format: str


def run_export(
    db: Path,
    path: Path,
    what: str,
    output: str | None = None,
    *,
    force: bool = False,
    on_progress: Callable[[float], None] | None = None,
) -> Written:
    """Write `what` of the published warehouse at `db` to `path` as `output` (None: as its suffix says).

    `on_progress` gets DuckDB's own estimate of the share done (0 to 100), a few times a second.
    """
    check_destination(path, db, force)
    chosen = export_format(path, output)
    statement = export_statement(what, chosen)
    partial = path.with_name(f".{path.name}.partial")
    con = connect(db, read_only=True)
    try:
        with removed_on_failure(partial), watching(con, on_progress):
            (rows,) = con.execute(statement, {"path": str(partial)}).fetchone()  # COPY answers the rows written
        partial.replace(path)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write the export ({exc.strerror}); check the folder and free space") from exc
    except duckdb.IOException as exc:
        raise ExportError(f"{path}: cannot write the export ({str(exc).splitlines()[0]})") from exc
    finally:
        con.close()
    return Written(rows, chosen)


@contextlib.contextmanager
def removed_on_failure(partial: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def watching(con: duckdb.DuckDBPyConnection, on_progress: Callable[[float], None] | None) -> Iterator[None]:
    """Report `con.query_progress()` from another thread while the body runs a statement on `con`."""
    if on_progress is None:
        yield
        return
    for setting in PROGRESS_ON:
        con.execute(setting)
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            share = con.query_progress()
            if share >= 0:
                on_progress(share)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        on_progress(100.0)
