"""Audit: validate the candidate, and hold back the files that fail it.

    load -> validate -> failed critical expectations that files of this run explain?
         -> quarantine those files up front, load a fresh candidate without them -> validate ...

A failure on rows this run brought is blamed on the files they came from (expectations/culprits.py).
Those files are quarantined before they are read, with the expectations as the reason, and the run
loads again from the published warehouse: everything else ends exactly as in a run without those
files. What no file explains (the files accounting, damage in rows published earlier) is the
verdict, and nothing is published. At most MAX_ROUNDS loads, so a run stays O(batches) tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.config import QualityConfig
from expectations.results import QualityResult
from warehouse.runs import HELD_BACK_REASON

MAX_ROUNDS = 3
MAX_NAMED_FILES = 5


@dataclass(frozen=True)
class Audit:
    run_id: int
    counts: dict[str, int]
    results: list[QualityResult]  # the verdict on the last candidate loaded
    held_back: dict[str, str]  # source_path -> quarantine reason


def hold_back(plan: pl.DataFrame, held: Mapping[str, str]) -> pl.DataFrame:
    """The plan with the `held` files marked unusable: decode quarantines them, unread, with the reason."""
    if not held:
        return plan
    return plan.with_columns(
        problem=pl.col("source_path").replace_strict(dict(held), default=pl.col("problem"), return_dtype=pl.String)
    )


def audit_candidate(
    plan: pl.DataFrame,
    load: Callable[[pl.DataFrame], tuple[int, dict[str, int]]],
    validate: Callable[[int], list[QualityResult]],
    blame: Callable[[int, list[QualityResult]], dict[str, str]],
    restart: Callable[[], None],
    logger: logging.Logger | logging.LoggerAdapter,
) -> Audit:
    """Load and validate until no failed critical expectation blames a file not yet held back.

    `load` loads the run, as `plan` says, into a candidate copy of the published warehouse; `validate` checks it;
    `blame` names the files of the run that explain its failures (source_path -> reason); `restart`
    throws the failed candidate away for a fresh copy of the published warehouse.
    """
    held: dict[str, str] = {}
    for round_number in range(1, MAX_ROUNDS + 1):
        run_id, counts = load(hold_back(plan, held))
        results = validate(run_id)
        if not any(r.blocks_publishing for r in results) or round_number == MAX_ROUNDS:
            break
        culprits = {path: reason for path, reason in blame(run_id, results).items() if path not in held}
        if not culprits:
            break
        logger.warning("quality gate: holding back %s; loading the rest again", name_files(culprits))
        held |= culprits
        restart()
    return Audit(run_id, counts, results, held)


def name_files(held: Mapping[str, str]) -> str:
    """`2 file(s): a.txt (paragraphs.x), b.txt (documents.y)`, the first few named."""
    first = list(held.items())[:MAX_NAMED_FILES]
    named = ", ".join(f"{path} ({reason.removeprefix(HELD_BACK_REASON)})" for path, reason in first)
    more = f" and {len(held) - MAX_NAMED_FILES} more" if len(held) > MAX_NAMED_FILES else ""
    return f"{len(held)} file(s): {named}{more}"


@task(name="blame", cache_policy=NO_CACHE)
def blame(path: Path, run_id: int, config: QualityConfig, results: list[QualityResult]) -> dict[str, str]:
    # Imports Great Expectations' expectation classes: only a run whose gate failed pays for it here.
    from expectations.culprits import find_culprits

    return find_culprits(path, run_id, config, results)
