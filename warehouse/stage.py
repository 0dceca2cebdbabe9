"""What stage writes: one prepared batch, and the files found deleted, into the run's staging tables."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.connection import registered
from warehouse.near import stage_signatures
from warehouse.search import stage_search_terms
from warehouse.transaction import transaction

# Batches staged per transaction. A commit per batch cost more than its inserts: on 24 batches of 500 files
# of the 100 MB corpus, paragraphs and band keys took 1.2-1.8 s committed batch by batch, 0.65 s committed
# every 8 or all at once (bench/README.md). Eight bound what an uncommitted transaction holds.
STAGED_PER_COMMIT = 8
INSERT_FILES = """
INSERT INTO staging.files BY NAME
SELECT source_path, size_bytes, mtime_ns, content_hash, encoding, repairs, document_id, status, reason
FROM batch_files
"""
INSERT_DOCUMENTS = "INSERT INTO staging.documents BY NAME SELECT * FROM batch_documents"
INSERT_PARAGRAPHS = """
INSERT INTO staging.document_paragraphs BY NAME
SELECT document_id, position, paragraph_id, text, language, boilerplate_hint
FROM batch_paragraphs
"""
INSERT_CREDITS = "INSERT INTO staging.document_credits BY NAME SELECT document_id, agency, evidence FROM batch_credits"
INSERT_DELETED = "INSERT INTO staging.files (source_path, status) SELECT source_path, 'deleted' FROM deleted_files"


def stage_batch(
    con: duckdb.DuckDBPyConnection,
    outcomes: pl.DataFrame,
    documents: pl.DataFrame,
    paragraphs: pl.DataFrame,
    signatures: tuple[pl.DataFrame, ...],
    credits: pl.DataFrame,
    search_terms: tuple[pl.DataFrame, ...],
) -> None:
    """Insert one batch's rows into staging, in the caller's transaction (STAGED_PER_COMMIT)."""
    with registered(
        con, batch_files=outcomes, batch_documents=documents, batch_paragraphs=paragraphs, batch_credits=credits
    ):
        con.execute(INSERT_FILES)
        con.execute(INSERT_DOCUMENTS)
        con.execute(INSERT_PARAGRAPHS)
        if not credits.is_empty():
            con.execute(INSERT_CREDITS)
        stage_signatures(con, *signatures)
        stage_search_terms(con, *search_terms)


def stage_deleted(con: duckdb.DuckDBPyConnection, deleted: pl.DataFrame) -> None:
    """Stage the files that are gone from the source folder as `deleted`."""
    with transaction(con), registered(con, deleted_files=deleted):
        con.execute(INSERT_DELETED)
