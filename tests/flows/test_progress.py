"""What a person sees while `newsflow run` works: a live progress bar on a terminal (a real
pseudo-terminal here), one log line per batch and unwrapped lines when the output is piped."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest

from tests.corpus import REPO, SEEDS
from tests.flows.processes import GERMAN_NEWS, NEWSFLOW, needs_german_news

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_on_terminal(args: list[str], env: dict[str, str], columns: int = 120, timeout: float = 300) -> tuple[int, str]:
    """`newsflow` with stdin, stdout and stderr on a pseudo-terminal `columns` wide; its exit status and
    everything it drew, escape sequences removed, each redraw of the bar on a line of its own."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        [str(NEWSFLOW), *args], cwd=REPO, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    drawn, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the terminal closed: the process ended
                    break
                if not chunk:
                    break
                drawn += chunk
            elif process.poll() is not None:
                break
        status = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        os.close(leader)
    return status, ANSI.sub("", drawn.decode("utf-8", errors="replace").replace("\r", "\n"))


@pytest.mark.slow
@needs_german_news
def test_a_terminal_shows_a_live_progress_bar(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for path in sorted(GERMAN_NEWS.iterdir())[:300]:
        shutil.copy(path, articles)
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"TERM": "xterm-256color"}

    status, drawn = run_on_terminal(
        ["run", "--source", str(articles), "--db", str(tmp_path / "w.duckdb")],
        env | {"NEWSFLOW_BATCH_FILES": "50"},
    )

    assert status == 0, drawn
    bars = [line.strip() for line in drawn.splitlines() if " files " in line and " MB " in line]
    # Each redraw: the step, the bar, files and MB read of those to read, MB/s and the time left.
    assert any(
        re.match(r"read +\S+ 150/300 files  0\.\d/0\.8 MB  (\d+\.\d|-) MB/s  ETA (\d:\d\d|-:--)$", b) for b in bars
    )
    assert any(re.search(r"\d+\.\d MB/s", b) for b in bars), bars
    steps = [line.split()[0] for line in drawn.splitlines() if "━━" in line]
    assert {"startup", "read", "validate"} <= set(steps), steps  # quicker steps may fall between two redraws
    assert "batch 1 (" not in drawn  # the bar replaces the per-batch log lines on a terminal
    assert "run 1 completed" in drawn


@pytest.mark.slow
def test_piped_output_is_one_line_per_line_and_a_log_line_per_batch(tmp_path: Path) -> None:
    deep = tmp_path / ("a-folder-with-a-rather-long-name-" * 3) / "articles"
    shutil.copytree(SEEDS, deep)
    db = tmp_path / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"NEWSFLOW_BATCH_FILES": "2"}

    result = subprocess.run(
        [str(NEWSFLOW), "run", "--source", str(deep), "--db", str(db)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert len(first) > 120
    assert first.startswith("run 1 completed in ") and first.endswith(f": {deep} -> {db}"), first
    assert (
        "repeats: inside the same article; copies: of a paragraph kept in an earlier article"
        in result.stdout.splitlines()
    )
    assert [line for line in result.stderr.splitlines() if " - batch " in line][-1].count("batch 3 (") == 1
    assert "━━" not in result.stderr  # no bar where no one watches
