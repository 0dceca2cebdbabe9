"""Benchmark: what a re-run costs, command to prompt, when nothing changed and when 1% of the files did (issue 14.4).

    .venv/bin/python bench/corpus.py --size 100MB --out /tmp/incr/100MB
    .venv/bin/python bench/rerun.py --corpus /tmp/incr/100MB --work /tmp/incr/rerun --label after

On a scratch copy of the corpus (`<work>/articles`, kept between invocations with its warehouse
`<work>/w.duckdb`, so a second invocation skips the full run), as `newsflow run` subprocesses:
  1. full:   the first run, if the warehouse is not there yet;
  2. no-op:  nothing changed (`--rounds` times);
  3. change: per round, 1% of the files changed the ways a news folder changes: half of them touched
             (a new mtime, the same bytes), half edited (a paragraph appended, bench/corpus.py's mutate),
             plus a few new files (copies of edited ones under new names) and a few deleted;
     then a no-op again.
Each run: wall time and peak RSS (GNU time), the summed RSS of the process tree, the run's own time
inside the flow and every step's milliseconds (`run_steps`). `--newsflow` runs another build of the
command (e.g. the code before a change, for a before/after pair on the same corpus). Writes
bench/results/rerun-<label>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from pipeline import STEP_TIMES  # bench/ is on the path when a bench script runs

REPO = Path(__file__).resolve().parent.parent
NEWSFLOW = Path(sys.executable).with_name("newsflow")
TARGET_NOOP_SECONDS = 3.0
TARGET_CHANGE_SECONDS = 10.0
CHANGED_FRACTION = 0.01
# New and deleted files per round, beside the 1% touched or edited.
ADDED, DELETED = 5, 5
RUN_ROW = """
SELECT run_id, status, files_seen, files_loaded, files_unchanged, files_quarantined, files_deleted,
       paragraphs_read, epoch(finished_at - started_at)
FROM runs ORDER BY run_id DESC LIMIT 1
"""
RUN_COLUMNS = ("run_id", "status", "files_seen", "files_loaded", "files_unchanged", "files_quarantined",
               "files_deleted", "paragraphs_read", "flow_seconds")  # fmt: skip


def newsflow_run(command: list[str], source: Path, db: Path) -> dict:
    """One `newsflow run`, timed from outside, with the run's own record of its steps."""
    from limits import watch_tree_rss  # bench/ is this script's folder, first on sys.path

    timing = db.with_name("run.time")
    started = time.perf_counter()
    process = subprocess.Popen(
        ["/usr/bin/time", "-f", "%e %M", "-o", str(timing), *command, "run", "--source", str(source), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    peak_tree = watch_tree_rss(process)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"newsflow run failed ({process.returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    measured = {
        "seconds": round(wall, 2),
        "peak_rss_mb": round(int(timing.read_text().split()[-1]) / 1024),
        "tree_rss_peak_mb": round(peak_tree() / 2**20),
        "warehouse_mb": round(db.stat().st_size / 2**20),
    }
    if stdout.startswith("nothing changed"):
        return measured | {"skipped": True}
    con = duckdb.connect(str(db), read_only=True)
    try:
        steps = dict(con.execute(STEP_TIMES).fetchall())
        row = dict(zip(RUN_COLUMNS, con.execute(RUN_ROW).fetchone(), strict=True))
    finally:
        con.close()
    return measured | row | {"flow_seconds": round(row["flow_seconds"], 2), "steps_ms": steps}


def change_files(folder: Path, seed: int) -> dict[str, int]:
    """Touch half of 1% of the files, edit the other half, add ADDED files and delete DELETED ones."""
    from corpus import mutate  # bench/ is this script's folder, first on sys.path

    files = sorted(folder.rglob("*.txt"))
    rng = random.Random(seed)
    chosen = rng.sample(files, round(CHANGED_FRACTION * len(files)) + DELETED)
    touched, deleted = chosen[: len(chosen) // 2], chosen[-DELETED:]
    now = time.time_ns()
    for path in touched:
        os.utime(path, ns=(now, now))
    for path in deleted:
        path.unlink()
    edited = mutate(folder, CHANGED_FRACTION / 2, seed)
    for n, path in enumerate(edited[:ADDED]):
        shutil.copyfile(path, path.with_name(f"added-{seed}-{n}.txt"))
    return {"touched": len(touched), "edited": len(edited), "added": ADDED, "deleted": len(deleted)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a folder built by bench/corpus.py")
    parser.add_argument("--work", type=Path, required=True, help="scratch folder: the copy and its warehouse")
    parser.add_argument("--newsflow", default=str(NEWSFLOW), help="the command to run (default: this venv's)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--label", default="run")
    args = parser.parse_args()
    command = shlex.split(args.newsflow)
    source, db = args.work / "articles", args.work / "w.duckdb"
    runs: dict[str, dict] = {}
    if not db.exists():
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(args.corpus, source)
        print("full run ...", flush=True)
        runs["full"] = newsflow_run(command, source, db)
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}: no-op ...", flush=True)
        runs[f"noop-{round_number}"] = newsflow_run(command, source, db)
        seed = int(time.time())
        changed = change_files(source, seed)
        print(f"round {round_number}: after {changed} ...", flush=True)
        runs[f"change-{round_number}"] = newsflow_run(command, source, db) | {"changed": changed, "seed": seed}
    for name, run in runs.items():
        steps = ", ".join(f"{step} {ms / 1000:.1f}" for step, ms in run.get("steps_ms", {}).items())
        flow = f"flow {run['flow_seconds']} s; " if "flow_seconds" in run else ""
        print(f"{name:>9}: {run['seconds']:>6} s, {run['tree_rss_peak_mb']} MB tree; {flow}{steps}")
    noops = [run["seconds"] for name, run in runs.items() if name.startswith("noop")]
    changes = [run["seconds"] for name, run in runs.items() if name.startswith("change")]
    print(f"{'MET ' if max(noops) < TARGET_NOOP_SECONDS else 'GAP '} no-op re-run < {TARGET_NOOP_SECONDS:g} s: {noops}")
    print(f"{'MET ' if max(changes) < TARGET_CHANGE_SECONDS else 'GAP '} 1%-changed re-run < "
          f"{TARGET_CHANGE_SECONDS:g} s: {changes}")  # fmt: skip
    result = {
        "machine": {
            "host": platform.node(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
        "command": " ".join(sys.argv),
        "newsflow": args.newsflow,
        "corpus": str(args.corpus),
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
        "runs": runs,
    }
    out = REPO / "bench" / "results" / f"rerun-{args.label}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
