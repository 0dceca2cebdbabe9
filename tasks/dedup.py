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
from warehouse.dedup import flag_counts
from warehouse.sql_script import run_script
from warehouse.transaction import transaction


def find_duplicates(
    con: duckdb.DuckDBPyConnection, source_root: str, recurring: RecurringConfig | None = None
) -> dict[str, int]:
    recurring = recurring or RecurringConfig()
    with transaction(con):
        run_script(con, "next_documents", root=source_root)
        run_script(con, "boilerplate", root=source_root, **recurring.parameters())
        run_script(con, "dedup")
    return flag_counts(con)


dedup = task(name="dedup", cache_policy=NO_CACHE)(find_duplicates)
