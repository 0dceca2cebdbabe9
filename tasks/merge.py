"""Merge: apply the staged run to the core tables of the candidate warehouse, in one transaction.

Documents, paragraphs, occurrences, dedup decisions and the run's counts all change together or
not at all; tasks/index_search.py then adds the new paragraphs to the search index. What users
query changes only later, when publish swaps the validated candidate in.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from warehouse.runs import record_counts
from warehouse.sql_script import run_script
from warehouse.transaction import transaction

PARAGRAPH_COUNTS = """
SELECT
    count(*) AS paragraphs_read,
    count(DISTINCT paragraph_id) AS paragraphs_unique,
    count(DISTINCT paragraph_id) FILTER (WHERE paragraph_id NOT IN (SELECT paragraph_id FROM core.paragraphs))
        AS paragraphs_new
FROM staging.document_paragraphs
"""
# What the warehouse looks like after the run, kept per run for the anomaly checks (expectations/).
WAREHOUSE_METRICS = """
SELECT 'duplicate_ratio_ppm',
       CAST(round(1e6 * count(*) FILTER (WHERE dp.is_repeat_in_document OR dp.is_duplicate_of_earlier_document)
                  / greatest(count(*), 1)) AS BIGINT)
FROM core.document_paragraphs AS dp JOIN core.documents AS d ON d.document_id = dp.document_id AND d.is_current
UNION ALL
SELECT 'articles_' || language, count(*) FROM core.documents WHERE is_current GROUP BY language
UNION ALL
-- What the next run's gate adds its new paragraphs to (expectations/suites.py, paragraphs_add_up).
SELECT 'paragraphs', count(*) FROM core.paragraphs
UNION ALL
SELECT 'boilerplate_share_ppm ' || d.source_root,
       CAST(round(1e6 * count(*) FILTER (WHERE dp.is_boilerplate) / count(*)) AS BIGINT)
FROM core.document_paragraphs AS dp JOIN core.documents AS d ON d.document_id = dp.document_id AND d.is_current
GROUP BY d.source_root
"""


def merge_run(
    con: duckdb.DuckDBPyConnection,
    source_root: str,
    run_id: int,
    file_counts: Mapping[str, int],
    counters: Mapping[tuple[str, str], int],
) -> dict[str, int]:
    with transaction(con):
        read, unique, new = con.execute(PARAGRAPH_COUNTS).fetchone()
        counts = dict(file_counts, paragraphs_read=read, paragraphs_unique=unique, paragraphs_new=new)
        run_script(con, "merge", root=source_root, run_id=run_id)
        metrics = {("warehouse", name): value for name, value in con.execute(WAREHOUSE_METRICS).fetchall()}
        record_counts(con, run_id, counts, {**counters, **metrics})
    return counts


merge = task(name="merge", cache_policy=NO_CACHE)(merge_run)
