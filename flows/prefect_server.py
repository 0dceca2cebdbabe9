"""Prefect's embedded API server, started before newsflow imports anything heavy.

With no PREFECT_API_URL, Prefect starts a temporary server itself, but only when the flow begins,
after importing the whole server in-process (~5 s here) and then booting it (~7 s): the seeds run
took 19 s from command to prompt (2026-11). Started first, the same server (Prefect's own app, run
the way Prefect runs it) boots while newsflow imports; what each part of a first run costs now is in
bench/README.md, "Startup and the no-op at 1 GB". With PREFECT_API_URL set, newsflow reports to that
server and starts nothing.

A new home starts from a template: an empty Prefect database already migrated, built once per
environment (`python -m flows.prefect_server`, which `bootstrap.py` runs after installing) and kept
in the environment beside the Prefect it belongs to. Without it, a warehouse's first run spent ~10 s
of CPU running Prefect's 115 SQLite migrations before the server answered.

The embedded server keeps its state (flow runs, logs, artifacts) in a Prefect home beside the
warehouse, `<db stem>-prefect/`, unless PREFECT_HOME is set: runs of two warehouses never mix in
one history, and `PREFECT_HOME=warehouse/newsflow-prefect prefect server start` shows one's.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

from flows.settings import GC_THRESHOLDS

STARTUP_TIMEOUT_S = 90.0
PR_SET_PDEATHSIG = 1  # prctl(2)
DATABASE = "prefect.db"  # Prefect's SQLite database in its home, unless a connection URL says otherwise
CONNECTION_URL_SETTINGS = ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL")
# `python -m uvicorn` with newsflow's garbage-collector thresholds (flows/settings.py): the server
# answered in 3.7-4.4 s instead of 4.4-4.9 s, and a first run waits for it.
SERVER_MAIN = (
    f"import gc, runpy, sys; gc.set_threshold{GC_THRESHOLDS}; sys.argv[0] = 'uvicorn'; "
    "runpy.run_module('uvicorn', run_name='__main__', alter_sys=True)"
)


class PrefectServerError(RuntimeError):
    """The embedded Prefect server did not come up."""


class EmbeddedPrefectServer:
    """Context manager: a temporary Prefect API on loopback, unless PREFECT_API_URL names one."""

    def __init__(self, home: Path, template: Path | None = None, *, start_now: bool = True) -> None:
        self.home = home  # PREFECT_HOME, unless it is set
        self.template = template  # a migrated database to start a new home from, if it exists
        self.start_now = start_now  # else at `expose`, once the caller knows it has work for it
        self.process: subprocess.Popen[bytes] | None = None
        # The server's own output: a server stopped mid-request prints tracebacks that are not the
        # user's business, so it goes here, and only its last line into the error if it fails to start.
        self.output: IO[bytes] | None = None
        self.api_url = os.environ.get("PREFECT_API_URL") or ""
        self.used = False
        self.new_home: Path | None = None  # the home this server created, if it did

    def __enter__(self) -> EmbeddedPrefectServer:
        if self.start_now:
            self.start()
        return self

    def start(self) -> None:
        if self.api_url:  # the user's server, or this one already started
            return
        # Set before this process imports Prefect, which reads it once: the flow's client and the
        # server agree on one home.
        home = Path(os.environ.setdefault("PREFECT_HOME", str(self.home)))
        self.new_home = None if home.exists() else home
        if self.template is not None:
            seed_home(home, self.template)
        port = free_port()
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__, after the server
        prefect_dir = Path(importlib.util.find_spec("prefect").submodule_search_locations[0])
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SERVER_MAIN,
                "--app-dir",
                str(prefect_dir.parent),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env=os.environ
            | {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"},
            stdin=subprocess.DEVNULL,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C at the terminal signals newsflow, which still needs the server to
            # record how the run ended; newsflow stops it last.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.api_url = f"http://127.0.0.1:{port}/api"

    def expose(self) -> None:
        """Start the server if it is not, and point this process's Prefect at it: before it imports Prefect,
        which reads the setting once. Not at start: a run that finds nothing to do must not take a starting
        server for the user's."""
        self.start()
        if self.process is not None:
            os.environ["PREFECT_API_URL"] = self.api_url

    def flow_settings(self) -> dict[str, object]:
        """Prefect settings for a flow run against this server. The embedded server runs none of the services
        that read a flow run's heartbeats (crash detection by proactive automations) and ends with the run,
        so none are sent: Prefect joins its heartbeat thread when the flow ends, and that thread sleeps in
        one-second steps, up to a second more per run (0.93 s of a seeds run, cProfile). A user's server
        gets them, at Prefect's default interval."""
        return {} if self.process is None else {"flows.heartbeat_frequency": None}

    def wait_until_healthy(self) -> None:
        if self.process is None:
            return
        self.expose()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PrefectServerError(
                    f"the embedded Prefect server exited with code {self.process.returncode} ({self.last_words()}); "
                    "set PREFECT_API_URL to a running server"
                )
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        self.used = True
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise PrefectServerError(
            f"the embedded Prefect server did not answer within {STARTUP_TIMEOUT_S:.0f} s; "
            "set PREFECT_API_URL to a running server"
        )

    def last_words(self) -> str:
        self.output.seek(0)
        lines = [line.strip() for line in self.output.read().decode(errors="replace").splitlines() if line.strip()]
        return lines[-1] if lines else "no output"

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process is None:
            return
        self.output.close()
        if not self.used:
            # Never used (nothing to do, or bad settings stopped the command): a server stopped while it is
            # still starting prints a traceback, and it has nothing to keep.
            self.process.kill()
            self.process.wait()
            if self.new_home is not None:  # nor a home for a warehouse that may never be built
                shutil.rmtree(self.new_home, ignore_errors=True)
            return
        if "prefect" in sys.modules:
            # Send the run's last logs and events while the server is still there to take them,
            # as prefect.testing.utilities.prefect_test_harness does.
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=10)
            EventsWorker.drain_all(timeout=10)
        os.environ.pop("PREFECT_API_URL", None)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def seed_home(home: Path, template: Path) -> bool:
    """Start a new home's database as a copy of the template; True if it did."""
    database = home / DATABASE
    if database.exists() or not template.exists() or any(os.environ.get(name) for name in CONNECTION_URL_SETTINGS):
        return False
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = database.with_suffix(".seeding")
    shutil.copyfile(template, partial)
    partial.replace(database)  # a copy cut short never passes for a database
    return True


