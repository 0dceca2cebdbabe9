"""The embedded Prefect server keeps its state beside the warehouse, so two warehouses never share
one history of runs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from flows.prefect_server import prefect_home
from tests.corpus import REPO, SEEDS
from tests.flows.processes import NEWSFLOW


@pytest.mark.slow
def test_the_embedded_server_keeps_its_runs_beside_the_warehouse(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_HOME", "PREFECT_API_URL")}
    db = tmp_path / "news.duckdb"

    result = subprocess.run(
        [str(NEWSFLOW), "run", "--source", str(SEEDS), "--db", str(db)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    home = prefect_home(db)
    assert home == tmp_path / "news-prefect"
    con = sqlite3.connect(home / "prefect.db")
    try:
        runs = con.execute(
            "SELECT f.name, r.state_type FROM flow_run AS r JOIN flow AS f ON f.id = r.flow_id"
        ).fetchall()
        keys = {key for (key,) in con.execute("SELECT key FROM artifact WHERE key IS NOT NULL")}
    finally:
        con.close()
    assert runs == [("ingest", "COMPLETED")]
    slug = f"{tmp_path.name.lower().replace('_', '-')}-news"
    assert keys == {f"newsflow-quality-{slug}", f"newsflow-quality-results-{slug}"}
