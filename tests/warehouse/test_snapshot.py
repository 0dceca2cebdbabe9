"""Previous versions at publish and `roll_back`, on real warehouse files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.connection import CorruptWarehouseError, WarehouseError, WarehouseLockedError, connect
from warehouse.runs import finish_run, start_run
from warehouse.snapshot import previous_path, roll_back, swap_in


def publish(db: Path, runs: int, keep_previous: int) -> None:
    """Publish a warehouse holding `runs` completed runs, as a run does: write a candidate, swap it in."""
    candidate = db.with_name("candidate")
    if db.is_file():
        shutil.copyfile(db, candidate)
    con = connect(candidate)
    while con.execute("SELECT count(*) FROM core.runs").fetchone()[0] < runs:
        finish_run(con, start_run(con, None, "/articles"), "completed", None)
    con.execute("CHECKPOINT")
    con.close()
    swap_in(candidate, db, keep_previous)


def runs_in(path: Path) -> int:
    con = connect(path, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM core.runs").fetchone()[0]
    finally:
        con.close()


def test_a_publish_keeps_what_it_replaced_as_a_hard_link(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, 1, keep_previous=2)
    assert not previous_path(db).exists()  # nothing was replaced
    first = db.stat().st_ino
    publish(db, 2, keep_previous=2)
    assert previous_path(db).stat().st_ino == first  # the old file itself: no copy
    publish(db, 3, keep_previous=2)
    assert [runs_in(db), runs_in(previous_path(db)), runs_in(previous_path(db, 2))] == [3, 2, 1]
    assert previous_path(db, 2).stat().st_ino == first
    publish(db, 4, keep_previous=2)
    assert [runs_in(previous_path(db)), runs_in(previous_path(db, 2))] == [3, 2]
    assert not previous_path(db, 3).exists()


def test_keeping_fewer_drops_the_oldest_and_none_keeps_none(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    for runs in (1, 2, 3):
        publish(db, runs, keep_previous=2)
    publish(db, 4, keep_previous=1)
    assert runs_in(previous_path(db)) == 3 and not previous_path(db, 2).exists()
    publish(db, 5, keep_previous=0)  # an amend, or NEWSFLOW_KEEP_PREVIOUS=0: the kept version stays
    assert runs_in(previous_path(db)) == 3


def test_rollback_restores_the_newest_and_moves_the_older_up(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    for runs in (1, 2, 3):
        publish(db, runs, keep_previous=2)
    message = roll_back(db)
    assert message.startswith(f"restored {db} from w.duckdb.previous (run 2, completed ")
    assert message.endswith("the file it replaced is kept as w.duckdb.rolled-back")
    assert [runs_in(db), runs_in(previous_path(db)), runs_in(db.with_name("w.duckdb.rolled-back"))] == [2, 1, 3]
    assert not previous_path(db, 2).exists()
    roll_back(db)
    assert runs_in(db) == 1 and not previous_path(db).exists()
    with pytest.raises(WarehouseError, match="no previous version to restore"):
        roll_back(db)
    assert runs_in(db) == 1


def test_rollback_refuses_a_damaged_previous_version_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, 1, keep_previous=1)
    publish(db, 2, keep_previous=1)
    previous = previous_path(db)
    previous.write_bytes(previous.read_bytes()[:5000])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(CorruptWarehouseError, match=r"w.duckdb.previous is truncated.*; nothing was restored"):
        roll_back(db)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix != ".lock"} == before


HOLD_LOCK = """
import sys, time
from pathlib import Path
from warehouse.lock import WriterLock
with WriterLock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_rollback_waits_for_no_run(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, 1, keep_previous=1)
    publish(db, 2, keep_previous=1)
    # A run in another process holds the lock (within one process the lock is re-entrant).
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2]
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "locked"
            with pytest.raises(WarehouseLockedError, match="another run is writing"):
                roll_back(db)
        finally:
            holder.kill()
    assert runs_in(db) == 2 and runs_in(previous_path(db)) == 1


def test_rollback_over_a_folder_says_to_move_it(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, 1, keep_previous=1)
    publish(db, 2, keep_previous=1)
    db.unlink()
    db.mkdir()
    with pytest.raises(WarehouseError, match="is a folder; move it aside"):
        roll_back(db)
    assert runs_in(previous_path(db)) == 1
