"""Discover: list the files under a source folder and decide which ones must be read.

A file is read in full only when it is new or its size or modification time changed since the
run that last read it (the rule make and rsync use); everything else is `unchanged` from a stat.
Discovery needs no orchestrator, so `newsflow run` asks it first and answers a folder with
nothing new without starting Prefect at all (flows/unchanged.py).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import polars as pl

from tasks.file_selection import EVERY_FILE, FileSelection
from tasks.source_path import path_key
from warehouse.connection import connect
from warehouse.discovery import known_files as files_known_under

FOUND_SCHEMA = {"source_path": pl.String, "size_bytes": pl.Int64, "mtime_ns": pl.Int64, "problem": pl.String}
KNOWN_SCHEMA = {
    "source_path": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_hash": pl.String,
    "status": pl.String,
}
NOTHING_READ = pl.DataFrame(schema={"source_path": pl.String, "status": pl.String})
OUTSIDE = "outside the source folder: the symlink leads to {}; set NEWSFLOW_FOLLOW_SYMLINKS_OUTSIDE=1 to follow it"
FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
              (stat.S_ISBLK, "a block device"))  # fmt: skip


class SourceFolderError(Exception):
    """The source folder cannot be listed."""


def require_folder(root: Path) -> None:
    if not root.is_dir():
        raise SourceFolderError(f"{root}: no such folder; pass --source or set NEWSFLOW_SOURCE to a folder of articles")


def list_files(
    root: Path,
    *,
    follow_symlinks_outside: bool = False,
    selection: FileSelection = EVERY_FILE,
    skipped: list[str] | None = None,
) -> pl.DataFrame:
    """Every regular file below `root` that `selection` selects, hidden files and folders (`.name`) excepted.

    The keys of the files `selection` leaves out are appended to `skipped`, if given: the run names
    them in its summary (tasks/file_selection.py). Folders are not selected: a pattern never hides
    a folder's problem (a symlink loop, an unreadable folder).

    Symlinks are followed while they stay inside `root`; one that leads out of it (to a file or a
    folder) is listed with its problem and not followed, unless `follow_symlinks_outside`: a
    source folder is what the user chose to publish, and a link must not widen that to /etc or
    a home folder. Each file is listed under its key (tasks/source_path.py): a name that
    is not UTF-8 is shown with its bytes escaped (`caf\\351.txt`) and read like any other. What
    cannot be read as a file is listed too, with a `problem` (the quarantine reason): broken
    symlinks, symlink loops, symlinks out of the folder, FIFOs and devices, unreadable folders.
    """
    require_folder(root)
    rows: list[tuple[str, int | None, int | None, str | None]] = []

    def add(name: str, path: str, problem: str | None, status: os.stat_result | None = None) -> None:
        if status is None:
            try:
                status = os.lstat(path)
            except OSError:
                return  # vanished since the listing: not there to account for
        rows.append((path_key(name), status.st_size, status.st_mtime_ns, problem))

    top = str(root)
    real_top = os.path.realpath(top)

    def outside(path: str) -> str | None:
        """The problem of a symlink that leads out of the source folder, unless those are followed."""
        target = os.path.realpath(path)
        if follow_symlinks_outside or os.path.commonpath((real_top, target)) == real_top:
            return None
        return OUTSIDE.format(path_key(target))

    folders_listed = {folder_key(root.stat()): ""}

    def relative(path: str) -> str:
        return path[len(top) + 1 :].replace(os.sep, "/")

    def unreadable_folder(error: OSError) -> None:
        add(relative(error.filename), error.filename, f"unreadable folder: {error.strerror}")

    # Strings and os.lstat, not Path objects, per file: a run with nothing new lists and stats every
    # file, and this loop is its cost: about half the time of Path objects. Only a symlink costs a
    # second stat (of its target) and a realpath.
    for folder, subfolders, names in os.walk(top, followlinks=True, onerror=unreadable_folder):
        prefix = relative(folder + os.sep)
        kept = []
        links = {name: is_link(folder, name) for name in subfolders if not name.startswith(".")}
        # Real folders first, so a symlink to one is the duplicate, not the folder itself.
        for name in sorted(links, key=lambda d: (links[d], d)):
            path = os.path.join(folder, name)  # noqa: PTH118 - see the comment above the loop
            if links[name] and (problem := outside(path)):
                add(prefix + name, path, problem)
                continue
            try:
                key = folder_key(os.stat(path))  # noqa: PTH116
            except OSError:
                continue  # vanished since the listing
            if key in folders_listed:
                first = path_key(folders_listed[key]) or "."
                problem = f"symlink loop: this folder is already listed as {first}; its files are read there"
                add(prefix + name, path, problem)
                continue
            folders_listed[key] = prefix + name
            kept.append(name)
        subfolders[:] = kept
        key_prefix = path_key(prefix)  # keys escape character by character: the prefix once per folder
        for name in sorted(n for n in names if not n.startswith(".")):
            if not selection.selects(key := key_prefix + path_key(name)):
                if skipped is not None:
                    skipped.append(key)
                continue
            path = folder + os.sep + name
            try:
                status = os.lstat(path)
                if stat.S_ISREG(status.st_mode):  # nearly every file: nothing else to ask
                    rows.append((key, status.st_size, status.st_mtime_ns, None))
                    continue
                if stat.S_ISLNK(status.st_mode):
                    status = os.stat(path)  # noqa: PTH116
                    if problem := outside(path):
                        add(prefix + name, path, problem)
                        continue
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    add(prefix + name, path, "symlink loop: the link points back to itself through other links")
                elif Path(path).is_symlink():
                    target = path_key(str(Path(path).readlink()))
                    add(prefix + name, path, f"broken symlink: its target {target} does not exist")
                else:
                    add(prefix + name, path, f"unreadable: {exc.strerror}")
                continue
            kind = next((kind for is_kind, kind in FILE_KINDS if is_kind(status.st_mode)), None)
            add(prefix + name, path, f"not a regular file: {kind}" if kind else None, None if kind else status)
    return pl.DataFrame(rows, schema=FOUND_SCHEMA, orient="row")


def is_link(folder: str, name: str) -> bool:
    return Path(folder, name).is_symlink()


def folder_key(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


def plan_batches(to_read: pl.DataFrame, max_files: int, max_bytes: int) -> list[pl.DataFrame]:
    """Cut the files to read into batches of at most `max_files` files and about `max_bytes` bytes
    (a file bigger than that is a batch of its own), so memory stays bounded whatever the folder."""
    batches, start, files, size = [], 0, 0, 0
    for index, file_size in enumerate(to_read["size_bytes"].fill_null(0)):
        if files and (files == max_files or size + file_size > max_bytes):
            batches.append(to_read.slice(start, index - start))
            start, files, size = index, 0, 0
        files, size = files + 1, size + file_size
    if files:
        batches.append(to_read.slice(start))
    return batches


def plan_reads(found: pl.DataFrame, known: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split the files into those to read and those unchanged since they were last seen.

    Returns (plan, deleted): `plan` is every found file with `action` = read | skip, the status
    and hash it had before; `deleted` the known files that are gone.
    """
    plan = found.join(known, on="source_path", how="left", suffix="_known").with_columns(
        action=pl.when(
            pl.col("status").is_null()
            | (pl.col("status") == "deleted")
            | pl.col("size_bytes").ne_missing(pl.col("size_bytes_known"))
            | pl.col("mtime_ns").ne_missing(pl.col("mtime_ns_known"))
        )
        .then(pl.lit("read"))
        .otherwise(pl.lit("skip")),
        # A deleted file that comes back must be loaded again, even with the bytes it had.
        content_hash=pl.when(pl.col("status") != "deleted").then(pl.col("content_hash")),
    )
    deleted = known.filter(pl.col("status") != "deleted").join(found, on="source_path", how="anti")
    return (
        plan.select("source_path", "size_bytes", "mtime_ns", "problem", "action", "status", "content_hash").sort(
            "source_path"
        ),
        deleted.select("source_path").sort("source_path"),
    )


