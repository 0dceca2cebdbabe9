"""Discover: list the files under a source folder and decide which ones must be read.

A file is read in full only when it is new or its size or modification time changed since the
run that last read it (the rule make and rsync use); everything else is `unchanged` from a stat.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

FOUND_SCHEMA = {"source_path": pl.String, "size_bytes": pl.Int64, "mtime_ns": pl.Int64}
KNOWN_SCHEMA = {
    "source_path": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_hash": pl.String,
    "status": pl.String,
}


class SourceFolderError(Exception):
    """The source folder cannot be listed."""


def list_files(root: Path) -> pl.DataFrame:
    """Every regular file below `root`, hidden files and folders (`.name`) excepted."""
    if not root.is_dir():
        raise SourceFolderError(f"{root}: no such folder; pass --source or set NEWSFLOW_SOURCE to a folder of articles")
    rows = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            try:
                stat = path.stat()
            except OSError:
                continue  # vanished since the listing; it is not there to account for
            if path.is_file():
                rows.append((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return pl.DataFrame(rows, schema=FOUND_SCHEMA, orient="row")


def plan_reads(found: pl.DataFrame, known: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split the files into those to read and those unchanged since they were last seen.

    Returns (plan, deleted): `plan` is every found file with `action` = read | skip, the status
    and hash it had before; `deleted` the known files that are gone.
    """
    plan = found.join(known, on="source_path", how="left", suffix="_known").with_columns(
        action=pl.when(
            pl.col("status").is_null()
            | (pl.col("status") == "deleted")
            | (pl.col("size_bytes") != pl.col("size_bytes_known"))
            | (pl.col("mtime_ns") != pl.col("mtime_ns_known"))
        )
        .then(pl.lit("read"))
        .otherwise(pl.lit("skip")),
        # A deleted file that comes back must be loaded again, even with the bytes it had.
        content_hash=pl.when(pl.col("status") != "deleted").then(pl.col("content_hash")),
    )
    deleted = known.filter(pl.col("status") != "deleted").join(found, on="source_path", how="anti")
    return (
        plan.select("source_path", "size_bytes", "mtime_ns", "action", "status", "content_hash").sort("source_path"),
        deleted.select("source_path").sort("source_path"),
    )


@task(name="discover", cache_policy=NO_CACHE)
def discover(root: Path, known: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return plan_reads(list_files(root), known)
