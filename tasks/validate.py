"""Validate: run the quality suites (expectations/) against the candidate warehouse."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.config import QualityConfig
from expectations.results import QualityResult
from expectations.runner import validate_warehouse


@task(name="validate", cache_policy=NO_CACHE)
def validate(candidate: Path, run_id: int, config: QualityConfig, docs_dir: Path | None) -> list[QualityResult]:
    return validate_warehouse(candidate, run_id, config, docs_dir)
