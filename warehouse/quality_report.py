"""What the quality report (expectations/report.py) reads: runs, results, clusters, boilerplate, history."""

from __future__ import annotations

import duckdb

HISTORY_RUNS = 30
RECENT_RUNS = f"""
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.files_seen, r.files_loaded, r.files_quarantined,
       r.paragraphs_read, r.message,
       (SELECT value FROM core.run_counters c
        WHERE c.run_id = r.run_id AND c.step = 'warehouse' AND c.counter = 'duplicate_ratio_ppm') / 1e6,
       (SELECT sum(value) FROM core.run_counters c
        WHERE c.run_id = r.run_id AND c.step = 'warehouse' AND c.counter LIKE 'articles_%')
FROM core.runs AS r ORDER BY r.run_id DESC LIMIT {HISTORY_RUNS}
"""
RUN_RESULTS = """
SELECT suite, expectation, severity, success, unexpected_count, observed_value, details, column_name
FROM core.quality_results WHERE run_id = ? ORDER BY suite, expectation
"""
RUN_LANGUAGES = "SELECT language, articles, paragraphs_read, paragraphs_unique, duplicate_ratio FROM language_summary"
LARGEST_CLUSTERS = 5
MEMBERS_SHOWN = 4
# The largest near-duplicate clusters, each with its canonical text and its most similar other members.
LARGEST_CLUSTERS_QUERY = f"""
SELECT c.cluster_id, c.canonical_text, c.paragraphs, c.occurrences, c.documents,
       list([m.text, CAST(round(m.similarity, 3) AS VARCHAR)] ORDER BY m.similarity DESC, m.paragraph_id)
           FILTER (WHERE m.paragraph_id <> c.cluster_id)[1:{MEMBERS_SHOWN}] AS members
FROM near_duplicate_clusters AS c
JOIN (SELECT n.cluster_id, n.paragraph_id, n.similarity, p.text
      FROM core.near_clusters AS n JOIN core.paragraphs AS p USING (paragraph_id)) AS m USING (cluster_id)
GROUP BY ALL
ORDER BY c.paragraphs DESC, c.occurrences DESC, c.cluster_id
LIMIT {LARGEST_CLUSTERS}
"""

# Boilerplate (warehouse/sql/boilerplate.sql): its share of the occurrences per source folder, and the
# lines most often flagged, with the rule that flagged them.
BOILERPLATE_SHARE_QUERY = """
SELECT d.source_root, count(*) FILTER (WHERE dp.is_boilerplate), count(*),
       count(*) FILTER (WHERE dp.is_boilerplate) / count(*)
FROM core.document_paragraphs AS dp JOIN core.documents AS d ON d.document_id = dp.document_id AND d.is_current
GROUP BY d.source_root ORDER BY d.source_root
"""
BOILERPLATE_LINES_SHOWN = 10
BOILERPLATE_LINES_QUERY = f"""
SELECT any_value(text), boilerplate_reason, count(*) AS occurrences, count(DISTINCT document_id) AS documents
FROM paragraph_occurrences WHERE is_boilerplate
GROUP BY paragraph_id, boilerplate_reason
ORDER BY occurrences DESC, documents DESC, any_value(text)
LIMIT {BOILERPLATE_LINES_SHOWN}
"""


# Each place of a paragraph or a document named by a failing example, for the report to show.
PARAGRAPH_PLACES_QUERY = """
SELECT source_path, position FROM paragraph_occurrences WHERE paragraph_id = ? ORDER BY source_path, position LIMIT 3
"""
DOCUMENT_PLACE_QUERY = "SELECT source_path FROM core.documents WHERE document_id = ?"
# A run's warehouse metrics, and their range over the completed runs before it (the history checks).
METRIC_HISTORY = """
WITH recent AS (
    SELECT run_id FROM core.runs WHERE status = 'completed' AND run_id < $run_id ORDER BY run_id DESC LIMIT $runs
)
SELECT c.counter, c.value, min(h.value), max(h.value), count(h.value)
FROM core.run_counters AS c
LEFT JOIN core.run_counters AS h
    ON h.step = 'warehouse' AND h.counter = c.counter AND h.run_id IN (SELECT run_id FROM recent)
WHERE c.run_id = $run_id AND c.step = 'warehouse'
GROUP BY c.counter, c.value ORDER BY c.counter
"""


def recent_runs(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The last HISTORY_RUNS runs, newest first, each with its duplicate ratio and article count."""
    return con.execute(RECENT_RUNS).fetchall()


def run_results(con: duckdb.DuckDBPyConnection, run_id: int) -> list[tuple]:
    """The run's quality results: suite, expectation, severity, success, unexpected count, observed
    value, details, column."""
    return con.execute(RUN_RESULTS, [run_id]).fetchall()


def run_languages(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Per language: articles, paragraphs read, unique, duplicate ratio."""
    return con.execute(RUN_LANGUAGES).fetchall()


def largest_clusters(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(LARGEST_CLUSTERS_QUERY).fetchall()


def boilerplate_share(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(source_root, boilerplate occurrences, occurrences, share) per source folder."""
    return con.execute(BOILERPLATE_SHARE_QUERY).fetchall()


def boilerplate_lines(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(text, reason, occurrences, documents) of the lines most often flagged."""
    return con.execute(BOILERPLATE_LINES_QUERY).fetchall()


def paragraph_places(con: duckdb.DuckDBPyConnection, paragraph_id: str) -> list[tuple[str, int]]:
    """(source_path, position) of the paragraph's first three occurrences."""
    return con.execute(PARAGRAPH_PLACES_QUERY, [paragraph_id]).fetchall()


def document_place(con: duckdb.DuckDBPyConnection, document_id: str) -> tuple[str] | None:
    return con.execute(DOCUMENT_PLACE_QUERY, [document_id]).fetchone()


def metric_history(con: duckdb.DuckDBPyConnection, run_id: int, runs: int) -> list[tuple]:
    """(counter, value, low, high, runs) per warehouse metric of the run, over the `runs` completed runs before it."""
    return con.execute(METRIC_HISTORY, {"run_id": run_id, "runs": runs}).fetchall()
