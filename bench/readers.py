"""Benchmark: readers during runs, and what publishing by candidate swap costs.

    .venv/bin/python bench/readers.py

Ingests German news articles from ../shared/data/de-news-10kgnad-test/txt with `newsflow run`,
in three runs (half the files, all of them, nothing new), while a reader process queries the
published warehouse every 50 ms. It reports the reader's errors and latency, each run's wall time,
and the two costs the snapshot design adds to a run: copying the warehouse into the candidate and
the atomic swap. Writes bench/results/readers.json.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "data" / "de-news-10kgnad-test" / "txt"
BIN = Path(sys.executable).parent
READER = """
import duckdb, json, sys, time
db, stop = sys.argv[1], sys.argv[2]
from pathlib import Path
latencies, errors = [], []
while not Path(stop).exists():
    started = time.perf_counter()
    try:
        con = duckdb.connect(db, read_only=True)
        con.execute("SELECT count(*), sum(paragraphs_raw) FROM articles").fetchone()
        con.close()
        latencies.append(time.perf_counter() - started)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.05)
print(json.dumps({"latencies": latencies, "errors": errors}))
"""


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS}: the shared corpus is not here; this benchmark needs ../shared/data")
    from warehouse.snapshot import discard, open_candidate, swap_in

    files = sorted(CORPUS.iterdir())
    with tempfile.TemporaryDirectory() as folder:
        source, db, stop = Path(folder) / "articles", Path(folder) / "w.duckdb", Path(folder) / "stop"
        source.mkdir()
        runs = []

        def run(label: str) -> None:
            started = time.perf_counter()
            done = subprocess.run([str(BIN / "newsflow"), "run", "--source", str(source), "--db", str(db)],
                                  capture_output=True, text=True, cwd=REPO)  # fmt: skip
            runs.append({"run": label, "exit": done.returncode, "wall_s": round(time.perf_counter() - started, 2)})

        for path in files[: len(files) // 2]:
            shutil.copy(path, source / path.name)
        run("first half")
        reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE, text=True)
        for path in files[len(files) // 2 :]:
            shutil.copy(path, source / path.name)
        run("second half, reader running")
        run("nothing new, reader running")
        stop.touch()
        seen = json.loads(reader.communicate()[0])

        copies, swaps = [], []
        for _ in range(5):
            started = time.perf_counter()
            candidate = open_candidate(db, "bench")
            copies.append(time.perf_counter() - started)
            started = time.perf_counter()
            swap_in(candidate, db)
            swaps.append(time.perf_counter() - started)
            discard(candidate)
        size_mb = db.stat().st_size / 1e6

    latencies = sorted(seen["latencies"])
    record = {
        "articles": len(files),
        "warehouse_mb": round(size_mb, 1),
        "runs": runs,
        "reader": {
            "queries": len(latencies),
            "errors": len(seen["errors"]),
            "first_errors": seen["errors"][:3],
            "latency_ms_p50": round(1000 * statistics.median(latencies), 1),
            "latency_ms_p99": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
            "latency_ms_max": round(1000 * latencies[-1], 1),
        },
        "candidate_copy_ms_median": round(1000 * statistics.median(copies), 1),
        "swap_ms_median": round(1000 * statistics.median(swaps), 2),
    }
    (REPO / "bench" / "results" / "readers.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
