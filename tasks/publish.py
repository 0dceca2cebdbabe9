"""Publish: apply the staged run to the tables users query, all in one transaction.

Either everything the run read becomes visible together with its `runs` row, or, if anything
fails, nothing does and the warehouse stays as the last successful run left it.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from warehouse.runs import finish_run
from warehouse.search import refresh_search_index
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
CHANGES = """
SELECT (SELECT count(*) FROM staging.documents) + (SELECT count(*) FROM staging.retired_documents)
"""


def publish_run(
    con: duckdb.DuckDBPyConnection,
    source_root: str,
    run_id: int,
    counts: Mapping[str, int],
    counters: Mapping[tuple[str, str], int],
) -> dict[str, int]:
    with transaction(con):
        row = con.execute(PARAGRAPH_COUNTS).fetchone()
        counts = dict(counts, paragraphs_read=row[0], paragraphs_unique=row[1], paragraphs_new=row[2])
        documents_changed = con.execute(CHANGES).fetchone()[0]
        run_script(con, "publish", root=source_root, run_id=run_id)
        if documents_changed:
            refresh_search_index(con)
        finish_run(con, run_id, "completed", None, counts, counters)
    return counts


@task(name="publish", cache_policy=NO_CACHE)
def publish(
    con: duckdb.DuckDBPyConnection,
    source_root: str,
    run_id: int,
    counts: Mapping[str, int],
    counters: Mapping[tuple[str, str], int],
) -> dict[str, int]:
    return publish_run(con, source_root, run_id, counts, counters)
