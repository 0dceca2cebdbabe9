"""Segment: split each document into paragraphs, one per non-blank line, and read its header:
the headline, and the dateline of a wire story (tasks/dateline.py).

News files put one paragraph per line; blank lines are layout, not content. The German seed shows
why blank-line blocks are not paragraphs: a block holds two lines that recur later one by one.
"""

from __future__ import annotations

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.dateline import parse_dateline

HEADLINE_MAX_CHARS = 200
HEADER_SCHEMA = {"title": pl.String, "dateline_place": pl.String, "agency": pl.String, "published_on": pl.Date}
SENTENCE_END = (".", "!", "?", "…", ":", ";", ",", "»", '"', "“")


def find_title(text: str) -> str | None:
    """The first line when it reads as a headline: short, not a sentence, set apart by a blank line."""
    lines = text.lstrip().split("\n")
    first = lines[0].strip()
    set_apart = len(lines) > 1 and not lines[1].strip()
    if set_apart and 0 < len(first) <= HEADLINE_MAX_CHARS and not first.endswith(SENTENCE_END):
        return first
    return None


def read_header(text: str) -> dict[str, object]:
    first_paragraph = text.lstrip().split("\n", 1)[0].strip()
    dateline = parse_dateline(first_paragraph)
    return {
        "title": find_title(text),
        "dateline_place": dateline.place if dateline else None,
        "agency": dateline.agency if dateline else None,
        "published_on": dateline.published_on if dateline else None,
    }


def segment_documents(documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From (document_id, text) return (paragraphs, headers).

    paragraphs: document_id, position (1-based reading order), text.
    headers: document_id, title, dateline_place, agency, published_on (null where not found).
    """
    paragraphs = (
        documents.select("document_id", pl.col("text").str.split("\n"))
        .explode("text")
        .with_columns(pl.col("text").str.strip_chars())
        .filter(pl.col("text") != "")
        .with_columns(position=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("document_id"))
        .select("document_id", "position", "text")
    )
    headers = pl.DataFrame([read_header(text) for text in documents["text"]], schema=HEADER_SCHEMA)
    return paragraphs, headers.insert_column(0, documents["document_id"])


@task(name="segment", cache_policy=NO_CACHE)
def segment(documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return segment_documents(documents)
