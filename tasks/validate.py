"""Validate: run the quality suites (expectations/) against the candidate warehouse."""

from __future__ import annotations

import importlib
import threading
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


def import_validation_in_background() -> None:
    """Start importing Great Expectations (~6 s, most of a small run's validate step) on a thread, for a
    run that will validate: `newsflow run` calls it once its own imports are done, while the Prefect
    server boots in its own process. The task's import then finds the module loaded, or waits for it."""
    threading.Thread(target=importlib.import_module, args=("expectations.runner",), daemon=True).start()
