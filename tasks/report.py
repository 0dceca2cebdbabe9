"""Report: the run's quality verdict as keyed Prefect artifacts, visible in the Prefect UI.

The keys name the warehouse (`newsflow-quality-warehouse-newsflow` for warehouse/newsflow.duckdb),
so two warehouses reporting to one Prefect server keep two histories of verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from expectations.render import quality_markdown
from expectations.results import QualityResult

MARKDOWN_KEY = "newsflow-quality"
TABLE_KEY = "newsflow-quality-results"
# Prefect artifact keys: lowercase letters, digits and dashes.
NOT_IN_KEY = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 60


def warehouse_slug(db: Path) -> str:
    """The warehouse's folder and name as a key part: `warehouse/newsflow.duckdb` -> `warehouse-newsflow`."""
    slug = NOT_IN_KEY.sub("-", f"{db.parent.name}-{db.stem}".lower()).strip("-")
    return slug[-SLUG_MAX:].lstrip("-") or "warehouse"


def artifact_keys(db: Path) -> tuple[str, str]:
    """The keys of the markdown verdict and the results table of the warehouse `db`."""
    slug = warehouse_slug(db)
    return f"{MARKDOWN_KEY}-{slug}", f"{TABLE_KEY}-{slug}"


@task(name="report", cache_policy=NO_CACHE)
def report(
    db: Path,
    run_id: int,
    counts: dict[str, int],
    results: list[QualityResult],
    failure: str | None,
    held_back: Mapping[str, str] | None = None,
) -> None:
    markdown_key, table_key = artifact_keys(db)
    create_markdown_artifact(
        key=markdown_key,
        markdown=quality_markdown(run_id, counts, results, failure, held_back),
        description=f"newsflow run {run_id} of {db}: quality gate",
    )
    create_table_artifact(
        key=table_key,
        table=[
            {
                "suite": r.suite,
                "expectation": r.expectation,
                "severity": r.severity,
                "success": r.success,
                "unexpected": r.unexpected_count,
                "observed": r.observed_value,
            }
            for r in results
        ],
        description=f"newsflow run {run_id} of {db}: one row per expectation",
    )
