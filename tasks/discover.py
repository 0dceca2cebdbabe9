"""Discover: list the files under a source folder and decide which ones must be read.

A file is read in full only when it is new or its size or modification time changed since the
run that last read it (the rule make and rsync use); everything else is `unchanged` from a stat.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

FOUND_SCHEMA = {"source_path": pl.String, "size_bytes": pl.Int64, "mtime_ns": pl.Int64, "problem": pl.String}
KNOWN_SCHEMA = {
    "source_path": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_hash": pl.String,
    "status": pl.String,
}
FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
              (stat.S_ISBLK, "a block device"))  # fmt: skip


class SourceFolderError(Exception):
    """The source folder cannot be listed."""


def list_files(root: Path) -> pl.DataFrame:
    """Every regular file below `root`, hidden files and folders (`.name`) excepted.

    Symlinks are followed. What cannot be read as a file is listed too, with a `problem` (the
    quarantine reason): broken symlinks, symlink loops, FIFOs and devices, unreadable folders,
    and names that are not UTF-8, shown with their bytes escaped (`caf\\xe9.txt`).
    """
    if not root.is_dir():
        raise SourceFolderError(f"{root}: no such folder; pass --source or set NEWSFLOW_SOURCE to a folder of articles")
    rows: list[tuple[str, int | None, int | None, str | None]] = []

    def add(path: Path, problem: str | None, status: os.stat_result | None = None) -> None:
        name = path.relative_to(root).as_posix()
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            problem = "file name is not valid UTF-8 (its bytes are shown as \\xNN): rename it in UTF-8"
        if status is None:
            try:
                status = path.lstat()
            except OSError:
                return  # vanished since the listing: not there to account for
        rows.append((name, status.st_size, status.st_mtime_ns, problem))

    folders_listed = {folder_key(root.stat()): root}

    def unreadable_folder(error: OSError) -> None:
        add(Path(error.filename), f"unreadable folder: {error.strerror}")

    for folder, subfolders, names in os.walk(root, followlinks=True, onerror=unreadable_folder):
        kept = []
        # Real folders first, so a symlink to one is the duplicate, not the folder itself.
        for name in sorted((d for d in subfolders if not d.startswith(".")), key=lambda d: (is_link(folder, d), d)):
            path = Path(folder, name)
            try:
                key = folder_key(path.stat())
            except OSError:
                continue  # vanished since the listing
            if key in folders_listed:
                first = folders_listed[key].relative_to(root).as_posix() or "."
                add(path, f"symlink loop: this folder is already listed as {first}; its files are read there")
                continue
            folders_listed[key] = path
            kept.append(name)
        subfolders[:] = kept
        for name in sorted(n for n in names if not n.startswith(".")):
            path = Path(folder, name)
            try:
                status = path.stat()
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    add(path, "symlink loop: the link points back to itself through other links")
                elif path.is_symlink():
                    add(path, f"broken symlink: its target {path.readlink()} does not exist")
                else:
                    add(path, f"unreadable: {exc.strerror}")
                continue
            kind = next((kind for is_kind, kind in FILE_KINDS if is_kind(status.st_mode)), None)
            add(path, f"not a regular file: {kind}" if kind else None, None if kind else status)
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


@task(name="discover", cache_policy=NO_CACHE)
def discover(root: Path, known: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return plan_reads(list_files(root), known)
