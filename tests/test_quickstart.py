"""The README's first Quick start command, run the way a newcomer runs it: in a clean copy."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.corpus import REPO

pytestmark = pytest.mark.slow


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\n+```(?:sh|bash)?\n(.*?)```", readme, flags=re.DOTALL)
    assert block, "README has no Quick start block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.split("#")[0].strip()]


def test_quick_start_is_two_commands() -> None:
    commands = quick_start_commands()
    assert commands == ["python3 bootstrap.py run", "python3 bootstrap.py test"]


def test_first_quick_start_command_builds_the_warehouse_from_a_clean_copy(tmp_path: Path) -> None:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    copy = tmp_path / "newsflow"
    for name in filter(None, tracked.decode().split("\0")):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, copy / name)
    first = quick_start_commands()[0].split()
    assert first[0] == "python3"

    python3 = shutil.which("python3") or sys.executable
    result = subprocess.run([python3, *first[1:]], cwd=copy, capture_output=True, text=True, timeout=900)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "run 1 completed" in result.stdout
    con = duckdb.connect(str(copy / "warehouse" / "newsflow.duckdb"), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT language) FROM articles").fetchone() == (5, 3)
    con.close()
