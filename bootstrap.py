"""Set up newsflow's environment from the lock file, then run the main job or the tests.

    python3 bootstrap.py run [newsflow run options]   # ingest seeds/ into warehouse/newsflow.duckdb
    python3 bootstrap.py test [pytest options]        # the whole test suite
    python3 bootstrap.py bench [bench/pipeline.py options]  # benchmarks, with the peer installed

Needs only Python >= 3.11 with venv and pip. It installs uv (pinned) into .bootstrap/, and uv
installs the exact versions of uv.lock into .venv/, with bytecode compiled (an uncompiled
Great Expectations takes ~20 s to import instead of ~6 s). Once per environment it then migrates
an empty Prefect database that every new warehouse's first run starts from (flows/prefect_server.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

UV_VERSION = "0.13.8"
ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".bootstrap"
BIN = "Scripts" if os.name == "nt" else "bin"
COMMANDS = {
    "run": [str(ROOT / ".venv" / BIN / "newsflow"), "run"],
    "test": [str(ROOT / ".venv" / BIN / "python"), "-m", "pytest"],
    "bench": [str(ROOT / ".venv" / BIN / "python"), str(ROOT / "bench" / "pipeline.py")],
}
# Dependency groups beyond the default (dev): the benchmark's peer, datatrove.
GROUPS = {"bench": ["--group", "bench"]}


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if sys.version_info < (3, 11):  # noqa: UP036 - bootstrap runs under whatever python3 the user has
        print(f"bootstrap: newsflow needs Python 3.11 or newer; this is {sys.version.split()[0]}", file=sys.stderr)
        return 2
    uv = TOOLS / BIN / "uv"
    if not uv.exists():
        venv.create(TOOLS, with_pip=True)
        subprocess.run([str(TOOLS / BIN / "python"), "-m", "pip", "install", "-q", f"uv=={UV_VERSION}"], check=True)
    sync = [str(uv), "sync", "--frozen", "--compile-bytecode", "--quiet", "--python", sys.executable]
    subprocess.run(
        [*sync, *GROUPS.get(argv[0], [])],
        cwd=ROOT,
        env=os.environ | {"UV_PROJECT_ENVIRONMENT": str(ROOT / ".venv")},
        check=True,
    )
    python = ROOT / ".venv" / BIN / "python"
    if subprocess.run([str(python), "-m", "flows.prefect_server"], cwd=ROOT).returncode != 0:
        print(
            "bootstrap: Prefect's template database could not be built; runs work, each new one slower", file=sys.stderr
        )
    return subprocess.run([*COMMANDS[argv[0]], *argv[1:]], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
