"""Crash safety: `newsflow run` killed with SIGKILL at random moments over a few hundred real files.

After every kill the published warehouse is either byte for byte what it was before the run, or
(when the kill came after the atomic swap) the complete result of that run. The run after the
kills then reaches exactly the state of a clean run: every table compared, run ids mapped.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.corpus import REPO, SEEDS, SHARED_DATA
from tests.flows.helpers import warehouse_state

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (SHARED_DATA / "de-news-10kgnad-test").is_dir(),
        reason=f"{SHARED_DATA} is absent: the shared corpora sit beside the repository in CI",
    ),
]
NEWSFLOW = Path(sys.executable).with_name("newsflow")
KILLS = 10
SEED = 20261122


def build_corpus(folder: Path) -> None:
    """State 1: 200 German and 60 Russian articles, the seeds, syndicated copies and bad files."""
    shutil.copytree(SEEDS, folder)
    for path in sorted((SHARED_DATA / "de-news-10kgnad-test" / "txt").iterdir())[:200]:
        shutil.copy(path, folder / f"de-{path.name}")
    for path in sorted((SHARED_DATA / "ru-news-corus-samples" / "txt").iterdir())[:60]:
        shutil.copy(path, folder / f"ru-{path.name}")
    for n, path in enumerate(sorted(folder.glob("de-*"))[:20]):
        shutil.copy(path, folder / f"syndicated-{n}.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "legacy-cp1251.txt").write_bytes(
        (SEEDS / "004_01c0abb4a0e72e83.txt").read_bytes().decode().encode("cp1251")
    )


def change_corpus(folder: Path) -> None:
    """State 2: 60 new articles, 10 edited, 10 deleted, one quarantined file fixed."""
    for path in sorted((SHARED_DATA / "de-news-10kgnad-test" / "txt").iterdir())[200:260]:
        shutil.copy(path, folder / f"de-{path.name}")
    for path in sorted(folder.glob("ru-*"))[:10]:
        path.write_text(
            path.read_text(encoding="utf-8") + "\n\nNachtrag: der Artikel wurde geändert.", encoding="utf-8"
        )
    for path in sorted(folder.glob("de-*"))[-10:]:
        path.unlink()
    (folder / "empty.txt").write_text("Jetzt steht hier ein Satz.", encoding="utf-8")


def run(source: Path, db: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [str(NEWSFLOW), "run", "--source", str(source), "--db", str(db)], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return time.perf_counter() - started


def test_runs_killed_at_random_moments_publish_whole_or_nothing_and_the_next_run_catches_up(tmp_path: Path) -> None:
    source, reference_db, db = tmp_path / "articles", tmp_path / "reference.duckdb", tmp_path / "killed.duckdb"
    build_corpus(source)
    run(source, reference_db)
    run(source, db)
    change_corpus(source)
    duration = run(source, reference_db)
    expected = warehouse_state(reference_db)
    published = db.read_bytes()
    rng = random.Random(SEED)
    moments = sorted(rng.uniform(0.3, duration) for _ in range(KILLS))
    outcomes = []
    for moment in moments:
        process = subprocess.Popen(
            [str(NEWSFLOW), "run", "--source", str(source), "--db", str(db)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(moment)
        process.kill()
        process.wait()
        if db.read_bytes() == published:
            outcomes.append("nothing published")
        else:  # the kill came after the swap: the run had published whole
            assert warehouse_state(db) == expected, f"killed at {moment:.2f} s"
            outcomes.append("published whole")
            published = db.read_bytes()

    run(source, db)

    assert warehouse_state(db) == expected, moments
    assert "nothing published" in outcomes, (moments, outcomes)
