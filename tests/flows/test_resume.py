"""A run killed after some batches were prepared: the next run stages those batches from their files
instead of preparing them again, and the warehouse it publishes equals a clean build's."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tasks.batch_files import batches_folder, is_prepared
from tests.corpus import REPO
from tests.flows.helpers import query, warehouse_state
from tests.flows.processes import GERMAN_NEWS, NEWSFLOW, NewsflowRun, leftovers, needs_german_news

pytestmark = [pytest.mark.slow, needs_german_news]
# Batches of 100 files: the 1,028 articles make 11 batches, and a kill after the third leaves several.
BATCHES = {"NEWSFLOW_BATCH_FILES": "100"}


def run(*args: str) -> str:
    result = subprocess.run(
        [str(NEWSFLOW), "run", *args], cwd=REPO, env=os.environ | BATCHES, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_a_killed_run_resumes_from_the_batches_it_prepared(tmp_path: Path) -> None:
    db, reference = tmp_path / "w.duckdb", tmp_path / "reference.duckdb"
    killed = NewsflowRun("--source", str(GERMAN_NEWS), "--db", str(db), env=BATCHES)
    killed.wait_for("batch 3 ")
    killed.signal(signal.SIGKILL, group=True)  # kill -9: nothing of the run gets to clean up
    killed.finish()
    left = [folder for folder in batches_folder(db).iterdir() if is_prepared(folder)]
    assert len(left) >= 3, killed.output

    resumed = run("--source", str(GERMAN_NEWS), "--db", str(db))

    assert resumed.count(", already prepared") == len(left), resumed
    steps = dict(query(db, "SELECT counter, value FROM run_steps WHERE step = 'prepare'"))
    assert steps == {"total": 11, "reused": len(left)}
    assert leftovers(db) == []  # published: the batches are gone with the candidate
    run("--source", str(GERMAN_NEWS), "--db", str(reference))
    assert dict(query(reference, "SELECT counter, value FROM run_steps WHERE step = 'prepare'")) == {
        "total": 11, "reused": 0,
    }  # fmt: skip
    assert warehouse_state(db) == warehouse_state(reference)  # every table: ids, flags, counts
