"""Prepared batches as files: what a prepare task hands the writer, and what a killed run leaves to resume from.

Each prepared batch is a folder of Parquet files (one per frame, tasks/prepare.py `PreparedBatch`)
and `steps.json` (its StepReports), under `<db>.batches/<key>/`, beside the warehouse. The key is a
hash of everything that decides what preparing the batch gives: its files as discover planned them
(path, size, mtime, and what the warehouse knew of them), the source folder, the settings prepare
reads (languages, limits, near-duplicate config) and the code that prepares (the sources of tasks/
and warehouse/, and the versions of the libraries it calls). A batch folder appears whole or not at all (written
under a temporary name, then renamed), so one that exists is a batch prepared: a run that finds its
key there takes it as it is, and one killed after some batches resumes from them. The folder goes
when a run ends by itself (published or failed); a run killed or cancelled leaves it for the next.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import polars as pl
import xxhash

from tasks.steps import StepReport
from warehouse.space import NO_SPACE, NoSpaceError, out_of_space

# The libraries whose answers prepare keeps: a new version may decode, identify or sign differently.
PREPARE_LIBRARIES = (
    "polars", "lingua-language-detector", "pycld2", "charset-normalizer", "ftfy", "pystemmer", "xxhash",
    "numpy",
)  # fmt: skip
# The code prepare runs: tasks/ and the warehouse modules it borrows from (search.py's tokenizer). Any
# change there, even one that does not touch preparing, makes the batches of a stopped run stale: that
# only costs preparing them again.
SOURCE_FOLDERS = (Path(__file__).parent, Path(__file__).parent.parent / "warehouse")
STEPS_FILE = "steps.json"
# Parquet, zstd at its fastest level: a batch of 500 articles (1.4 MB) is 2.4 MB on disk, written in
# 90 ms and read in 20 ms; Arrow IPC takes 4.4 MB with lz4, 9.2 MB uncompressed (bench/batch_files.py).
COMPRESSION_LEVEL = 1


def batches_folder(db: Path) -> Path:
    """The folder of the prepared batches of the run that writes `db`, or that was stopped before it ended."""
    return db.with_name(f"{db.name}.batches")


@functools.cache
def code_version() -> str:
    """A hash of the code that prepares a batch: the sources and data files of SOURCE_FOLDERS, and the
    libraries' versions. Read once per process."""
    digest = xxhash.xxh3_128()
    for folder in SOURCE_FOLDERS:
        for path in sorted(folder.iterdir()):
            if path.suffix in (".py", ".json"):
                digest.update(f"{folder.name}/{path.name}".encode() + b"\0" + path.read_bytes() + b"\0")
    for library in PREPARE_LIBRARIES:
        try:
            digest.update(f"{library}=={version(library)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{library} absent\0".encode())
    return digest.hexdigest()


def batch_key(batch: pl.DataFrame, root: Path, settings: dict[str, object]) -> str:
    """What names a prepared batch: a hash of its planned files, the source folder, the settings prepare
    reads (`settings`, JSON-able) and the code that prepares."""
    digest = xxhash.xxh3_128()
    digest.update(json.dumps({"root": str(root), "settings": settings, "code": code_version()}, default=str).encode())
    digest.update(batch.write_json().encode())
    return digest.hexdigest()


def is_prepared(folder: Path) -> bool:
    """Whether the batch at `folder` was written whole (a partial one never has its final name)."""
    return (folder / STEPS_FILE).is_file()


def write_frames(folder: Path, frames: dict[str, pl.DataFrame], steps: list[StepReport]) -> Path:
    """Write a prepared batch's frames and reports as the batch folder `folder`, all at once; returns it."""
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        for name, frame in frames.items():
            frame.write_parquet(partial / f"{name}.parquet", compression="zstd", compression_level=COMPRESSION_LEVEL)
        (partial / STEPS_FILE).write_text(json.dumps([report.as_json() for report in steps]))
    except Exception as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if out_of_space(exc):  # Polars' error names no file: say which, and what to do
            where = folder.parent
            raise NoSpaceError(
                f"{where.parent}: no space left on device: writing the prepared batch {where.name}/{folder.name} "
                f"({NO_SPACE}); make room there, or choose another --db"
            ) from exc
        raise
    shutil.rmtree(folder, ignore_errors=True)  # a retried task may find its own first attempt
    partial.rename(folder)
    return folder


def read_frames(folder: Path, names: tuple[str, ...]) -> tuple[dict[str, pl.DataFrame], list[StepReport]]:
    """The frames `names` and the reports of the batch folder `folder`."""
    frames = {name: pl.read_parquet(folder / f"{name}.parquet") for name in names}
    steps = [StepReport.from_json(report) for report in json.loads((folder / STEPS_FILE).read_text())]
    return frames, steps


def discard_batches(db: Path) -> None:
    """Remove the prepared batches of `db`'s runs: once a run has ended they are of no use."""
    shutil.rmtree(batches_folder(db), ignore_errors=True)