def known_files(db: Path, root: Path) -> pl.DataFrame:
    """What the published warehouse knows of the files under `root` (a run's candidate is its copy)."""
    if not db.exists():
        return pl.DataFrame(schema=KNOWN_SCHEMA)
    con = connect(db, read_only=True)
    try:
        return files_known_under(con, str(root)).cast(KNOWN_SCHEMA)
    finally:
        con.close()


def find_changes(
    root: Path, db: Path, follow_symlinks_outside: bool = False, selection: FileSelection = EVERY_FILE
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """(plan, deleted, skipped) of `root` against the published warehouse at `db`: see plan_reads.

    `skipped` are the files `selection` leaves out. A file loaded before and left out now is
    `deleted`: the warehouse holds what the folder holds, as selected.
    """
    skipped: list[str] = []
    found = list_files(root, follow_symlinks_outside=follow_symlinks_outside, selection=selection, skipped=skipped)
    plan, deleted = plan_reads(found, known_files(db, root))
    return plan, deleted, skipped


def has_work(plan: pl.DataFrame, deleted: pl.DataFrame) -> bool:
    """Whether a run must read or delete anything; a run without work leaves the warehouse untouched."""
    return not deleted.is_empty() or (plan["action"] == "read").any()


def count_files(plan: pl.DataFrame, read_statuses: pl.DataFrame, deleted: pl.DataFrame) -> dict[str, int]:
    """Every file seen ends as exactly one of loaded, unchanged or quarantined.

    A file not read, or read and found byte-identical, keeps the status it had: a quarantined file
    stays quarantined until its bytes change.
    """
    final = plan.join(read_statuses, on="source_path", how="left", suffix="_now").select(
        pl.when(pl.col("status_now").is_in(["loaded", "quarantined"]))
        .then(pl.col("status_now"))
        .when(pl.col("status") == "quarantined")
        .then(pl.lit("quarantined"))
        .otherwise(pl.lit("unchanged"))
        .alias("final")
    )
    by_status = dict(final.group_by("final").len().iter_rows())
    return {
        "files_seen": plan.height,
        "files_loaded": by_status.get("loaded", 0),
        "files_unchanged": by_status.get("unchanged", 0),
        "files_quarantined": by_status.get("quarantined", 0),
        "files_deleted": deleted.height,
    }
