"""Prepare: one batch of files, from bytes to language-labelled, fingerprinted paragraphs, written as files.

    decode -> segment -> identify language -> fingerprint -> near-duplicate signature -> search terms
           -> boilerplate hints -> credits -> the batch's folder (tasks/batch_files.py)

Pure functions over Polars frames, as one Prefect task per batch: batches are independent, so the
flow submits them to its task runner and they run side by side (threads by default, the workers
of a Dask cluster when one is configured: flows/task_runner.py). The task's input is the batch's
list of files, its output a folder of Parquet files that the writer reads (stage); what crosses the
task boundary is that folder's path, never the frames. Each step reports what it counted and how
long it took (tasks/steps.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch_files import batch_key, read_frames, write_frames
from tasks.boilerplate import hint_boilerplate
from tasks.credits import find_credits
from tasks.decode import decode_files
from tasks.fingerprint import fingerprint_paragraphs
from tasks.language import identify_languages
from tasks.near_config import NearDupConfig
from tasks.near_signature import sign_paragraphs
from tasks.search_terms import tokenize_paragraphs
from tasks.segment import segment_loaded
from tasks.steps import StepReport, timed

# The frames of a prepared batch, as its folder names them: the single ones, then the parts of a tuple.
SINGLE_FRAMES = ("outcomes", "paragraphs", "headers", "document_languages", "credits")
NEAR_SIGNATURE_FRAMES = ("near_words", "near_bands", "near_prefixes")
SEARCH_TERM_FRAMES = ("search_paragraphs", "search_terms")


@dataclass(frozen=True)
class BatchLimits:
    file_max_bytes: int
    paragraph_max_chars: int
    near: NearDupConfig = field(default_factory=NearDupConfig)


@dataclass
class PreparedBatch:
    outcomes: pl.DataFrame  # one row per file: loaded, unchanged or quarantined (its text only until written)
    paragraphs: pl.DataFrame  # document_id, position, text, language, paragraph_id, boilerplate_hint
    headers: pl.DataFrame  # document_id, title, dateline_place, agency, published_on
    document_languages: pl.DataFrame  # document_id, language
    # (paragraph_id, words, numbers), (paragraph_id, band_key), (paragraph_id, prefix_key)
    near_signatures: tuple[pl.DataFrame, ...] = ()
    # (variant, paragraph_id, language, document_id, position, terms), (variant, term, tf): tasks/search_terms.py
    search_terms: tuple[pl.DataFrame, ...] = ()
    credits: pl.DataFrame = field(default_factory=pl.DataFrame)  # document_id, agency, evidence
    steps: list[StepReport] = field(default_factory=list)  # what each step counted, for run_steps


def prepare_batch(batch: pl.DataFrame, root: Path, languages: tuple[str, ...], limits: BatchLimits) -> PreparedBatch:
    empty = pl.DataFrame()
    prepared = PreparedBatch(empty, empty, empty, empty)
    clock: Counter[tuple[str, str]] = Counter()
    with timed(clock, "decode"):
        outcomes = decode_files(batch, root, limits.file_max_bytes)
    with timed(clock, "segment"):
        prepared.outcomes, paragraphs, prepared.headers = segment_loaded(outcomes, limits.paragraph_max_chars)
    with timed(clock, "identify_language"):
        paragraphs, prepared.document_languages, decided_by = identify_languages(paragraphs, languages)
    with timed(clock, "fingerprint"):
        prepared.paragraphs = fingerprint_paragraphs(paragraphs)
    with timed(clock, "near_signature"):
        prepared.near_signatures = sign_paragraphs(prepared.paragraphs, limits.near)
    with timed(clock, "search_terms"):
        prepared.search_terms = tokenize_paragraphs(prepared.paragraphs)
    with timed(clock, "boilerplate"):
        prepared.paragraphs = hint_boilerplate(prepared.paragraphs)
    with timed(clock, "credits"):
        prepared.credits = find_credits(prepared.paragraphs)
    prepared.steps = batch_reports(prepared, decided_by, clock)
    return prepared


def batch_reports(
    prepared: PreparedBatch, decided_by: dict[str, int], clock: Counter[tuple[str, str]]
) -> list[StepReport]:
    """What each step of one batch counted: the files decoded and what became of them, the paragraphs cut,
    their languages and (of distinct paragraphs) which means decided them, and each step's time."""
    outcomes, paragraphs = prepared.outcomes, prepared.paragraphs
    statuses = dict(outcomes.group_by("status").len().iter_rows())
    loaded = outcomes.filter(pl.col("status") == "loaded")
    encodings = {f"encoding {encoding}": n for encoding, n in loaded.group_by("encoding").len().iter_rows()}
    languages = dict(paragraphs.group_by("language").len().iter_rows())
    ms = {step: n for (step, _), n in clock.items()}
    named = [
        StepReport(
            "decode", total=outcomes.height, kept=statuses.pop("loaded", 0), dropped=statuses,
            counts=encodings | {"repaired": loaded["repairs"].is_not_null().sum()}, milliseconds=ms.pop("decode"),
        ),
        StepReport("segment", kept=paragraphs.height, milliseconds=ms.pop("segment")),
        # How many distinct paragraphs each means decided: the model's share is the step's cost.
        StepReport(
            "identify_language", total=paragraphs.height,
            counts=languages | {f"decided_by_{means}": n for means, n in decided_by.items()},
            milliseconds=ms.pop("identify_language"),
        ),
    ]  # fmt: skip
    return named + [StepReport(step, milliseconds=milliseconds) for step, milliseconds in ms.items()]


def prepare_to_folder(
    batch: pl.DataFrame, root: Path, languages: tuple[str, ...], limits: BatchLimits, folder: Path
) -> Path:
    """Prepare `batch` and write it as the batch folder `folder` (tasks/batch_files.py); returns the folder."""
    prepared = prepare_batch(batch, root, languages, limits)
    frames = {name: getattr(prepared, name) for name in SINGLE_FRAMES}
    # The writer takes the text from the paragraphs; the whole article's would double the batch's size.
    frames["outcomes"] = prepared.outcomes.drop("text", strict=False)
    frames |= dict(zip(NEAR_SIGNATURE_FRAMES, prepared.near_signatures, strict=True))
    frames |= dict(zip(SEARCH_TERM_FRAMES, prepared.search_terms, strict=True))
    return write_frames(folder, frames, prepared.steps)


def read_prepared(folder: Path) -> PreparedBatch:
    """A prepared batch, back from its folder."""
    frames, steps = read_frames(folder, SINGLE_FRAMES + NEAR_SIGNATURE_FRAMES + SEARCH_TERM_FRAMES)
    return PreparedBatch(
        **{name: frames[name] for name in SINGLE_FRAMES},
        near_signatures=tuple(frames[name] for name in NEAR_SIGNATURE_FRAMES),
        search_terms=tuple(frames[name] for name in SEARCH_TERM_FRAMES),
        steps=steps,
    )


def batch_folder(
    batches: Path, batch: pl.DataFrame, root: Path, languages: tuple[str, ...], limits: BatchLimits
) -> Path:
    """Where the batch of files `batch` is, or will be, prepared: named by all that decides its content."""
    return batches / batch_key(batch, root, {"languages": list(languages), "limits": asdict(limits)})


# Reading files is the step that meets flaky storage (network mounts): retry the batch, which is
# pure and can run again from scratch.
prepare = task(name="prepare", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)(prepare_to_folder)
