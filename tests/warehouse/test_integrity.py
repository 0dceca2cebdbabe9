"""A published warehouse is read whole once: after that, only a file something wrote to or put in
its place is read again (warehouse/integrity.py). Real warehouse files, really damaged."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.flows.test_damaged_warehouse import BLOCK_SIZE, HEADERS
from tests.warehouse.test_snapshot import publish
from warehouse.connection import CorruptWarehouseError, verify_every_block
from warehouse.integrity import identity, is_verified, verified_marker
from warehouse.snapshot import roll_back


def damage_keeping_size_and_times(db: Path) -> None:
    """Garbage inside a block of `core.runs`, written in place, and the modification time put back:
    only the change time tells."""
    con = duckdb.connect(str(db), read_only=True)
    block = con.execute("SELECT max(block_id) FROM pragma_storage_info('core.runs')").fetchone()[0]
    con.close()
    times = db.stat()
    with db.open("r+b") as f:
        f.seek(HEADERS + block * BLOCK_SIZE + 100)
        f.write(os.urandom(2000))
    os.utime(db, ns=(times.st_atime_ns, times.st_mtime_ns))


def test_a_publish_notes_the_file_and_a_healthy_file_untouched_since_is_not_read_again(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, 3, keep_previous=1)
    assert is_verified(db)
    verify_every_block(db)

    # The note is what skips the read: a damaged file under a note forged to match it passes ...
    damage_keeping_size_and_times(db)
    verified_marker(db).write_text(json.dumps(identity(db)), encoding="utf-8")
    verify_every_block(db)
    # ... and without the note the same file is read whole and refused.
    verified_marker(db).unlink()
    with pytest.raises(CorruptWarehouseError, match="is damaged"):
        verify_every_block(db)
    assert not verified_marker(db).exists()  # a refused file is never noted


def test_writing_to_the_file_or_replacing_it_means_it_is_read_again(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, 1, keep_previous=1)
    publish(db, 2, keep_previous=1)
    damage_keeping_size_and_times(db)  # same size, same mtime: the change time still moves
    assert not is_verified(db)
    with pytest.raises(CorruptWarehouseError, match="is damaged"):
        verify_every_block(db)

    roll_back(db)  # another file in its place: read whole, then noted
    assert sorted(path.name for path in tmp_path.glob("*.verified")) == ["w.duckdb.verified"]
    assert not is_verified(db)
    verify_every_block(db)
    assert is_verified(db)

    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db, copy)
    shutil.copyfile(verified_marker(db), verified_marker(copy))
    assert not is_verified(copy)  # the note names one file, not its name


def test_a_note_that_cannot_be_written_costs_a_full_read_not_the_publish(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, 1, keep_previous=1)
    verified_marker(db).unlink()
    blocked = verified_marker(db).with_name(f"{verified_marker(db).name}.partial")
    blocked.mkdir()  # where the note is written first: nothing can be written there

    publish(db, 2, keep_previous=1)
    verify_every_block(db)

    assert not is_verified(db)
    assert blocked.is_dir()
