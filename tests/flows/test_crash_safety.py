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

import duckdb
import pytest

from tests.corpus import REPO, SEEDS, SHARED_DATA

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
# Not compared: `staging` is scratch holding the last run's batch, and the full-text indexes
# (`fts_*` schemas, their internal ids in build order) are rebuilt from `search.*`, which is.
VOLATILE_COLUMNS = {"started_at", "finished_at", "flow_run_id", "applied_at"}
RUN_COLUMNS = {"run_id", "first_seen_run", "last_changed_run", "loaded_run", "retired_run"}


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


def state(db: Path) -> dict[str, list[tuple]]:
    """Every table of the warehouse, rows sorted; run ids renumbered by the order of the runs that
    changed something, so a warehouse that took kills compares equal to one that did not."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = con.execute(
            "SELECT run_id, files_loaded, files_deleted, status FROM core.runs ORDER BY run_id"
        ).fetchall()
        assert all(status == "completed" for *_, status in runs), runs
        changing = [run_id for run_id, loaded, deleted, _ in runs if loaded or deleted]
        renumber = {run_id: n for n, run_id in enumerate(changing, start=1)}
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables()"
            " WHERE schema_name <> 'staging' AND NOT starts_with(schema_name, 'fts_') ORDER BY 1, 2"
        ).fetchall()
        snapshot = {}
        for schema, table in tables:
            cursor = con.execute(f'SELECT * FROM "{schema}"."{table}"')
            columns = [d[0] for d in cursor.description]
            rows = []
            for row in cursor.fetchall():
                record = dict(zip(columns, row, strict=True))
                if "run_id" in record and record["run_id"] not in renumber:
                    continue  # a run that changed nothing (after a kill that came after its swap)
                rows.append(
                    tuple(
                        renumber.get(value, value) if column in RUN_COLUMNS else value
                        for column, value in record.items()
                        if column not in VOLATILE_COLUMNS
                    )
                )
            snapshot[f"{schema}.{table}"] = sorted(rows, key=repr)
        return snapshot
    finally:
        con.close()


def test_runs_killed_at_random_moments_publish_whole_or_nothing_and_the_next_run_catches_up(tmp_path: Path) -> None:
    source, reference_db, db = tmp_path / "articles", tmp_path / "reference.duckdb", tmp_path / "killed.duckdb"
    build_corpus(source)
    run(source, reference_db)
    run(source, db)
    change_corpus(source)
    duration = run(source, reference_db)
    expected = state(reference_db)
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
            assert state(db) == expected, f"killed at {moment:.2f} s"
            outcomes.append("published whole")
            published = db.read_bytes()

    run(source, db)

    assert state(db) == expected, moments
    assert "nothing published" in outcomes, (moments, outcomes)
