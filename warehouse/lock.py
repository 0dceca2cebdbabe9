"""One writer: a run holds an exclusive lock on `<db>.lock` from before Prefect starts to its publish.

The lock is flock(2): the kernel drops it when its holder dies, even by SIGKILL, so a crashed run
never blocks the next. The holder writes its pid and start time into the file, so a run that finds
the lock taken can say who holds it.

flock belongs to an open file description, so a second open in the same process would wait on the
first. `newsflow run` takes the lock before anything else, and the ingest flow takes it again for
the runs a deployment starts: a lock this process holds already is taken again by counting.

The holder removes the file before it lets go. A run that was waiting on the removed file then
holds a lock on a name nobody else can open, so it checks that the path still names the file it
locked, and starts over if not.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO

from warehouse.connection import WarehouseError, WarehouseLockedError

# A run that just took the lock writes its name a moment later: give it that moment.
HOLDER_READ_TRIES = 20
HOLDER_READ_PAUSE_S = 0.01

_held: dict[Path, int] = {}  # lock files this process holds, and how many times it took each


def lock_path(db: Path) -> Path:
    return db.with_name(f"{db.name}.lock")


def read_holder(path: Path) -> str:
    """Who holds the lock at `path`, as its holder wrote it ("pid 42, started 2026-12-02 10:00:00 UTC")."""
    for _ in range(HOLDER_READ_TRIES):
        try:
            holder = path.read_text(encoding="utf-8").strip()
        except OSError:
            holder = ""
        if holder:
            return holder
        time.sleep(HOLDER_READ_PAUSE_S)
    return "a process that did not write its name"


class WriterLock:
    def __init__(self, db: Path, *, wait: bool = False, on_wait: Callable[[str], None] | None = None) -> None:
        self.db = db
        self.path = lock_path(db)
        self.wait = wait
        self.on_wait = on_wait  # told who holds the lock, once, before a --wait run queues
        self.file: IO[str] | None = None

    def __enter__(self) -> WriterLock:
        if self.path in _held:
            _held[self.path] += 1
            return self
        while not self._lock_once():
            pass
        self.file.truncate(0)
        self.file.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n")
        self.file.flush()
        _held[self.path] = 1
        return self

    def _lock_once(self) -> bool:
        """Lock the file at the path; False if the path was removed or replaced meanwhile (try again)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise WarehouseError(
                f"{self.path.parent}: cannot write here ({exc.strerror}); choose another --db"
            ) from exc
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(self.path)
            if not self.wait:
                self.file.close()
                raise WarehouseLockedError(
                    f"{self.db}: another run is writing this warehouse ({holder}); "
                    "wait for it to finish, or pass --wait to queue behind it"
                ) from None
            if self.on_wait is not None:
                self.on_wait(holder)
                self.on_wait = None
            fcntl.flock(self.file, fcntl.LOCK_EX)
        try:
            same = self.path.stat().st_ino == os.fstat(self.file.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            self.file.close()
        return same

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _held[self.path] -= 1
        if _held[self.path]:
            return
        del _held[self.path]
        self.path.unlink(missing_ok=True)  # while still locked: see the module's docstring
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()
