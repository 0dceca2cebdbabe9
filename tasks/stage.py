"""Stage: write one batch's results into the staging tables, where they wait for dedup and publish.

The documents are shaped here, in Polars; the INSERT statements are warehouse/stage.py's.
"""

from __future__ import annotations

import duckdb
import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from warehouse.stage import stage_batch


def build_documents(
    outcomes: pl.DataFrame, paragraphs: pl.DataFrame, headers: pl.DataFrame, languages: pl.DataFrame
) -> pl.DataFrame:
    """One row per loaded file, shaped like `staging.documents`."""
    counts = paragraphs.group_by("document_id").agg(
        paragraphs_raw=pl.len().cast(pl.Int32), paragraphs_unique=pl.col("paragraph_id").n_unique().cast(pl.Int32)
    )
    return (
        outcomes.filter(pl.col("status") == "loaded")
        .select("document_id", "source_path", "content_hash", "encoding")
        .join(headers, on="document_id", how="left")
        .join(languages, on="document_id", how="left")
        .join(counts, on="document_id", how="left")
    )


@task(name="stage", cache_policy=NO_CACHE)
def stage(
    con: duckdb.DuckDBPyConnection,
    outcomes: pl.DataFrame,
    paragraphs: pl.DataFrame,
    headers: pl.DataFrame,
    languages: pl.DataFrame,
    signatures: tuple[pl.DataFrame, ...],
    credits: pl.DataFrame,
    search_terms: tuple[pl.DataFrame, ...],
) -> pl.DataFrame:
    documents = build_documents(outcomes, paragraphs, headers, languages)
    stage_batch(con, outcomes, documents, paragraphs, signatures, credits, search_terms)
    return documents
