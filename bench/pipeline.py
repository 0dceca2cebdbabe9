"""Benchmark: `newsflow run` end to end on generated news corpora, side by side with datatrove.

    python3 bootstrap.py bench --sizes 10MB,100MB,1GB
    # or, with the bench group installed (uv sync --group bench): .venv/bin/python bench/pipeline.py ...

For each size, on a scratch copy of the deterministic corpus (bench/corpus.py, built into
--corpora once and reused):
  1. full:   `newsflow run` into a new warehouse: wall time and peak RSS (GNU time), and the time
             of every step as the run recorded it (`run_steps`, counter `milliseconds`);
  2. no-op:  the same command again, nothing changed;
  3. change: after 1% of the files changed;
  4. peer:   datatrove's exact paragraph dedup of the same folder (bench/peer_datatrove.py).
Prints a table, checks the targets of issue 14 and writes bench/results/pipeline-<sizes>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
NEWSFLOW = Path(sys.executable).with_name("newsflow")
# The targets of issue 14, checked at the largest size measured.
TARGET_PEER_RATIO = 2.0
TARGET_NOOP_SECONDS = 3.0
TARGET_CHANGE_SECONDS = 10.0
TARGET_PEAK_RSS_MB = 1536
TARGET_RSS_GROWTH = 0.20  # the largest size's peak RSS against the smallest's
STEP_TIMES = """
SELECT step, value FROM run_steps
WHERE run_id = (SELECT max(run_id) FROM runs) AND counter = 'milliseconds'
ORDER BY value DESC
"""
RUN_ROW = """
SELECT files_seen, files_loaded, files_unchanged, files_quarantined, paragraphs_read, paragraphs_unique, status,
       epoch(finished_at - started_at)
