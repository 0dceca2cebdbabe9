"""`newsflow run` as a real process that a test watches line by line, signals and inspects."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.corpus import REPO, SHARED_DATA
from warehouse.integrity import verified_marker
from warehouse.skips import skips_path

NEWSFLOW = Path(sys.executable).with_name("newsflow")
GERMAN_NEWS = SHARED_DATA / "de-news-10kgnad-test" / "txt"  # 1,028 real articles
needs_german_news = pytest.mark.skipif(
    not GERMAN_NEWS.is_dir(), reason=f"{GERMAN_NEWS} is absent: the shared corpora sit beside the repository in CI"
)


def publish_seeds(folder: Path, name: str = "w.duckdb") -> Path:
    """A new warehouse `folder/name` holding the seeds, published by a real `newsflow run` (run 1)."""
    db = folder / name
    result = subprocess.run(
        [str(NEWSFLOW), "run", "--db", str(db)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return db


class NewsflowRun:
    """`newsflow run …` in a session of its own (as a shell runs a job), its output read as it comes."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [str(NEWSFLOW), "run", *args],
            cwd=REPO,
            env=os.environ | {"COLUMNS": "200"} | (env or {}),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.signalled_at_line: int | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 120) -> None:
        """Until a line holds `text` (fails if the run ends or the time is up first)."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None or self._reader.is_alive(), f"ended before {text!r}: {self.lines}"
            assert time.monotonic() < deadline, f"no {text!r} in {timeout} s: {self.lines}"
            time.sleep(0.01)

    def children(self) -> list[int]:
        """The pids of the processes this run started (e.g. the embedded Prefect server)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def signal(self, signum: int, *, group: bool = False) -> None:
        """Send `signum` to the run, or to its whole process group as Ctrl-C at a terminal does."""
        self.signalled_at_line = len(self.lines)
        if group:
            os.killpg(self.process.pid, signum)
        else:
            os.kill(self.process.pid, signum)

    def finish(self, timeout: float = 300) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        self.process.stdout.close()
        return code

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def lines_after_signal(self) -> list[str]:
        return [line for line in self.lines[self.signalled_at_line :] if line.strip()]


@contextlib.contextmanager
def lock_held_elsewhere(db: Path) -> Iterator[int]:
    """Another process holds the writer lock of `db` for the block; yields its pid."""
    hold = (
        "import sys, time; from pathlib import Path; from warehouse.lock import WriterLock\n"
        "with WriterLock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(120)"
    )
    with subprocess.Popen([sys.executable, "-c", hold, str(db)], cwd=REPO, stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout.readline() == "held\n"
            yield holder.pid
        finally:
            holder.kill()


def gone(pid: int, timeout: float = 10) -> bool:
    """Whether process `pid` has ended and been reaped (or ends within `timeout`)."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def leftovers(db: Path) -> list[str]:
    """Files a run leaves beside the warehouse that only a run in progress should have:
    its candidate, the candidate's WAL and spill folder, an amend copy, the writer lock. (The log of
    skips, warehouse/skips.py, and the note of the verified file, warehouse/integrity.py, are meant to stay.)"""
    meant_to_stay = {skips_path(db), verified_marker(db)}
    return sorted(
        path.name for path in db.parent.iterdir() if path.name.startswith(f"{db.name}.") and path not in meant_to_stay
    )
