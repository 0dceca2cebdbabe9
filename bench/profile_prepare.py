"""Profile: where one batch's time goes, step by step and function by function (cProfile).

    .venv/bin/python bench/profile_prepare.py [--corpus /tmp/newsflow-corpus/100MB] [--files 2000]

Runs the real `prepare_batch` (decode, segment, identify language, fingerprint, ...) on the first
--files files of a corpus built by bench/corpus.py, in this process, and prints the milliseconds
of every step and the 15 functions with the most time of their own.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

import polars as pl

from flows.settings import DEFAULT_FILE_MAX_BYTES, DEFAULT_LANGUAGES, DEFAULT_PARAGRAPH_MAX_CHARS
from tasks.discover import KNOWN_SCHEMA, list_files, plan_reads
from tasks.prepare import BatchLimits, prepare_batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/newsflow-corpus/100MB"))
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    plan, _ = plan_reads(list_files(args.corpus).head(args.files), pl.DataFrame(schema=KNOWN_SCHEMA))
    limits = BatchLimits(DEFAULT_FILE_MAX_BYTES, DEFAULT_PARAGRAPH_MAX_CHARS)
    prepare_batch(plan.head(20), args.corpus, DEFAULT_LANGUAGES, limits)  # load the language models first
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    prepared = prepare_batch(plan, args.corpus, DEFAULT_LANGUAGES, limits)
    profile.disable()
    seconds = time.perf_counter() - started
    megabytes = plan["size_bytes"].sum() / 1e6
    print(f"{plan.height} files, {megabytes:.1f} MB, {prepared.paragraphs.height} paragraphs in {seconds:.2f} s")
    milliseconds = {step: value for (step, counter), value in prepared.timings.items() if counter == "milliseconds"}
    print("milliseconds per step:", milliseconds)
    pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
