"""Segment: split each document into paragraphs, one per non-blank line, and find its headline.

News files put one paragraph per line; blank lines are layout, not content. The German seed shows
why blank-line blocks are not paragraphs: a block holds two lines that recur later one by one.
"""

from __future__ import annotations

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

HEADLINE_MAX_CHARS = 200
SENTENCE_END = (".", "!", "?", "…", ":", ";", ",", "»", '"', "“")


def find_title(text: str) -> str | None:
    """The first line when it reads as a headline: short, not a sentence, set apart by a blank line."""
    lines = text.lstrip().split("\n")
    first = lines[0].strip()
    set_apart = len(lines) > 1 and not lines[1].strip()
    if set_apart and 0 < len(first) <= HEADLINE_MAX_CHARS and not first.endswith(SENTENCE_END):
        return first
    return None


def segment_documents(documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From (document_id, text) return (paragraphs, titles).

    paragraphs: document_id, position (1-based reading order), text.
    titles: document_id, title (null where no headline was found).
    """
    paragraphs = (
        documents.select("document_id", pl.col("text").str.split("\n"))
        .explode("text")
        .with_columns(pl.col("text").str.strip_chars())
        .filter(pl.col("text") != "")
        .with_columns(position=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("document_id"))
        .select("document_id", "position", "text")
    )
    titles = documents.select("document_id", title=pl.col("text").map_elements(find_title, return_dtype=pl.String))
    return paragraphs, titles


@task(name="segment", cache_policy=NO_CACHE)
def segment(documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return segment_documents(documents)