def template_path() -> Path:
    """Where this environment keeps its template database: beside the Prefect it was migrated for."""
    return Path(sys.prefix) / "var" / "newsflow" / f"prefect-{importlib.metadata.version('prefect')}.db"


def build_template(template: Path) -> bool:
    """Boot the server once in a scratch home and keep its migrated database; False if it exists."""
    if template.exists():
        return False
    template.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=template.parent, prefix="build-") as scratch:
        home = Path(scratch)
        # This process exists to build the template: the server it starts is its own, whatever the
        # user's environment names, and the database is the template's own file.
        os.environ.pop("PREFECT_API_URL", None)
        os.environ["PREFECT_HOME"] = str(home)
        for name in CONNECTION_URL_SETTINGS:
            os.environ.pop(name, None)
        with EmbeddedPrefectServer(home) as server:
            server.wait_until_healthy()
        con = sqlite3.connect(home / DATABASE)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the migrations may still sit in the WAL file
            con.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.close()
        (home / DATABASE).replace(template)
    return True


def prefect_home(db: Path) -> Path:
    """The embedded Prefect server's home for the warehouse `db`, beside it."""
    return db.with_name(f"{db.stem}-prefect")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when newsflow dies, even by SIGKILL, so none is left behind."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


if __name__ == "__main__":
    started = time.perf_counter()
    try:
        built = build_template(template_path())
    except (PrefectServerError, OSError, sqlite3.Error) as error:
        sys.exit(f"newsflow: Prefect's template database was not built: {error}")
    if built:
        print(f"prepared Prefect's database once for this environment in {time.perf_counter() - started:.1f} s")
