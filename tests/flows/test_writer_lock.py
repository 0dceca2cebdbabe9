"""One writer, decided before any work: the run that started first writes, a second fails in under
two seconds with one line naming the holder, or queues with --wait."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.corpus import REPO
from tests.flows.helpers import ingest, query
from tests.flows.processes import (
    GERMAN_NEWS,
    NEWSFLOW,
    NewsflowRun,
    leftovers,
    lock_held_elsewhere,
    needs_german_news,
)
from warehouse.connection import WarehouseLockedError
from warehouse.lock import WriterLock, lock_path


def test_the_holder_writes_its_name_and_removes_the_lock_when_done(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with WriterLock(db):
        assert lock_path(db).read_text(encoding="utf-8").startswith(f"pid {os.getpid()}, started ")
        with WriterLock(db):  # the same process again (the flow under `newsflow run`): counted, not a deadlock
            pass
        assert lock_path(db).exists()
    assert leftovers(db) == []


def test_another_process_holding_the_lock_is_named(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with lock_held_elsewhere(db) as holder, pytest.raises(WarehouseLockedError, match=rf"\(pid {holder}, started "):
        WriterLock(db).__enter__()


@pytest.mark.usefixtures("prefect_api")
def test_the_flow_takes_the_lock_its_own_process_holds_without_waiting_on_itself(
    articles: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    with WriterLock(db):  # as `newsflow run` holds it around the flow
        counts = ingest(articles, db)
    assert counts["files_loaded"] == 5
    assert query(db, "SELECT status FROM runs") == [("completed",)]
    assert leftovers(db) == []


@pytest.mark.slow
@needs_german_news
def test_a_second_run_fails_in_under_two_seconds_naming_the_first_which_completes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = NewsflowRun("--source", str(GERMAN_NEWS), "--db", str(db))
    deadline = time.monotonic() + 30
    while f"pid {first.process.pid}," not in (lock_path(db).read_text() if lock_path(db).exists() else ""):
        assert time.monotonic() < deadline, first.output
        time.sleep(0.01)

    started = time.monotonic()
    second = subprocess.run(
        [str(NEWSFLOW), "run", "--source", str(GERMAN_NEWS), "--db", str(db)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    took = time.monotonic() - started

    assert first.finish() == 0, first.output
    assert second.returncode == 1, second.stdout + second.stderr
    assert took < 2, f"the second run took {took:.1f} s to give up"
    assert second.stdout == ""
    lines = second.stderr.splitlines()
    assert len(lines) == 1, second.stderr
    assert f"{db}: another run is writing this warehouse (pid {first.process.pid}, started " in lines[0]
    assert "--wait" in lines[0]
    assert "run 1 completed" in first.output
    assert query(db, "SELECT run_id, status, files_loaded FROM runs") == [(1, "completed", 1028)]
    assert leftovers(db) == []


@pytest.mark.slow
def test_a_run_with_wait_says_whom_it_waits_for_and_then_finds_the_work_done(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = NewsflowRun("--source", str(articles), "--db", str(db))
    first.wait_for("Beginning flow run")
    second = NewsflowRun("--wait", "--source", str(articles), "--db", str(db))
    assert first.finish() == 0, first.output
    assert second.finish() == 0, second.output
    assert (
        f"newsflow run: waiting for the run that is writing the warehouse (pid {first.process.pid}, " in second.output
    )
    assert "nothing changed since run 1" in second.output
    assert "skip        logged beside the warehouse" in second.output
    assert query(db, "SELECT run_id, status FROM runs") == [(1, "completed")]
    assert leftovers(db) == []


@pytest.mark.slow
def test_ctrl_c_while_waiting_for_the_lock_ends_in_one_line_and_leaves_the_holder_alone(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with lock_held_elsewhere(db) as holder:
        waiting = NewsflowRun("--wait", "--db", str(db))
        waiting.wait_for(f"waiting for the run that is writing the warehouse (pid {holder}, started ")
        # Past the print, into the wait (a signal inside rich's print makes it print the line again).
        time.sleep(0.5)
        waiting.signal(signal.SIGINT, group=True)
        assert waiting.finish() == 130, waiting.output
        assert waiting.lines_after_signal == ["newsflow run: cancelled by SIGINT during lock wait; nothing was written"]
        assert lock_path(db).read_text().startswith(f"pid {holder}, ")  # still the holder's
        assert not db.exists()