FROM runs ORDER BY run_id DESC LIMIT 1
"""


def corpus(size: str, corpora: Path) -> Path:
    folder = corpora / size
    if not folder.is_dir():
        subprocess.run([sys.executable, str(REPO / "bench" / "corpus.py"), "--size", size, "--out", str(folder)],
                       check=True)  # fmt: skip
    return folder


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def newsflow_run(source: Path, db: Path, env: dict[str, str]) -> dict:
    """One `newsflow run`, timed from outside; with the run's own record of its steps.

    A run with nothing new records no run (flows/unchanged.py): its counts come from its output.
    """
    from limits import watch_tree_rss  # bench/ is this script's folder, first on sys.path

    timing = db.with_suffix(".time")
    started = time.perf_counter()
    process = subprocess.Popen(
        ["/usr/bin/time", "-f", "%e %M", "-o", str(timing), str(NEWSFLOW), "run", "--source", str(source), "--db",
         str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )  # fmt: skip
    peak_tree = watch_tree_rss(process)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"newsflow run failed ({process.returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    _, max_rss_kb = timing.read_text().split()[-2:]
    measured = {
        "seconds": round(wall, 2),
        "peak_rss_mb": round(int(max_rss_kb) / 1024),  # the largest single process (GNU time)
        "tree_rss_peak_mb": round(peak_tree() / 2**20),  # newsflow and the Prefect server, summed
        "warehouse_mb": round(db.stat().st_size / 2**20),
    }
    if stdout.startswith("nothing changed"):
        return measured | {"skipped": True, "summary": stdout.splitlines()[:3]}
    con = duckdb.connect(str(db), read_only=True)
    try:
        steps = dict(con.execute(STEP_TIMES).fetchall())
        seen, loaded, unchanged, quarantined, read, unique, status, flow_seconds = con.execute(RUN_ROW).fetchone()
    finally:
        con.close()
    return measured | {
        "flow_seconds": round(flow_seconds, 2),  # the run's own start to end, without process start-up
        "steps_ms": steps,
        "files_seen": seen,
        "files_loaded": loaded,
        "files_unchanged": unchanged,
        "files_quarantined": quarantined,
        "paragraphs_read": read,
        "paragraphs_unique": unique,
        "status": status,
    }


def bench_size(size: str, corpora: Path, scratch: Path, env: dict[str, str], peer: bool) -> dict:
    from corpus import mutate  # bench/ is this script's folder, first on sys.path

    source = scratch / size
    shutil.copytree(corpus(size, corpora), source)
    megabytes = folder_bytes(source) / 1e6
    db = scratch / f"{size}.duckdb"
    row: dict = {"size": size, "megabytes": round(megabytes, 1)}
    print(f"[{size}] full run ...", flush=True)
    row["full"] = newsflow_run(source, db, env)
    print(f"[{size}] no-op run ...", flush=True)
    row["noop"] = newsflow_run(source, db, env)
    changed = mutate(source, 0.01, seed=1)
    print(f"[{size}] run after {len(changed)} files changed ...", flush=True)
    row["change_1pct"] = newsflow_run(source, db, env) | {"files_changed": len(changed)}
    row["full"]["mb_per_s"] = round(megabytes / row["full"]["seconds"], 2)
    row["full"]["s_per_mb"] = round(row["full"]["seconds"] / megabytes, 4)
    row["full"]["flow_s_per_mb"] = round(row["full"]["flow_seconds"] / megabytes, 4)
    if peer:
        from peer_datatrove import run_datatrove

        print(f"[{size}] datatrove ...", flush=True)
        shutil.rmtree(source)
        shutil.copytree(corpus(size, corpora), source)  # the same bytes newsflow read first
        row["peer"] = run_datatrove(source, scratch / f"datatrove-{size}")
        row["peer"]["mb_per_s"] = round(megabytes / row["peer"]["seconds"], 2)
        row["full_vs_peer"] = round(row["full"]["mb_per_s"] / row["peer"]["mb_per_s"], 2)
    shutil.rmtree(source)
    return row


def targets(rows: list[dict]) -> list[tuple[str, bool | None, str]]:
    """(target, met, measured) for the targets of issue 14, at the largest size measured."""
    largest = max(rows, key=lambda r: r["megabytes"])
    smallest = min(rows, key=lambda r: r["megabytes"])
    at = largest["size"]
    checks = []
    if "full_vs_peer" in largest:
        ratio = largest["full_vs_peer"]
        checks.append((f"full pipeline >= {TARGET_PEER_RATIO:g}x datatrove exact dedup at {at}",
                       ratio >= TARGET_PEER_RATIO, f"{ratio}x"))  # fmt: skip
    noop, change = largest["noop"], largest["change_1pct"]
    skipped = noop.get("skipped", False)
    checks.append((f"no-op re-run < {TARGET_NOOP_SECONDS:g} s at {at}",
                   noop["seconds"] < TARGET_NOOP_SECONDS and skipped,
                   f"{noop['seconds']} s command to prompt" + (", skipped" if skipped else "")))  # fmt: skip
    checks.append((f"re-run after 1% changed < {TARGET_CHANGE_SECONDS:g} s at {at}",
                   change["seconds"] < TARGET_CHANGE_SECONDS, f"{change['seconds']} s command to prompt"))  # fmt: skip
    runs = ("full", "noop", "change_1pct")

    def tree_peak(row: dict) -> int:
        return max(row[k]["tree_rss_peak_mb"] for k in runs)

    tree, process = tree_peak(largest), max(largest[k]["peak_rss_mb"] for k in runs)
    checks.append((f"peak RSS of the process tree < {TARGET_PEAK_RSS_MB} MB at {at}", tree < TARGET_PEAK_RSS_MB,
                   f"{tree} MB the tree, {process} MB its largest process"))  # fmt: skip
    if smallest is not largest:
        base = tree_peak(smallest)
        growth = tree / base - 1
        checks.append((f"peak RSS at {at} within {TARGET_RSS_GROWTH:.0%} of {smallest['size']}'s",
                       growth <= TARGET_RSS_GROWTH, f"{growth:+.0%} ({tree} against {base} MB)"))  # fmt: skip
    return checks


def print_table(rows: list[dict]) -> None:
    print(f"\n{'size':>6} {'MB':>7} {'full s':>8} {'flow s':>7} {'MB/s':>6} {'RSS MB':>7} {'tree MB':>7} "
          f"{'no-op s':>8} {'1% s':>7} {'peer s':>7} {'peer MB/s':>9} {'ratio':>6}")  # fmt: skip
    for r in rows:
        peer = r.get("peer", {})
        print(f"{r['size']:>6} {r['megabytes']:>7} {r['full']['seconds']:>8} {r['full']['flow_seconds']:>7} "
              f"{r['full']['mb_per_s']:>6} {r['full']['peak_rss_mb']:>7} {r['full']['tree_rss_peak_mb']:>7} "
              f"{r['noop']['seconds']:>8} {r['change_1pct']['seconds']:>7} "
              f"{peer.get('seconds', '-'):>7} {peer.get('mb_per_s', '-'):>9} "
              f"{r.get('full_vs_peer', '-'):>6}")  # fmt: skip
    for r in rows:
        steps = ", ".join(f"{step} {ms / 1000:.1f}" for step, ms in r["full"]["steps_ms"].items())
        print(f"{r['size']} full run, seconds per step: {steps}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10MB,100MB", help="comma-separated: 10MB, 100MB, 1GB")
    parser.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()) / "newsflow-corpus")
    parser.add_argument("--no-peer", action="store_true", help="skip datatrove")
    parser.add_argument("--dask", default="", help="NEWSFLOW_DASK_ADDRESS for the runs (e.g. local)")
    args = parser.parse_args()
    env = os.environ | {"NEWSFLOW_DASK_ADDRESS": args.dask}
    sizes = args.sizes.split(",")
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as scratch:
        rows = [bench_size(size, args.corpora, Path(scratch), env, peer=not args.no_peer) for size in sizes]
    print_table(rows)
    checks = targets(rows)
    for target, met, measured in checks:
        print(f"{'MET ' if met else 'GAP '} {target}: {measured}")
    result = {
        "machine": {"host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "command": " ".join(sys.argv),
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
        "runner": args.dask or "threads",
        "rows": rows,
        "targets": [{"target": t, "met": m, "measured": v} for t, m, v in checks],
    }
    out = REPO / "bench" / "results" / f"pipeline-{'-'.join(sizes)}{'-dask' if args.dask else ''}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
