"""Segment: split each document into paragraphs, one per non-blank line, and read its header:
the headline, and the dateline of a wire story (tasks/dateline.py).

News files put one paragraph per line; blank lines are layout, not content. The German seed shows
why blank-line blocks are not paragraphs: a block holds two lines that recur later one by one.
"""

from __future__ import annotations

from itertools import islice

import polars as pl

from tasks.dateline import parse_dateline, parse_stamp

HEADLINE_MAX_CHARS = 200
HEADER_SCHEMA = {"title": pl.String, "dateline_place": pl.String, "agency": pl.String, "published_on": pl.Date}
NOT_HEADLINE_END = (".", ",", ":", ";", "…")


def find_title(text: str) -> str | None:
    """The first line when it reads as a headline: short, set apart by a blank line, and not ending
    as a sentence of the lead does (a full stop, a comma). A headline may ask ("…: Trump oder
    Clinton?") or end on a quote ("… с \"Зенитом\"", "«… avant d'arriver au sol»")."""
    lines = text.lstrip().split("\n", 2)
    first = lines[0].strip()
    set_apart = len(lines) > 1 and not lines[1].strip()
    if set_apart and 0 < len(first) <= HEADLINE_MAX_CHARS and not first.endswith(NOT_HEADLINE_END):
        return first
    return None


def read_header(text: str) -> dict[str, object]:
    """Title, and the dateline of the lead: the first paragraph, or the one after the title."""
    title = find_title(text)
    paragraphs = list(islice((line.strip() for line in text.split("\n") if line.strip()), 2))
    lead = paragraphs[1] if title and len(paragraphs) > 1 else (paragraphs[0] if paragraphs else "")
    dateline = parse_dateline(lead)
    return {
        "title": title,
        "dateline_place": dateline.place if dateline else None,
        "agency": dateline.agency if dateline else None,
        "published_on": (dateline.published_on if dateline else None) or parse_stamp(lead),
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


def quarantine_overlong(
    outcomes: pl.DataFrame, paragraphs: pl.DataFrame, headers: pl.DataFrame, max_chars: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Quarantine the files holding a paragraph longer than `max_chars`, rather than load them.

    Such a "paragraph" is an unsplit dump or binary noise, not prose; one bad file must not stop
    the quality gate from publishing all the others.
    """
    too_long = (
        paragraphs.with_columns(chars=pl.col("text").str.len_chars())
        .filter(pl.col("chars") > max_chars)
        .group_by("document_id")
        .agg(pl.col("position").first(), pl.col("chars").first())
        .select(
            "document_id",
            reason=pl.format(
                "too long: paragraph {} has {} characters, over NEWSFLOW_PARAGRAPH_MAX_CHARS={}",
                "position",
                "chars",
                pl.lit(max_chars),
            ),
        )
    )
    if too_long.is_empty():
        return outcomes, paragraphs, headers
    flagged = outcomes.join(too_long, on="document_id", how="left", suffix="_too_long")
    rejected = pl.col("reason_too_long").is_not_null()
    outcomes = flagged.with_columns(
        status=pl.when(rejected).then(pl.lit("quarantined")).otherwise(pl.col("status")),
        reason=pl.coalesce("reason_too_long", "reason"),
        encoding=pl.when(rejected).then(None).otherwise(pl.col("encoding")),
        repairs=pl.when(rejected).then(None).otherwise(pl.col("repairs")),
        text=pl.when(rejected).then(None).otherwise(pl.col("text")),
        document_id=pl.when(rejected).then(None).otherwise(pl.col("document_id")),
    ).drop("reason_too_long")
    return (
        outcomes,
        paragraphs.join(too_long, on="document_id", how="anti"),
        headers.join(too_long, on="document_id", how="anti"),
    )


def segment_loaded(outcomes: pl.DataFrame, max_chars: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Segment the loaded files of a batch; returns (outcomes, paragraphs, headers)."""
    paragraphs, headers = segment_documents(outcomes.filter(pl.col("status") == "loaded"))
    return quarantine_overlong(outcomes, paragraphs, headers, max_chars)
