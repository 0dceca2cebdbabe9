"""The embedded Prefect server keeps its state beside the warehouse, so two warehouses never share
one history of runs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from flows.prefect_server import DATABASE, build_template, prefect_home, seed_home
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
        events = {event for (event,) in con.execute("SELECT DISTINCT event FROM events")}
    finally:
        con.close()
    assert runs == [("ingest", "COMPLETED")]
    # The run's events reached the server, but no heartbeat: none of its services reads them, and the
    # heartbeat thread cost up to a second at the end of every run (flows/prefect_server.py).
    assert "prefect.flow-run.Completed" in events
    assert "prefect.flow-run.heartbeat" not in events
    slug = f"{tmp_path.name.lower().replace('_', '-')}-news"
    assert keys == {f"newsflow-quality-{slug}", f"newsflow-quality-results-{slug}"}


def test_a_new_home_starts_as_a_copy_of_the_template_and_an_existing_one_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "template.db"
    template.write_bytes(b"migrated")
    home = tmp_path / "w-prefect"

    assert seed_home(home, template)
    assert (home / DATABASE).read_bytes() == b"migrated"
    assert home.stat().st_mode & 0o777 == 0o700
    (home / DATABASE).write_bytes(b"this warehouse's own runs")
    assert not seed_home(home, template)
    assert (home / DATABASE).read_bytes() == b"this warehouse's own runs"

    assert not seed_home(tmp_path / "no-template", tmp_path / "missing.db")
    assert not (tmp_path / "no-template").exists()
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://db/prefect")
    assert not seed_home(tmp_path / "elsewhere", template)
    assert not (tmp_path / "elsewhere").exists()


BUILD_TEMPLATE = """
import sys
from pathlib import Path
from flows.prefect_server import build_template
build_template(Path(sys.argv[1]))
"""
SEEDED_FLOW = """
import sys
from pathlib import Path
from flows.prefect_server import EmbeddedPrefectServer
with EmbeddedPrefectServer(Path(sys.argv[1]), Path(sys.argv[2])) as server:
    server.wait_until_healthy()
    from prefect import flow
    flow(name="seeded")(lambda: 1)()
"""


@pytest.mark.slow
def test_the_template_is_a_migrated_database_that_a_server_runs_flows_on(tmp_path: Path) -> None:
    template = tmp_path / "var" / "prefect.db"
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_HOME", "PREFECT_API_URL")}

    built = subprocess.run(
        [sys.executable, "-c", BUILD_TEMPLATE, str(template)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert built.returncode == 0, built.stdout + built.stderr
    assert sorted(path.name for path in template.parent.iterdir()) == ["prefect.db"]  # no WAL, no scratch home
    con = sqlite3.connect(template)
    try:
        assert len(con.execute("SELECT version_num FROM alembic_version").fetchall()) == 1
        assert con.execute("SELECT count(*) FROM block_type").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM flow_run").fetchone()[0] == 0
        con.execute("CREATE TABLE seeded_from_the_template (x INTEGER)")  # to tell the copy from a new database
        con.commit()
    finally:
        con.close()
    assert not build_template(template)  # built once

    home = tmp_path / "w-prefect"
    ran = subprocess.run(
        [sys.executable, "-c", SEEDED_FLOW, str(home), str(template)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert ran.returncode == 0, ran.stdout + ran.stderr
    con = sqlite3.connect(home / DATABASE)
    try:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        runs = con.execute(
            "SELECT f.name, r.state_type FROM flow_run AS r JOIN flow AS f ON f.id = r.flow_id"
        ).fetchall()
    finally:
        con.close()
    assert "seeded_from_the_template" in tables
    assert runs == [("seeded", "COMPLETED")]


def test_a_run_that_stops_before_the_flow_leaves_no_prefect_home(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_HOME", "PREFECT_API_URL")}
    db = tmp_path / "news.duckdb"

    result = subprocess.run(
        [str(NEWSFLOW), "run", "--source", str(tmp_path / "no-such-folder"), "--db", str(db)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert result.returncode != 0
    assert "no-such-folder" in result.stdout + result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == []  # the server had started, and its home went with it
