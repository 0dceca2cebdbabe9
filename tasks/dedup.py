"""Dedup: decide, for every paragraph occurrence the run touches, whether it is the copy kept.

The decision is a set operation over fixed-size ids, so it runs inside DuckDB against the whole
warehouse (warehouse/sql/dedup.sql holds the keep rule) and writes `staging.occurrence_flags`.
"""

from __future__ import annotations

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from warehouse.sql_script import run_script
from warehouse.transaction import transaction

FLAG_COUNTS = """
SELECT
    count(*) AS decided,
    count(*) FILTER (WHERE is_repeat_in_document) AS repeats_in_document,
    count(*) FILTER (WHERE is_duplicate_of_earlier_document AND NOT is_repeat_in_document)
        AS duplicates_of_earlier_documents
FROM staging.occurrence_flags
"""


def find_duplicates(con: duckdb.DuckDBPyConnection, source_root: str) -> dict[str, int]:
    with transaction(con):
        run_script(con, "dedup", root=source_root)
    row = con.execute(FLAG_COUNTS).fetchone()
    return dict(zip(("decided", "repeats_in_document", "duplicates_of_earlier_documents"), row, strict=True))


dedup = task(name="dedup", cache_policy=NO_CACHE)(find_duplicates)
