"""What merge counts around warehouse/sql/merge.sql: the staged paragraphs, and the warehouse after it."""

from __future__ import annotations

import duckdb

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
PARAGRAPH_COUNT_NAMES = ("paragraphs_read", "paragraphs_unique", "paragraphs_new")


def staged_paragraph_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Paragraphs the run read, how many distinct, and how many the warehouse does not hold yet."""
    return dict(zip(PARAGRAPH_COUNT_NAMES, con.execute(PARAGRAPH_COUNTS).fetchone(), strict=True))


def warehouse_metrics(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """{metric: value}: duplicate ratio, articles per language, paragraphs, boilerplate share per source."""
    return dict(con.execute(WAREHOUSE_METRICS).fetchall())
