"""DuckDB out of NEWSFLOW_MEMORY_LIMIT in a run: one line that names the setting and what to do, the
failure recorded with it, and the published warehouse as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.corpus import REPO, SEEDS
from tests.flows.helpers import query, snapshot
from tests.flows.processes import NEWSFLOW, leftovers, publish_seeds


@pytest.mark.slow
def test_a_run_out_of_duckdb_memory_says_which_setting_to_raise(tmp_path: Path) -> None:
    db = publish_seeds(tmp_path)
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "new.txt").write_text("Ein neuer Artikel.\n\nMit zwei Absätzen.", encoding="utf-8")
    before = snapshot(db)

    result = subprocess.run(
        [str(NEWSFLOW), "run", "--source", str(articles), "--db", str(db)],
        cwd=REPO, capture_output=True, text=True, timeout=300, env=os.environ | {"NEWSFLOW_MEMORY_LIMIT": "1MB"},
    )  # fmt: skip

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "SET memory_limit" not in result.stderr  # DuckDB's advice, which a user of `newsflow run` cannot follow
    last = result.stderr.splitlines()[-1]
    assert last.startswith("newsflow run: DuckDB ran out of its memory in "), last
    assert "(NEWSFLOW_MEMORY_LIMIT=1MB): Out of Memory Error: " in last
    assert last.endswith("; raise NEWSFLOW_MEMORY_LIMIT (e.g. to 2GB) and run again")
    status, message = query(db, "SELECT status, message FROM runs WHERE run_id = 2")[0]
    assert status == "failed"
    assert message == last.removeprefix("newsflow run: ")
    assert snapshot(db) == before
    assert leftovers(db) == []
