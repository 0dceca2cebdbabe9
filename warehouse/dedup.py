"""The counts of what warehouse/sql/boilerplate.sql and dedup.sql decided for the staged occurrences."""

from __future__ import annotations

import duckdb

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
FLAG_NAMES = ("decided", "repeats_in_document", "duplicates_of_earlier_documents", "boilerplate",
              "recurring_in_source", "recurring_lines")  # fmt: skip


def flag_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Occurrences decided, repeats, duplicates, boilerplate, and the recurring lines found."""
    flags = con.execute(FLAG_COUNTS).fetchone() + con.execute(BOILERPLATE_COUNTS).fetchone()
    return dict(zip(FLAG_NAMES, flags, strict=True))
