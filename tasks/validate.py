"""Validate: run the quality suites (expectations/) against the candidate warehouse."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.config import QualityConfig
from expectations.results import QualityResult


@task(name="validate", cache_policy=NO_CACHE)
def validate(path: Path, run_id: int, config: QualityConfig, docs_dir: Path | None = None) -> list[QualityResult]:
    # Great Expectations takes ~6 s to import: only a run that changed the warehouse pays for it,
    # not the no-op run of a schedule.
    from expectations.runner import validate_warehouse

    return validate_warehouse(path, run_id, config, docs_dir)
