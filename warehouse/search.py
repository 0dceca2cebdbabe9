"""Full-text search over the current paragraphs: BM25-ranked, stemmed per language, offline.

The index is ours and grows with each run: a paragraph is tokenized once, by the first run that
finds it not indexed (paragraphs are immutable by id), into `search.terms` (term, paragraph, count) and
`search.paragraph_terms` (its language and number of terms). DuckDB's fts extension indexes a
whole table at once and cannot add to an index, so it rebuilt every language's index on every run
that changed anything: 103 s of a 1 GB run, and nearly all of a run after 1% of the files changed
(bench/README.md).

Tokens are runs of letters and digits in any script, lower-cased, accents kept; each language's
tokens are stemmed with its Snowball stemmer (PyStemmer, the C library DuckDB's fts uses too) and
Kazakh, which Snowball lacks, is matched word for word. Scores are Okapi BM25 (k1 = 1.2, b = 0.75,
as DuckDB's fts), with term statistics over every paragraph indexed for the language; like
Lucene's before segments merge, they still count paragraphs no current document holds, which
only the results leave out.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import duckdb
import polars as pl
import Stemmer

from warehouse.connection import registered
from warehouse.transaction import transaction

SNOWBALL_STEMMERS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "nl": "dutch",
    "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "sv": "swedish", "ta": "tamil", "tr": "turkish",
}  # fmt: skip
TOKEN = r"[\p{L}\p{N}]+"
# Paragraphs are tokenized this many at a time, so memory holds a slice of the run, not all of it.
CHUNK_PARAGRAPHS = 50_000

# Keyed in scan order, so each chunk's rows sit together and its query reads only them.
NOT_INDEXED = """
CREATE OR REPLACE TEMP TABLE not_indexed AS
SELECT
    (SELECT coalesce(max(paragraph_key), 0) FROM search.paragraph_terms) + row_number() OVER () AS paragraph_key,
    paragraph_id, text, language
FROM core.paragraphs
WHERE paragraph_id NOT IN (SELECT paragraph_id FROM search.paragraph_terms)
"""
KEY_RANGE = "SELECT min(paragraph_key), max(paragraph_key) FROM not_indexed"
CHUNK = "SELECT paragraph_key, paragraph_id, text, language FROM not_indexed WHERE paragraph_key BETWEEN ? AND ?"
INSERT_TERMS = "INSERT INTO search.terms SELECT term, paragraph_key, tf FROM new_terms ORDER BY term"
INSERT_PARAGRAPH_TERMS = """
INSERT INTO search.paragraph_terms SELECT paragraph_key, paragraph_id, language, terms FROM new_lengths
"""
HAS_INDEX = "SELECT count(*) = 1 FROM duckdb_tables() WHERE schema_name = 'search' AND table_name = 'paragraph_terms'"
CURRENT_LANGUAGES = """
SELECT DISTINCT p.language
FROM core.paragraphs AS p
JOIN core.document_paragraphs AS dp USING (paragraph_id)
JOIN core.documents AS d USING (document_id)
WHERE d.is_current
ORDER BY 1
"""
RANKED = """
WITH query AS (
    SELECT DISTINCT unnest($languages) AS language, unnest($terms) AS term
),
stats AS (
    SELECT language, count(*) AS n, avg(terms) AS avg_terms
    FROM search.paragraph_terms
    WHERE language IN (SELECT language FROM query)
    GROUP BY language
),
hits AS (
    SELECT pt.paragraph_id, pt.language, pt.terms, t.term, t.tf
    FROM search.terms AS t
    JOIN search.paragraph_terms AS pt USING (paragraph_key)
    JOIN query AS q ON q.term = t.term AND q.language = pt.language
    WHERE t.term IN (SELECT term FROM query)
),
frequency AS (
    SELECT language, term, count(*) AS df FROM hits GROUP BY language, term
),
scored AS (
    SELECT
        h.paragraph_id,
        h.language,
        sum(
            ln((s.n - f.df + 0.5) / (f.df + 0.5) + 1)
            * h.tf * 2.2 / (h.tf + 1.2 * (0.25 + 0.75 * h.terms / s.avg_terms))
        ) AS score
    FROM hits AS h
    JOIN frequency AS f USING (language, term)
    JOIN stats AS s USING (language)
    GROUP BY h.paragraph_id, h.language
),
-- One hit per near-duplicate cluster: its best-scoring paragraph, and how many near copies it stands for.
best_of_cluster AS (
    SELECT s.*, coalesce(c.cluster_id, s.paragraph_id) AS cluster_id
    FROM scored AS s LEFT JOIN core.near_clusters AS c USING (paragraph_id)
    QUALIFY row_number() OVER (PARTITION BY coalesce(c.cluster_id, s.paragraph_id) ORDER BY s.score DESC,
                                                                                          s.paragraph_id) = 1
)
SELECT m.score, m.language, o.source_path, o.position, p.text, m.paragraph_id,
       (SELECT count(*) FROM core.near_clusters AS c WHERE c.cluster_id = m.cluster_id
                                                      AND c.paragraph_id <> m.paragraph_id) AS near_copies
