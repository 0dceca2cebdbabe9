"""Report: the run's quality verdict as keyed Prefect artifacts, visible in the Prefect UI."""

from __future__ import annotations

from collections.abc import Mapping

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from expectations.render import quality_markdown
from expectations.results import QualityResult

MARKDOWN_KEY = "newsflow-quality"
TABLE_KEY = "newsflow-quality-results"


@task(name="report", cache_policy=NO_CACHE)
def report(
    run_id: int,
    counts: dict[str, int],
    results: list[QualityResult],
    failure: str | None,
    held_back: Mapping[str, str] | None = None,
) -> None:
    create_markdown_artifact(
        key=MARKDOWN_KEY,
        markdown=quality_markdown(run_id, counts, results, failure, held_back),
        description=f"newsflow run {run_id}: quality gate",
    )
    create_table_artifact(
        key=TABLE_KEY,
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
        description=f"newsflow run {run_id}: one row per expectation",
    )
