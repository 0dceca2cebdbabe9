"""Scheduled runs on a real Prefect server, with readers querying the warehouse all the while."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.prefect_server import free_port
from tasks.report import artifact_keys
from tests.corpus import REPO, SEEDS

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`prefect server start` on loopback, once per test session, with a home of its own."""
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = free_port()
    # As the README starts it: PREFECT_SERVER_ANALYTICS_ENABLED=false, and no DO_NOT_TRACK.
    env = os.environ | {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    env.pop("DO_NOT_TRACK", None)
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("prefect server start did not become healthy within 120 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class Readers:
    """Query the published warehouse over and over from this process and from the DuckDB shell."""

    def __init__(self, db: Path) -> None:
        self.db, self.errors, self.reads, self.shell_reads = db, [], 0, 0
        self.latencies: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop)

    def loop(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                con = duckdb.connect(str(self.db), read_only=True)
                con.execute("SELECT count(*), sum(paragraphs_raw) FROM articles").fetchone()
                con.close()
                self.reads += 1
                self.latencies.append(time.perf_counter() - started)
                if self.reads % 20 == 0:
                    shell = subprocess.run(
                        [str(BIN / "duckdb"), "-readonly", str(self.db), "-csv", "-c", "SELECT count(*) FROM articles"],
                        capture_output=True, text=True, timeout=30,
                    )  # fmt: skip
                    if shell.returncode != 0:
                        self.errors.append(f"duckdb shell: {shell.stderr.strip()}")
                    self.shell_reads += 1
            except duckdb.Error as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.05)


def completed_runs(db: Path) -> list[tuple[int, str]]:
    if not db.exists():
        return []
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT run_id, flow_run_id FROM runs WHERE status = 'completed' ORDER BY run_id").fetchall()
    finally:
        con.close()


def flow_run_state(server: str, flow_run_id: str) -> str:
    return httpx.get(f"{server}/flow_runs/{flow_run_id}", timeout=10).json()["state_type"]


def test_a_deployment_runs_by_itself_while_readers_never_fail(prefect_server: str, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    db = tmp_path / "w.duckdb"
    env = os.environ | {"PREFECT_API_URL": prefect_server}
    serve = subprocess.Popen(
        [str(BIN / "newsflow"), "serve", "--interval", "10", "--source", str(articles), "--db", str(db)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    readers = Readers(db)
    try:
        deadline = time.monotonic() + 240
        while not db.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        readers.thread.start()
        while len(completed_runs(db)) < 3 and time.monotonic() < deadline:
            # Something changes between the runs, so they publish new data while the readers read.
            (articles / f"added_{len(completed_runs(db))}.txt").write_text(
                f"Neuer Absatz {time.time()} über die Zusammenarbeit.\n", encoding="utf-8"
            )
            time.sleep(2)
        # A run's row is published before its flow run finishes (the report step comes last):
        # give the first three time to reach their final state before the server stops them.
        while time.monotonic() < deadline and any(
            flow_run_state(prefect_server, flow_run_id) != "COMPLETED" for _, flow_run_id in completed_runs(db)[:3]
        ):
            time.sleep(0.5)
        status = subprocess.run(
            [str(BIN / "newsflow"), "status", "--db", str(db)], capture_output=True, text=True, env=env, cwd=REPO
        )
    finally:
        readers.stop.set()
        if readers.thread.is_alive():
            readers.thread.join()
        serve.terminate()
        serve.wait(timeout=60)

    assert "deployment 'newsflow-ingest'" in status.stdout, status.stdout + status.stderr
    runs = completed_runs(db)[:3]
    assert len(runs) == 3, f"only {len(runs)} scheduled runs completed in 240 s"
    assert readers.errors == []
    assert readers.reads > 50 and readers.shell_reads >= 2
    for _, flow_run_id in runs:
        flow_run = httpx.get(f"{prefect_server}/flow_runs/{flow_run_id}", timeout=10).json()
        assert flow_run["state_type"] == "COMPLETED", flow_run["state_type"]
        assert flow_run["deployment_id"] is not None  # started by the schedule, not by hand
    artifacts = httpx.post(
        f"{prefect_server}/artifacts/filter",
        json={"artifacts": {"key": {"any_": list(artifact_keys(db))}}},
        timeout=10,
    ).json()
    assert {a["key"] for a in artifacts} == set(artifact_keys(db))  # named for this warehouse
    markdown = next(a for a in artifacts if a["key"] == artifact_keys(db)[0])
    assert "Every expectation passed" in markdown["data"]


def test_two_runs_started_together_queue_with_wait(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    command = [str(BIN / "newsflow"), "run", "--wait", "--db", str(db)]
    first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [process.communicate(timeout=300) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    # The run queued second found the work done by the first: nothing to do, so nothing recorded.
    assert sorted("nothing changed since run 1" in out for out, _ in results) == [False, True], results
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT status, files_loaded, files_unchanged FROM runs ORDER BY run_id").fetchall()
    assert rows == [("completed", 5, 0)]
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (5,)
    con.close()


def test_a_skip_shows_in_prefect_and_in_status_and_leaves_the_warehouse_as_it_was(
    prefect_server: str, tmp_path: Path
) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    db = tmp_path / "w.duckdb"
    env = os.environ | {"PREFECT_API_URL": prefect_server}
    command = [str(BIN / "newsflow"), "run", "--source", str(articles), "--db", str(db)]
    assert subprocess.run(command, cwd=REPO, env=env, capture_output=True, timeout=300).returncode == 0
    before = (db.stat().st_mtime_ns, db.read_bytes())

    skip = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)

    assert skip.returncode == 0, skip.stdout + skip.stderr
    assert (db.stat().st_mtime_ns, db.read_bytes()) == before  # not rewritten, not even touched
    flow_run_id = re.search(r"in Prefect as flow run ([0-9a-f-]{36}) \(tag 'skip'\)", skip.stdout)[1]
    flow_run = httpx.get(f"{prefect_server}/flow_runs/{flow_run_id}", timeout=10).json()
    assert (flow_run["state_type"], flow_run["state_name"], flow_run["tags"]) == ("COMPLETED", "Skipped", ["skip"])
    # The same parameters object as the full run before it recorded (flows/settings.py).
    runs = httpx.post(f"{prefect_server}/flow_runs/filter", json={}, timeout=10).json()
    full = [r for r in runs if r["id"] != flow_run_id and r["parameters"].get("settings", {}).get("db") == str(db)]
    assert len(full) == 1, runs
    assert flow_run["parameters"] == full[0]["parameters"]
    status = subprocess.run(
        [str(BIN / "newsflow"), "status", "--db", str(db)], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert re.search(
        rf"last skip +\S+ \S+ UTC: nothing new in 5 files, flow run {flow_run_id} \(1 skip since", status.stdout
    )


def test_the_documented_server_start_logs_no_telemetry_error(prefect_server: str, tmp_path: Path) -> None:
    """Without PREFECT_SERVER_ANALYTICS_ENABLED=false, `prefect server start` logs "Failed to send
    telemetry" within seconds on a machine with no network (seen by hand: 1 line in 45 s)."""
    log = next(tmp_path.parent.glob("prefect-server-home*/server.log")).read_text()
    assert "Uvicorn running" in log or "Check out the dashboard" in log, log
    assert "telemetry" not in log.lower(), log
