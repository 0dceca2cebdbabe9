"""Merge: apply the staged run to the core tables of the candidate warehouse, in one transaction.

Documents, paragraphs, occurrences, dedup decisions and the run's counts all change together or
not at all; tasks/index_search.py then adds the new paragraphs to the search index. What users
query changes only later, when publish swaps the validated candidate in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.steps import StepReport
from warehouse.merge import staged_paragraph_counts, warehouse_metrics
from warehouse.runs import record_counts
from warehouse.sql_script import run_script
from warehouse.transaction import transaction


def merge_run(
    con: duckdb.DuckDBPyConnection,
    source_root: str,
    run_id: int,
    file_counts: Mapping[str, int],
    steps: Sequence[StepReport],
) -> dict[str, int]:
    """Merge and record the run's counts, the reports of the steps so far (`steps`), and the warehouse's metrics."""
    with transaction(con):
        counts = dict(file_counts) | staged_paragraph_counts(con)
        run_script(con, "merge", root=source_root, run_id=run_id)
        metrics = StepReport("warehouse", counts=warehouse_metrics(con))
        record_counts(con, run_id, counts, [*steps, metrics])
    return counts


merge = task(name="merge", cache_policy=NO_CACHE)(merge_run)