FROM best_of_cluster AS m
JOIN core.paragraphs AS p USING (paragraph_id)
JOIN LATERAL (
    SELECT source_path, position FROM paragraph_occurrences AS o
    WHERE o.paragraph_id = m.paragraph_id
    ORDER BY o.is_duplicate_of_earlier_document, o.position LIMIT 1
) AS o ON true
ORDER BY m.score DESC, m.paragraph_id
LIMIT $limit
"""


class SearchError(ValueError):
    """The search cannot run as asked."""


@functools.cache
def stemmer(language: str) -> Stemmer.Stemmer | None:
    algorithm = SNOWBALL_STEMMERS.get(language)
    return Stemmer.Stemmer(algorithm) if algorithm else None


def stem(language: str, tokens: list[str]) -> list[str]:
    found = stemmer(language)
    return found.stemWords(tokens) if found else tokens


def tokenize(texts: pl.Expr) -> pl.Expr:
    return texts.str.to_lowercase().str.extract_all(TOKEN)


def paragraph_terms(paragraphs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From (paragraph_key, paragraph_id, text, language): (term, paragraph_key, tf) and
    (paragraph_key, paragraph_id, language, terms)."""
    tokens = (
        paragraphs.select("paragraph_key", "language", token=tokenize(pl.col("text")))
        .explode("token")
        .drop_nulls("token")
    )
    # Each distinct token of a language is stemmed once.
    vocabulary = tokens.select("language", "token").unique()
    stems = pl.concat(
        [
            group.with_columns(term=pl.Series(stem(language, group["token"].to_list()), dtype=pl.String))
            for (language,), group in vocabulary.group_by("language")
        ]
        or [vocabulary.with_columns(term=pl.lit(None, pl.String))]
    )
    terms = (
        tokens.join(stems, on=["language", "token"]).group_by("term", "paragraph_key").agg(tf=pl.len().cast(pl.Int32))
    )
    lengths = paragraphs.select("paragraph_key", "paragraph_id", "language").join(
        tokens.group_by("paragraph_key").agg(terms=pl.len().cast(pl.Int32)), on="paragraph_key", how="left"
    )
    return terms, lengths.with_columns(pl.col("terms").fill_null(0))


def index_new_paragraphs(con: duckdb.DuckDBPyConnection) -> int:
    """Add every paragraph not yet indexed (those the run saw first), one transaction per chunk;
    returns how many were added."""
    added = 0
    con.execute(NOT_INDEXED)
    first, last = con.execute(KEY_RANGE).fetchone()
    for start in range(first or 0, (last or -1) + 1, CHUNK_PARAGRAPHS):
        new = con.execute(CHUNK, [start, start + CHUNK_PARAGRAPHS - 1]).pl()
        terms, lengths = paragraph_terms(new)
        with transaction(con), registered(con, new_terms=terms, new_lengths=lengths):
            con.execute(INSERT_TERMS)
            con.execute(INSERT_PARAGRAPH_TERMS)
        added += new.height
    con.execute("DROP TABLE not_indexed")
    return added


def search_paragraphs(
    con: duckdb.DuckDBPyConnection, words: str, language: str | None = None, limit: int = 10
) -> duckdb.DuckDBPyRelation:
    if not con.execute(HAS_INDEX).fetchone()[0]:
        raise SearchError("this warehouse predates the search index (migration m005); the next `newsflow run` "
                          "that loads or deletes a file builds it")  # fmt: skip
    searchable = [row[0] for row in con.execute(CURRENT_LANGUAGES).fetchall()]
    if not searchable:
        raise SearchError("the warehouse has no paragraphs yet; run `newsflow run` first")
    if language is not None:
        if language not in searchable:
            raise SearchError(f"no paragraphs in language {language!r}; indexed: {', '.join(searchable)}")
        searchable = [language]
    languages, terms = query_terms(words, searchable)
    return con.sql(RANKED, params={"languages": languages, "terms": terms, "limit": limit})


def query_terms(words: str, languages: Iterable[str]) -> tuple[list[str], list[str]]:
    """The query's terms in each language, as two parallel lists (language, term)."""
    tokens = pl.select(token=tokenize(pl.lit(words))).explode("token").drop_nulls()["token"].to_list()
    pairs = [(language, term) for language in languages for term in stem(language, tokens)]
    return [language for language, _ in pairs], [term for _, term in pairs]
