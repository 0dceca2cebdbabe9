"""Disk space: a run copies the published warehouse before it writes, so it needs room for the copy.

Checking first fails in a second with the number needed, instead of minutes later with a half-written
copy. A disk that fills during the run is recognised in whatever error reports it (Python's OSError,
or DuckDB's message), so the run's record can say so plainly.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from warehouse.connection import WarehouseError

NO_SPACE = "No space left on device"  # strerror(ENOSPC), which DuckDB's errors quote


class NoSpaceError(WarehouseError):
    """The disk holding the warehouse has no room for what a run must write."""


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def require_space(db: Path) -> None:
    """Fail unless the folder of `db` has room for a copy of it."""
    needed = db.stat().st_size
    free = shutil.disk_usage(db.parent).free
    if free < needed:
        raise NoSpaceError(
            f"{db.parent}: not enough disk space to copy the warehouse: needs {megabytes(needed)}, "
            f"{megabytes(free)} free; make room there, or choose another --db"
        )


def out_of_space(exc: BaseException) -> bool:
    """Whether `exc`, or an error it was raised from, says the disk is full."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, NoSpaceError) or (isinstance(seen, OSError) and seen.errno == errno.ENOSPC):
            return True
        if NO_SPACE in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def no_space_reason(exc: BaseException, folder: Path) -> str:
    """What to record of a run the full disk stopped: that it was full, where, and what was being written."""
    if isinstance(exc, NoSpaceError):
        return str(exc)
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{folder}: no space left on device: {detail}"
