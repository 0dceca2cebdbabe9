"""Benchmark: what a prepared batch costs as files (tasks/batch_files.py), against the Arrow IPC choices.

    .venv/bin/python bench/batch_files.py [--corpus /tmp/batchfiles-10MB] [--files 500] [--repeat 5]

Prepares the first --files files of a corpus built by bench/corpus.py (one batch of the default
size), then writes and reads that batch --repeat times as the run does (Parquet, zstd level 1), and
as Arrow IPC with lz4 and uncompressed; prints the bytes on disk and the best write and read times.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from flows.settings import DEFAULT_FILE_MAX_BYTES, DEFAULT_LANGUAGES, DEFAULT_PARAGRAPH_MAX_CHARS
from tasks.discover import KNOWN_SCHEMA, list_files, plan_reads
from tasks.prepare import BatchLimits, batch_folder, prepare_to_folder, read_prepared


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/batchfiles-10MB"))
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    plan, _ = plan_reads(list_files(args.corpus).head(args.files), pl.DataFrame(schema=KNOWN_SCHEMA))
    limits = BatchLimits(DEFAULT_FILE_MAX_BYTES, DEFAULT_PARAGRAPH_MAX_CHARS)
    work = Path(tempfile.mkdtemp(prefix="batch-files-"))
    try:
        folder = batch_folder(work, plan, args.corpus, DEFAULT_LANGUAGES, limits)
        prepare_to_folder(plan, args.corpus, DEFAULT_LANGUAGES, limits, folder)
        prepared = read_prepared(folder)
        frames = {name: frame for name, frame in vars(prepared).items() if isinstance(frame, pl.DataFrame)}
        frames |= {f"near_{n}": frame for n, frame in enumerate(prepared.near_signatures)}
        frames |= {f"search_{n}": frame for n, frame in enumerate(prepared.search_terms)}
        megabytes = plan["size_bytes"].sum() / 1e6
        print(
            f"one batch: {plan.height} files, {megabytes:.2f} MB of articles, {prepared.paragraphs.height} paragraphs"
        )

        def parquet_write() -> None:
            for name, frame in frames.items():
                frame.write_parquet(work / f"{name}.parquet", compression="zstd", compression_level=1)

        print(
            f"parquet zstd-1 (the run's): {size_of(folder) / 1e6:.1f} MB on disk, "
            f"write {1000 * best_of(args.repeat, parquet_write):.0f} ms, "
            f"read {1000 * best_of(args.repeat, lambda: read_prepared(folder)):.0f} ms"
        )
        for compression in ("lz4", "uncompressed"):
            ipc = work / compression
            ipc.mkdir()

            def ipc_write(ipc: Path = ipc, compression: str = compression) -> None:
                for name, frame in frames.items():
                    frame.write_ipc(ipc / f"{name}.arrow", compression=compression)

            written = best_of(args.repeat, ipc_write)
            read = best_of(args.repeat, lambda ipc=ipc: [pl.read_ipc(path) for path in ipc.iterdir()])
            print(
                f"arrow ipc {compression}: {size_of(ipc) / 1e6:.1f} MB, "
                f"write {1000 * written:.0f} ms, read {1000 * read:.0f} ms"
            )
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
