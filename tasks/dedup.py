"""Dedup: decide, for every paragraph occurrence the run touches, whether it is boilerplate, and
whether it is the copy kept.

Both decisions are set operations over fixed-size ids, so they run inside DuckDB against the whole
warehouse: warehouse/sql/boilerplate.sql finds the lines recurring across the source folder and
writes `staging.boilerplate_flags`; warehouse/sql/dedup.sql holds the keep rule, which leaves
boilerplate out, and writes `staging.occurrence_flags`.
"""

from __future__ import annotations

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.boilerplate import RecurringConfig
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
BOILERPLATE_COUNTS = """
SELECT
    count(*) FILTER (WHERE is_boilerplate) AS boilerplate,
    count(*) FILTER (WHERE boilerplate_reason = 'recurring_in_source') AS recurring_in_source,
    (SELECT count(*) FROM recurring_lines) AS recurring_lines
FROM staging.boilerplate_flags
"""


def find_duplicates(
    con: duckdb.DuckDBPyConnection, source_root: str, recurring: RecurringConfig | None = None
) -> dict[str, int]:
    recurring = recurring or RecurringConfig()
    with transaction(con):
        run_script(con, "next_documents", root=source_root)
        run_script(con, "boilerplate", root=source_root, **recurring.parameters())
        run_script(con, "dedup")
    flags = con.execute(FLAG_COUNTS).fetchone() + con.execute(BOILERPLATE_COUNTS).fetchone()
    names = ("decided", "repeats_in_document", "duplicates_of_earlier_documents", "boilerplate",
             "recurring_in_source", "recurring_lines")  # fmt: skip
    return dict(zip(names, flags, strict=True))


dedup = task(name="dedup", cache_policy=NO_CACHE)(find_duplicates)
