"""Ctrl-C or SIGTERM at any moment of `newsflow run`: one line, exit 128+signal, the run recorded as
cancelled with the signal, the step and its counts so far, the published warehouse as it was (or
wholly swapped), and nothing left behind: no candidate, lock or spill folder, no server process; only
the batches it prepared, for the next run to resume from (tasks/batch_files.py)."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pytest

from tasks.batch_files import batches_folder
from tests.flows.helpers import query, snapshot
from tests.flows.processes import GERMAN_NEWS, NewsflowRun, gone, leftovers, needs_german_news, publish_seeds
from warehouse.lock import lock_path

pytestmark = [pytest.mark.slow, needs_german_news]
SEEDS_ARTICLES = 5


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the seeds published by run 1, to copy for each test."""
    return publish_seeds(tmp_path_factory.mktemp("published"))


def wait_for_startup(run: NewsflowRun, db: Path) -> None:
    """Until the run holds the writer lock and has started the Prefect server, which then boots for
    seconds before the flow begins."""
    deadline = time.monotonic() + 30
    while f"pid {run.process.pid}," not in (lock_path(db).read_text() if lock_path(db).exists() else ""):
        assert time.monotonic() < deadline, run.output
        time.sleep(0.01)
    while not run.children():
        assert time.monotonic() < deadline, run.output
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("step", "signum", "group"),
    [
        ("startup", signal.SIGTERM, False),
        ("read", signal.SIGINT, True),  # Ctrl-C at a terminal: the whole process group
        ("validate", signal.SIGINT, True),
        ("publish", signal.SIGTERM, False),
    ],
)
def test_a_signal_ends_the_run_in_one_line_recorded_as_cancelled(
    published: Path, tmp_path: Path, step: str, signum: signal.Signals, group: bool
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(published, db)
    before = snapshot(db)
    # Batches of 50 files: reading the 1,028 articles takes 21 batches, time enough to land in it.
    run = NewsflowRun("--source", str(GERMAN_NEWS), "--db", str(db), env={"NEWSFLOW_BATCH_FILES": "50"})
    if step == "startup":
        wait_for_startup(run, db)
    else:
        run.wait_for({"read": "batch 3 ", "validate": "validating run 2", "publish": "publishing run 2"}[step])
    children = run.children()
    run.signal(signum, group=group)
    code = run.finish()

    assert code == 128 + signum, run.output
    assert "Traceback" not in run.output
    assert len(run.lines_after_signal) <= 3, run.lines_after_signal
    last = run.lines_after_signal[-1]
    status, message, *counts = query(
        db,
        "SELECT status, message, files_seen, files_loaded, files_unchanged, files_quarantined, paragraphs_read "
        "FROM runs WHERE run_id = 2",
    )[0]
    if step == "publish" and status == "completed":  # the signal came after the atomic swap: it stands
        assert last.startswith(f"newsflow run: run 2 cancelled by {signum.name} during publish "), last
        assert last.endswith("after it was published (completed); it stands"), last
        assert query(db, "SELECT count(*) FROM articles") == [(SEEDS_ARTICLES + 1028,)]
    else:
        assert status == "cancelled"
        assert message == f"cancelled by {signum.name} during {step}"
        assert last.startswith(f"newsflow run: run 2 cancelled by {signum.name} during {step}; "), last
        assert snapshot(db) == before  # what users query is as it was
        assert None not in counts, counts
        seen, loaded, unchanged, quarantined, paragraphs = counts
        if step == "startup":
            assert counts == [0, 0, 0, 0, 0]
        elif step == "read":
            assert seen == 1028 and 0 < loaded < 1028 and paragraphs == loaded  # one paragraph per article
        else:
            assert (seen, loaded, unchanged, quarantined, paragraphs) == (1028, 1028, 0, 0, 1028)
    resumable = step != "startup" and status == "cancelled"  # a published run's batches are of no more use
    assert leftovers(db) == ([batches_folder(db).name] if resumable else [])
    assert children, "the embedded Prefect server was not running"
    assert all(gone(pid) for pid in children), children
