"""What `newsflow run` and `newsflow status` print about runs, read from the public views."""

from __future__ import annotations

from typing import Any

import duckdb

RUN_COLUMNS = (
    "run_id", "status", "message", "files_seen", "files_loaded", "files_unchanged", "files_quarantined",
    "files_deleted", "paragraphs_read", "paragraphs_unique", "paragraphs_new",
)  # fmt: skip
THIS_RUN = f"SELECT {', '.join(RUN_COLUMNS)} FROM runs WHERE flow_run_id = ?"
LAST_RUN = "SELECT run_id, status, finished_at FROM runs WHERE source_root = ? ORDER BY run_id DESC LIMIT 1"
LAST_RUNS = """
SELECT run_id, started_at, finished_at, status, files_seen, files_loaded, files_quarantined, paragraphs_read, message
FROM runs ORDER BY run_id DESC LIMIT 5
"""
RUN_QUALITY = """
SELECT suite, expectation, severity, success, unexpected_count FROM quality_results
WHERE run_id = ? ORDER BY success, severity, suite, expectation
"""
LANGUAGE_SUMMARY = """
SELECT language, articles, paragraphs_read, paragraphs_unique, repeats_in_document,
       duplicates_of_earlier_documents, duplicate_ratio
FROM language_summary
"""
# As the last publish recorded it (m016): the same rows, without aggregating the whole warehouse again.
PUBLISHED_LANGUAGES = """
SELECT language, articles, paragraphs_read, paragraphs_unique, repeats_in_document,
       duplicates_of_earlier_documents, duplicate_ratio
FROM core.published_languages
WHERE run_id = (SELECT max(run_id) FROM core.published_languages)
ORDER BY language
"""
QUARANTINED = "SELECT source_path, reason FROM quarantine WHERE source_root = ? ORDER BY source_path"


def recorded_run(con: duckdb.DuckDBPyConnection, flow_run_id: str) -> dict[str, Any] | None:
    """The run recorded under a Prefect flow run, as {RUN_COLUMNS: value}, or None if it recorded nothing."""
    row = con.execute(THIS_RUN, [flow_run_id]).fetchone()
    return None if row is None else dict(zip(RUN_COLUMNS, row, strict=True))


def last_run_of(con: duckdb.DuckDBPyConnection, source_root: str) -> tuple[int, str, Any] | None:
    """(run id, status, finish time) of the last run over `source_root`, or None."""
    return con.execute(LAST_RUN, [source_root]).fetchone()


def last_runs(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The last five runs, newest first: id, start, finish, status, four counts, message."""
    return con.execute(LAST_RUNS).fetchall()


def run_quality(con: duckdb.DuckDBPyConnection, run_id: int) -> list[tuple]:
    """(suite, expectation, severity, success, unexpected count) of a run, failures first."""
    return con.execute(RUN_QUALITY, [run_id]).fetchall()


def language_summary(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The published warehouse by language; computed only for a warehouse last published before m016."""
    try:
        published = con.execute(PUBLISHED_LANGUAGES).fetchall()
    except duckdb.CatalogException:  # a warehouse no run has migrated to m016 yet, opened read-only
        published = []
    return published or con.execute(LANGUAGE_SUMMARY).fetchall()


def quarantined_files(con: duckdb.DuckDBPyConnection, source_root: str) -> list[tuple[str, str]]:
    """(source_path, reason) of the quarantined files under `source_root`, by path."""
    return con.execute(QUARANTINED, [source_root]).fetchall()
