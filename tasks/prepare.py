"""Prepare: one batch of files, from bytes to language-labelled, fingerprinted paragraphs.

    decode -> segment -> identify language -> fingerprint -> near-duplicate signature -> search terms
           -> boilerplate hints -> credits

Pure functions over Polars frames, as one Prefect task per batch: batches are independent, so the
flow submits them to its task runner and they run side by side (threads by default, the workers
of a Dask cluster when one is configured: flows/task_runner.py). Each step's time is kept, so a
run records where its time went.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.boilerplate import hint_boilerplate
from tasks.credits import find_credits
from tasks.decode import decode_files
from tasks.fingerprint import fingerprint_paragraphs
from tasks.language import identify_languages
from tasks.near_config import NearDupConfig
from tasks.near_signature import sign_paragraphs
from tasks.search_terms import tokenize_paragraphs
from tasks.segment import segment_loaded


@dataclass(frozen=True)
class BatchLimits:
    file_max_bytes: int
    paragraph_max_chars: int
    near: NearDupConfig = field(default_factory=NearDupConfig)


@dataclass
class PreparedBatch:
    outcomes: pl.DataFrame  # one row per file: loaded, unchanged or quarantined
    paragraphs: pl.DataFrame  # document_id, position, text, language, paragraph_id, boilerplate_hint
    headers: pl.DataFrame  # document_id, title, dateline_place, agency, published_on
    document_languages: pl.DataFrame  # document_id, language
    # (paragraph_id, words, numbers), (paragraph_id, band_key), (paragraph_id, prefix_key)
    near_signatures: tuple[pl.DataFrame, ...] = ()
    # (variant, paragraph_id, language, document_id, position, terms), (variant, term, tf): tasks/search_terms.py
    search_terms: tuple[pl.DataFrame, ...] = ()
    credits: pl.DataFrame = field(default_factory=pl.DataFrame)  # document_id, agency, evidence
    # (step, counter) -> value, recorded in run_steps: each step's "milliseconds", and counts a step reports
    timings: Counter[tuple[str, str]] = field(default_factory=Counter)


@contextmanager
def timed(counters: Counter[tuple[str, str]], step: str) -> Iterator[None]:
    """Add the time the block takes to the step's `milliseconds` counter (recorded in run_steps)."""
    started = time.perf_counter()
    yield
    counters[step, "milliseconds"] += round(1000 * (time.perf_counter() - started))


def prepare_batch(batch: pl.DataFrame, root: Path, languages: tuple[str, ...], limits: BatchLimits) -> PreparedBatch:
    empty = pl.DataFrame()
    prepared = PreparedBatch(empty, empty, empty, empty)
    with timed(prepared.timings, "decode"):
        outcomes = decode_files(batch, root, limits.file_max_bytes)
    with timed(prepared.timings, "segment"):
        prepared.outcomes, paragraphs, prepared.headers = segment_loaded(outcomes, limits.paragraph_max_chars)
    with timed(prepared.timings, "identify_language"):
        paragraphs, prepared.document_languages, decided_by = identify_languages(paragraphs, languages)
    # How many distinct paragraphs each means decided (run_steps): the model's share is the step's cost.
    prepared.timings.update({("identify_language", f"decided_by_{means}"): n for means, n in decided_by.items()})
    with timed(prepared.timings, "fingerprint"):
        prepared.paragraphs = fingerprint_paragraphs(paragraphs)
    with timed(prepared.timings, "near_signature"):
        prepared.near_signatures = sign_paragraphs(prepared.paragraphs, limits.near)
    with timed(prepared.timings, "search_terms"):
        prepared.search_terms = tokenize_paragraphs(prepared.paragraphs)
    with timed(prepared.timings, "boilerplate"):
        prepared.paragraphs = hint_boilerplate(prepared.paragraphs)
    with timed(prepared.timings, "credits"):
        prepared.credits = find_credits(prepared.paragraphs)
    return prepared


# Reading files is the step that meets flaky storage (network mounts): retry the batch, which is
# pure and can run again from scratch.
prepare = task(name="prepare", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)(prepare_batch)
