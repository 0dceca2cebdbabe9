"""Published snapshots: a run writes a candidate copy of the warehouse and publishing swaps it in.

DuckDB lets one process write a file, and a reader holding the file blocks that writer. So runs
never write the published file: they copy it to `<db>.candidate`, load, validate, and replace the
published file with one atomic rename. Readers open the published file read-only and always see
the last published state; a run never waits for them, and a killed run leaves only a candidate
that the next run throws away.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from warehouse.connection import WarehouseError
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


def swap_in(candidate: Path, db: Path) -> None:
    """Publish: the candidate (closed, checkpointed) becomes the warehouse, all at once."""
    with candidate.open("rb") as f:
        os.fsync(f.fileno())
    candidate.replace(db)
    directory = os.open(db.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def discard(candidate: Path) -> None:
    for path in (candidate, candidate.with_name(candidate.name + ".wal")):
        path.unlink(missing_ok=True)
    # DuckDB's spill files (past the memory limit), left behind only if the run was killed.
    shutil.rmtree(candidate.with_name(candidate.name + ".tmp"), ignore_errors=True)
