"""Benchmark: a 200 MB single-line file and a folder of 100,000 small files, through `newsflow run`.

    .venv/bin/python bench/limits.py [--files 100000] [--big-mb 200] [--tmp /tmp] [--only big|many]

Builds two source folders in a temporary folder (under --tmp), from real sentences of
../shared/data (Kazakh KazNERD sentences, Russian corus and German 10kGNAD articles):

  big:  one file of --big-mb MB that is a single line (sentences joined by spaces, no newline),
        next to the 5 seed articles of seeds/;
  many: --files small files of 1 to 3 short paragraphs each, in subfolders of 1,000.

Then runs the real CLI, `newsflow run --source DIR --db DB`, as a subprocess under
`/usr/bin/time -f "%e %M"` and records its wall time, its peak RSS (%M: the largest single
process of the tree, newsflow or the Prefect server it starts) and the peak of the tree's summed
RSS, sampled from /proc every 0.2 s. The big folder runs twice, each into a fresh warehouse: with
the default NEWSFLOW_FILE_MAX_BYTES (32 MiB: the file is quarantined unread) and with
NEWSFLOW_FILE_MAX_BYTES=300000000, so that it is read, decoded and segmented (and then quarantined
for its one over-long paragraph, NEWSFLOW_PARAGRAPH_MAX_CHARS). The many-files folder runs twice
into the same warehouse: the load, then a no-op run. For every run it records the exit code, the
last run's file counts from the warehouse and the quarantine reasons. Writes
bench/results/limits.json (limits-<files>-files-<big-mb>-mb.json for other sizes,
without the part that --only skipped).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BIN = Path(sys.executable).parent
TIME = Path("/usr/bin/time")
PER_FOLDER = 1_000
RAISED_LIMIT = {"NEWSFLOW_FILE_MAX_BYTES": "300000000"}
SAMPLE_S = 0.2
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\s*\n\s*")
LAST_RUN = "SELECT files_seen, files_loaded, files_quarantined, status, message FROM runs ORDER BY run_id DESC LIMIT 1"
REASONS = "SELECT reason, count(*) AS files FROM quarantine GROUP BY reason ORDER BY files DESC, reason LIMIT 5"
PAGE = os.sysconf("SC_PAGE_SIZE")


def sentences() -> dict[str, list[str]]:
    """Real sentences per language, 20 to 300 characters long, in corpus order."""

    def rows(path: Path) -> list[dict]:
        with path.open(encoding="utf-8") as file:  # line by line: the texts hold U+2028
            return [json.loads(line) for line in file if line.strip()]

    def split(texts: list[str]) -> list[str]:
        return [s for text in texts for s in SENTENCE_END.split(text) if 20 <= len(s.strip()) <= 300]

    return {
        "kk": split([r["text"] for r in rows(DATA / "kk-news-sentences-kaznerd" / "sentences.jsonl")]),
        "ru": split([r["text"] for r in rows(DATA / "ru-news-corus-samples" / "docs.jsonl")]),
        "de": split([r["text"] for r in rows(DATA / "de-news-10kgnad-test" / "docs.jsonl")]),
    }


def build_big(folder: Path, pool: dict[str, list[str]], size: int) -> dict:
    """One single-line file of at least `size` bytes (whole sentences, no newline), plus the seeds."""
    folder.mkdir()
    for seed in sorted((REPO / "seeds").iterdir()):
        shutil.copy(seed, folder / seed.name)
    mixed = [s for trio in itertools.zip_longest(*pool.values()) for s in trio if s]
    written, buffer = 0, bytearray()
    with (folder / "big.txt").open("wb") as file:
        for sentence in itertools.cycle(mixed):
            data = (sentence + " ").encode("utf-8")
            if written + len(buffer) + len(data) > size:
                break
            buffer += data
            if len(buffer) >= 2**20:
                file.write(buffer)
                written, buffer = written + len(buffer), bytearray()
        file.write(buffer)
        written += len(buffer)
    return {"big_file_bytes": written, "seeds": len(list((REPO / "seeds").iterdir()))}


def build_many(folder: Path, pool: dict[str, list[str]], files: int) -> dict:
    """`files` small articles, each in one language, of 1 to 3 paragraphs of 1 or 2 sentences."""
    rng = random.Random(20261122)
    languages = list(pool)
    total_bytes = paragraphs = 0
    for number in range(files):
        sub = folder / f"d{number // PER_FOLDER:03d}"
        if number % PER_FOLDER == 0:
            sub.mkdir(parents=True)
        language = languages[number % len(languages)]
        article = [
            " ".join(rng.choice(pool[language]) for _ in range(rng.randint(1, 2))) for _ in range(rng.randint(1, 3))
        ]
        data = ("\n\n".join(article) + "\n").encode("utf-8")
        (sub / f"article_{number:06d}.txt").write_bytes(data)
        total_bytes += len(data)
        paragraphs += len(article)
    return {"files": files, "subfolders": -(-files // PER_FOLDER), "bytes": total_bytes, "paragraphs": paragraphs}


def tree_rss(root: int) -> int:
    """Summed RSS in bytes of `root` and all its descendants now."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
            except (OSError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    rss = 0
    for pid in tree:
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return rss


def watch_tree_rss(process: subprocess.Popen) -> Callable[[], int]:
    """Sample the summed RSS of `process` and its descendants every SAMPLE_S s until it exits.

    Returns a function that waits for the last sample and gives the peak, in bytes.
    """
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    def result() -> int:
        sampler.join()
        return peak[0]

    return result


def run(label: str, source: Path, db: Path, env: dict[str, str], big_name: str | None) -> dict:
    """One `newsflow run` as a subprocess: wall time, peak RSS, exit code and what it left in the warehouse."""
    command = [str(BIN / "newsflow"), "run", "--source", str(source), "--db", str(db)]
    timing = db.with_name(re.sub(r"\W+", "-", label) + ".time")
    timed = [str(TIME), "-o", str(timing), "-f", "%e %M", *command] if TIME.exists() else command
    print(f"{label}: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(timed, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak_tree = watch_tree_rss(process)
    output = process.communicate()[0]
    wall = time.perf_counter() - started
    if TIME.exists() and timing.exists() and timing.read_text().split():
        fields = timing.read_text().split()
        wall, peak_kb = float(fields[-2]), int(fields[-1])
    else:
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    record = {
        "case": label,
        "exit": process.returncode,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "tree_rss_peak_mb_sampled": round(peak_tree() / 2**20),
        "env": {k: v for k, v in env.items() if k.startswith("NEWSFLOW_")},
        "output_tail": output.strip().splitlines()[-15:],
    }
    record |= warehouse_facts(db, big_name)
    print(json.dumps({k: v for k, v in record.items() if k != "output_tail"}, ensure_ascii=False), flush=True)
    if process.returncode:
        print("\n".join(record["output_tail"]), flush=True)
    return record


def warehouse_facts(db: Path, big_name: str | None) -> dict:
    if not db.exists():
        return {"warehouse": "missing"}
    con = duckdb.connect(str(db), read_only=True)
    try:
        seen, loaded, quarantined, status, message = con.execute(LAST_RUN).fetchone()
        facts = {
            "files_seen": seen,
            "files_loaded": loaded,
            "files_quarantined": quarantined,
            "run_status": status,
            "run_message": message,
            "quarantine_reasons": [{"reason": r, "files": n} for r, n in con.execute(REASONS).fetchall()],
            "warehouse_mb": round(db.stat().st_size / 1e6, 1),
        }
        if big_name:
            row = con.execute("SELECT reason FROM quarantine WHERE source_path = ?", [big_name]).fetchone()
            facts["big_file_reason"] = row[0] if row else None
    finally:
        con.close()
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000, help="small files in the many-files folder")
    parser.add_argument("--big-mb", type=int, default=200, help="size of the single-line file, in MB (10^6 bytes)")
    parser.add_argument("--tmp", type=Path, default=Path("/tmp"), help="where to build the folders")
    parser.add_argument("--only", choices=("big", "many"), help="run only one of the two cases")
    parser.add_argument("--keep", action="store_true", help="keep the built folders and warehouses")
    args = parser.parse_args()
    if not DATA.is_dir():
        parser.exit(1, f"{DATA}: the shared corpora are not here; this benchmark needs ../shared/data\n")
    pool = sentences()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSFLOW_", "PREFECT_API_URL"))}
    folder = Path(tempfile.mkdtemp(prefix="newsflow-limits-", dir=args.tmp))
    record: dict = {
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores",
        "sentences": {language: len(texts) for language, texts in pool.items()},
        "peak_rss": "peak_rss_mb: /usr/bin/time %M, the largest single process of the tree; "
        f"tree_rss_peak_mb_sampled: summed RSS of the tree, sampled every {SAMPLE_S} s",
        "runs": [],
    }
    try:
        if args.only in (None, "big"):
            started = time.perf_counter()
            record["big"] = build_big(folder / "big", pool, args.big_mb * 10**6)
            record["big"]["build_s"] = round(time.perf_counter() - started, 1)
            print(f"built {folder / 'big'}: {record['big']}", flush=True)
            for label, extra in (
                ("big file, default file limit", {}),
                ("big file, NEWSFLOW_FILE_MAX_BYTES=300000000", RAISED_LIMIT),
            ):
                db = folder / f"big-{len(record['runs'])}.duckdb"
                record["runs"].append(run(label, folder / "big", db, base_env | extra, "big.txt"))
            if not args.keep:
                shutil.rmtree(folder / "big")
        if args.only in (None, "many"):
            started = time.perf_counter()
            record["many"] = build_many(folder / "many", pool, args.files)
            record["many"]["build_s"] = round(time.perf_counter() - started, 1)
            print(f"built {folder / 'many'}: {record['many']}", flush=True)
            db = folder / "many.duckdb"
            for label in (f"{args.files} small files", f"{args.files} small files, no-op rerun"):
                record["runs"].append(run(label, folder / "many", db, base_env, None))
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    parts = ([f"{args.files}-files"] if "many" in record else []) + ([f"{args.big_mb}-mb"] if "big" in record else [])
    default = args.files == 100_000 and args.big_mb == 200 and args.only is None
    name = "limits.json" if default else f"limits-{'-'.join(parts)}.json"
    out = REPO / "bench" / "results" / name
    out.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
