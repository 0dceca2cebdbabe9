"""Search terms: a batch's paragraphs tokenized and stemmed for the search index (warehouse/search.py).

It runs in prepare, on the task runner beside the other batches, so the single writer after merge only keys and
inserts ready rows (issue 14). Prepare cannot know which paragraphs the warehouse has indexed already, so it
tokenizes each distinct (paragraph_id, language, text) of the batch once: an id's occurrences can differ in case
or spacing (tasks/fingerprint.py), which can change its tokens, and the writer picks the variant whose text the
warehouse kept.
"""

from __future__ import annotations

import polars as pl

from warehouse.search import paragraph_terms


def tokenize_paragraphs(paragraphs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From a batch's occurrences (document_id, position, paragraph_id, text, language): its variants
    (variant, paragraph_id, language, document_id, position, terms), numbered from 0 in reading order, and
    their terms (variant, term, tf) in variant order."""
    variants = paragraphs.unique(["paragraph_id", "language", "text"], keep="first", maintain_order=True)
    variants = variants.select("document_id", "position", "paragraph_id", "text", "language").with_row_index("variant")
    terms, lengths = paragraph_terms(variants, key="variant")
    found = variants.select("variant", "document_id", "position").join(lengths, on="variant")
    return (
        found.select("variant", "paragraph_id", "language", "document_id", "position", "terms").sort("variant"),
        terms.select("variant", "term", "tf").sort("variant"),
    )
