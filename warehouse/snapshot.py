"""Published snapshots: a run writes a candidate copy of the warehouse and publishing swaps it in.

DuckDB lets one process write a file, and a reader holding the file blocks that writer. So runs
never write the published file: they copy it to `<db>.candidate`, load, validate, and replace the
published file with one atomic rename. Readers open the published file read-only and always see
the last published state; a run never waits for them, and a killed run leaves only a candidate
that the next run throws away. The file a publish replaces is kept as `<db>.previous` (and older
ones as `.previous.2` ...), which `newsflow rollback` puts back.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from warehouse.connection import CorruptWarehouseError, WarehouseError, connect, corrupt, verify_every_block
from warehouse.integrity import mark_verified, verified_marker
from warehouse.lock import WriterLock
from warehouse.runs import last_completed_run
from warehouse.space import NoSpaceError, out_of_space, require_space


def candidate_path(db: Path, purpose: str = "candidate") -> Path:
    return db.with_name(f"{db.name}.{purpose}")


def open_candidate(db: Path, purpose: str = "candidate") -> Path:
    """A fresh private copy of the published warehouse (none if nothing is published yet).

    Fails with `NoSpaceError` before copying if the disk has no room for the copy; a copy that fails
    halfway is removed."""
    candidate = candidate_path(db, purpose)
    discard(candidate)
    if db.exists():
        require_space(db)
        try:
            shutil.copyfile(db, candidate)
        except OSError as exc:
            discard(candidate)
            if out_of_space(exc):
                raise NoSpaceError(f"{candidate}: no space left on device while copying the warehouse") from exc
            raise WarehouseError(f"{candidate}: cannot copy the warehouse ({exc.strerror})") from exc
    return candidate


def swap_in(candidate: Path, db: Path, keep_previous: int = 0) -> None:
    """Publish: the candidate (closed, checkpointed) becomes the warehouse, all at once.

    The file it replaces becomes `<db>.previous` (and older ones `.previous.2` ...) up to
    `keep_previous` of them, for `newsflow rollback`. An amend (a failed run's row) keeps none: its
    data is what was published already.
    """
    with candidate.open("rb") as f:
        os.fsync(f.fileno())
    if keep_previous and db.is_file():
        keep(db, keep_previous)
    candidate.replace(db)
    sync_folder(db.parent)
    mark_verified(db)  # written by this process, closed and synced: no need to read it all back


def previous_path(db: Path, age: int = 1) -> Path:
    """Where the `age`-th newest previous version of the warehouse is kept."""
    return db.with_name(f"{db.name}.previous" + (f".{age}" if age > 1 else ""))


def previous_versions(db: Path) -> list[Path]:
    """The kept versions of the warehouse, newest first."""
    kept = []
    while (path := previous_path(db, len(kept) + 1)).exists():
        kept.append(path)
    return kept


def keep(db: Path, count: int) -> None:
    """Make the published file the newest of `count` previous versions, dropping the oldest.

    A hard link, not a copy: the publish that follows replaces the name `db`, not the file's bytes
    (runs never write a published file), so `.previous` is the old file itself, for free.
    """
    for age in range(count, 1, -1):
        if previous_path(db, age - 1).exists():
            previous_path(db, age - 1).replace(previous_path(db, age))
    previous_path(db).unlink(missing_ok=True)
    link_or_copy(db, previous_path(db))
    age = count + 1
    while previous_path(db, age).exists():  # the setting was lowered since they were kept
        previous_path(db, age).unlink()
        age += 1


def link_or_copy(source: Path, target: Path) -> None:
    """A second name for `source`; a copy only where the file system has no hard links (FAT, some mounts)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def roll_back(db: Path) -> str:
    """Put `<db>.previous` back in place of the published warehouse, under the writer lock; older
    versions move up one. The file it replaces is kept as `<db>.rolled-back`. Returns what was restored."""
    previous = previous_path(db)
    with WriterLock(db):
        if not previous.exists():
            raise WarehouseError(
                f"{db}: no previous version to restore ({previous.name} does not exist); "
                "a run keeps one when it publishes (NEWSFLOW_KEEP_PREVIOUS)"
            )
        try:
            verify_every_block(previous)
        except CorruptWarehouseError as exc:
            raise corrupt(previous, exc.what, f"nothing was restored: {db.name} is as it was") from exc
        con = connect(previous, read_only=True)
        try:
            run = last_completed_run(con)
        finally:
            con.close()
        if db.is_dir():
            raise WarehouseError(f"{db} is a folder; move it aside, then run `newsflow rollback` again")
        rolled_back = db.with_name(f"{db.name}.rolled-back")
        if db.exists():
            rolled_back.unlink(missing_ok=True)
            link_or_copy(db, rolled_back)
        previous.replace(db)
        verified_marker(previous).unlink(missing_ok=True)  # it named the file before the rename changed it
        age = 2
        while previous_path(db, age).exists():
            previous_path(db, age).replace(previous_path(db, age - 1))
            age += 1
        sync_folder(db.parent)
    restored = f"run {run[0]}, completed {run[1]:%Y-%m-%d %H:%M:%S %Z}" if run else "no completed run"
    kept = f"; the file it replaced is kept as {rolled_back.name}" if rolled_back.exists() else ""
    return f"restored {db} from {previous.name} ({restored}){kept}"


def sync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def discard(candidate: Path) -> None:
    for path in (candidate, candidate.with_name(candidate.name + ".wal")):
        path.unlink(missing_ok=True)
    # DuckDB's spill files (past the memory limit), left behind only if the run was killed.
    shutil.rmtree(candidate.with_name(candidate.name + ".tmp"), ignore_errors=True)
