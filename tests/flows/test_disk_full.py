"""A full disk, on a real small tmpfs: no room for the copy fails at once with the number needed; a
disk that fills during the run discards the candidate first, then records the failure with its
cause and place; nothing is left beside the warehouse, and what users query is as it was."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.corpus import REPO, SEEDS
from tests.flows.helpers import query, snapshot
from tests.flows.processes import GERMAN_NEWS, NEWSFLOW, leftovers, needs_german_news, publish_seeds
from warehouse.snapshot import open_candidate
from warehouse.space import NoSpaceError, megabytes

MB = 2**20
MountDisk = Callable[[int], Path]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds published by run 1 (about 5.5 MB), to copy onto the small disks."""
    return publish_seeds(tmp_path_factory.mktemp("published"))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """Mounts a tmpfs of the size asked for (root only; skipped with the reason where mounting fails)."""
    mounted: list[Path] = []

    def mount(size: int) -> Path:
        folder = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        command = ["mount", "-t", "tmpfs", "-o", f"size={size // 1024}k", "tmpfs", str(folder)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.strip() or result.returncode}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=True)


def newsflow_run(source: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEWSFLOW), "run", "--source", str(source), "--db", str(db)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_no_room_for_the_copy_fails_before_copying_with_the_size_needed(published: Path, small_disk: MountDisk) -> None:
    size = published.stat().st_size
    db = small_disk(size + size // 2) / "w.duckdb"  # room for the warehouse and half a copy
    shutil.copyfile(published, db)
    with pytest.raises(NoSpaceError, match=rf"needs {megabytes(size)}, \d+\.\d MB free"):
        open_candidate(db)
    assert leftovers(db) == []


@pytest.mark.slow
def test_a_run_without_room_for_the_copy_fails_at_once_in_one_line(
    published: Path, small_disk: MountDisk, tmp_path: Path
) -> None:
    size = published.stat().st_size
    db = small_disk(size + size // 2) / "w.duckdb"
    shutil.copyfile(published, db)
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "new.txt").write_text("Ein neuer Artikel.\n\nMit zwei Absätzen.", encoding="utf-8")
    before = db.read_bytes()

    result = newsflow_run(articles, db)

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"newsflow run: {db.parent}: not enough disk space to copy the warehouse: needs {megabytes(size)}, "
        f"{megabytes(shutil.disk_usage(db.parent).free)} free; make room there, or choose another --db"
    ]
    assert db.read_bytes() == before
    assert leftovers(db) == []


@pytest.mark.slow
@needs_german_news
def test_a_disk_that_fills_during_the_run_discards_the_candidate_then_records_why(published: Path, small_disk) -> None:
    size = published.stat().st_size
    # Room for the warehouse, its copy and 1.5 MB more: the 1,028 articles need about 5 MB more, and
    # once the candidate is gone there is room to record the failure (a copy, one row more).
    db = small_disk(2 * size + 3 * MB // 2) / "w.duckdb"
    shutil.copyfile(published, db)
    before = snapshot(db)

    result = newsflow_run(GERMAN_NEWS, db)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"newsflow run: {db.parent}: no space left on device: "), last
    # What filled it: the candidate, or the batches prepared beside it (tasks/batch_files.py).
    assert "No space left on device" in last and (f"{db.name}.candidate" in last or f"{db.name}.batches/" in last)
    status, message, seen = query(db, "SELECT status, message, files_seen FROM runs WHERE run_id = 2")[0]
    assert status == "failed" and seen == 1028
    assert message == last.removeprefix("newsflow run: ")
    assert snapshot(db) == before
    assert leftovers(db) == []
