"""Run the real ingest flow and read the real warehouse back, for the flow tests."""

from __future__ import annotations

from pathlib import Path

from flows.ingest import ingest_flow
from flows.settings import DEFAULT_LANGUAGES
from warehouse.connection import connect

# Small batches, so that the seeds alone cross batch boundaries.
TEST_BATCH_FILES = 2
CORE_TABLES = ("source_files", "documents", "paragraphs", "document_paragraphs")


def ingest(source: Path, db: Path) -> dict[str, int]:
    return ingest_flow(source.resolve(), db, DEFAULT_LANGUAGES, TEST_BATCH_FILES)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of the core tables, in a stable order."""
    con = connect(db, read_only=True)
    try:
        return {table: sorted(con.execute(f"SELECT * FROM core.{table}").fetchall(), key=repr) for table in CORE_TABLES}
    finally:
        con.close()


def occurrences_by_path(db: Path) -> list[tuple]:
    """The dedup decisions in terms that do not depend on ids: paths, positions, flags, kept path."""
    return query(
        db,
        """
        SELECT o.source_path, o.position, o.paragraph_id, o.is_repeat_in_document,
               o.is_duplicate_of_earlier_document, k.source_path, o.kept_position
        FROM paragraph_occurrences AS o
        JOIN articles AS k ON k.document_id = o.kept_document_id
        ORDER BY 1, 2
        """,
    )
