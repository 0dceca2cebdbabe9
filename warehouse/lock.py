"""One writer: a run holds an exclusive lock on `<db>.lock` from its first read to its publish."""

from __future__ import annotations

import fcntl
from pathlib import Path
from types import TracebackType

from warehouse.connection import WarehouseError, WarehouseLockedError


class WriterLock:
    def __init__(self, db: Path, *, wait: bool = False) -> None:
        self.path = db.with_name(f"{db.name}.lock")
        self.wait = wait
        self.file = None

    def __enter__(self) -> WriterLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = self.path.open("a")
        except OSError as exc:
            raise WarehouseError(
                f"{self.path.parent}: cannot write here ({exc.strerror}); choose another --db"
            ) from exc
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX if self.wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            raise WarehouseLockedError(
                f"{self.path.with_suffix('')}: another run is writing this warehouse; "
                "wait for it to finish, or pass --wait to queue behind it"
            ) from None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()
