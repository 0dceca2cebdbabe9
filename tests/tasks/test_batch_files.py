"""Prepared batches as files (tasks/batch_files.py): what the writer reads back is what prepare made,
and a batch's folder is named by everything that decides its content."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from flows.settings import DEFAULT_FILE_MAX_BYTES, DEFAULT_LANGUAGES, DEFAULT_PARAGRAPH_MAX_CHARS
from tasks.batch_files import is_prepared
from tasks.discover import KNOWN_SCHEMA, list_files, plan_reads
from tasks.near_config import NearDupConfig
from tasks.prepare import (
    NEAR_SIGNATURE_FRAMES,
    SEARCH_TERM_FRAMES,
    SINGLE_FRAMES,
    BatchLimits,
    batch_folder,
    prepare_batch,
    prepare_to_folder,
    read_prepared,
)
from tests.corpus import SEEDS

LIMITS = BatchLimits(DEFAULT_FILE_MAX_BYTES, DEFAULT_PARAGRAPH_MAX_CHARS)


def seeds_plan() -> pl.DataFrame:
    plan, _ = plan_reads(list_files(SEEDS), pl.DataFrame(schema=KNOWN_SCHEMA))
    return plan


def test_a_batch_comes_back_from_its_files_as_prepare_made_it(tmp_path: Path) -> None:
    plan = seeds_plan()
    made = prepare_batch(plan, SEEDS, DEFAULT_LANGUAGES, LIMITS)
    folder = prepare_to_folder(plan, SEEDS, DEFAULT_LANGUAGES, LIMITS, tmp_path / "batches" / "one")

    back = read_prepared(folder)

    assert is_prepared(folder)
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [f"{name}.parquet" for name in SINGLE_FRAMES + NEAR_SIGNATURE_FRAMES + SEARCH_TERM_FRAMES] + ["steps.json"]
    )
    # Every column, dtype and row (two prepares of a batch may order the rows of a step's output differently).
    assert_frame_equal(back.outcomes, made.outcomes.drop("text"), check_row_order=False)  # the writer reads no text
    for name in SINGLE_FRAMES[1:]:
        assert_frame_equal(getattr(back, name), getattr(made, name), check_row_order=False)
    for frames in ("near_signatures", "search_terms"):
        for made_frame, back_frame in zip(getattr(made, frames), getattr(back, frames), strict=True):
            assert_frame_equal(back_frame, made_frame, check_row_order=False)
    # The counts are the same; the times are those of the run that wrote the folder.
    assert [(r.step, r.total, r.kept, r.dropped, r.counts) for r in back.steps] == [
        (r.step, r.total, r.kept, r.dropped, r.counts) for r in made.steps
    ]
    assert all(report.milliseconds is not None for report in back.steps)


def test_a_batch_folder_is_named_by_its_files_the_settings_and_the_code(tmp_path: Path) -> None:
    plan = seeds_plan()
    named = batch_folder(tmp_path, plan, SEEDS, DEFAULT_LANGUAGES, LIMITS)

    assert batch_folder(tmp_path, plan, SEEDS, DEFAULT_LANGUAGES, LIMITS) == named
    touched = plan.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.col("mtime_ns") + 1).otherwise("mtime_ns"))
    others = [
        batch_folder(tmp_path, touched, SEEDS, DEFAULT_LANGUAGES, LIMITS),
        batch_folder(tmp_path, plan.head(4), SEEDS, DEFAULT_LANGUAGES, LIMITS),
        batch_folder(tmp_path, plan, SEEDS.parent, DEFAULT_LANGUAGES, LIMITS),
        batch_folder(tmp_path, plan, SEEDS, ("de", "ru"), LIMITS),
        batch_folder(tmp_path, plan, SEEDS, DEFAULT_LANGUAGES, replace(LIMITS, paragraph_max_chars=100)),
        batch_folder(tmp_path, plan, SEEDS, DEFAULT_LANGUAGES, replace(LIMITS, near=NearDupConfig(jaccard=0.5))),
    ]
    assert named not in others and len(set(others)) == len(others)


def test_a_folder_written_halfway_is_not_a_prepared_batch(tmp_path: Path) -> None:
    half = tmp_path / "batch"
    half.mkdir()
    seeds_plan().write_parquet(half / "outcomes.parquet")  # killed before the reports, which are written last

    assert not is_prepared(half)
