"""Full-text search over the current paragraphs: BM25-ranked, stemmed per language, offline.

The index is ours and grows with each run: a paragraph is indexed once, by the first run that
finds it not indexed (paragraphs are immutable by id), into `search.terms` (term, paragraph, count) and
`search.paragraph_terms` (its language and number of terms). The run's batches tokenize their paragraphs in
prepare, in parallel (tasks/search_terms.py), so the single writer only keys and inserts ready rows.
DuckDB's fts extension indexes a whole table at once and cannot add to an index, so it rebuilt every
language's index on every run that changed anything: 103 s of a 1 GB run, and nearly all of a run after
1% of the files changed (bench/README.md).

Tokens are runs of letters and digits in any script, lower-cased, accents kept; each language's
tokens are stemmed with its Snowball stemmer (PyStemmer, the C library DuckDB's fts uses too).
Kazakh, which Snowball lacks, is indexed word for word; a Kazakh query word matches the indexed
words that are its stem with other endings (warehouse/kazakh_stem.py).
Scores are Okapi BM25 (k1 = 1.2, b = 0.75,
as DuckDB's fts), with term statistics over every paragraph indexed for the language; like
Lucene's before segments merge, they still count paragraphs no current document holds, which
only the results leave out.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import polars as pl
import Stemmer

from warehouse.connection import registered
from warehouse.kazakh_stem import same_word, strip_suffixes
from warehouse.transaction import transaction

SNOWBALL_STEMMERS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "nl": "dutch",
    "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "sv": "swedish", "ta": "tamil", "tr": "turkish",
}  # fmt: skip
TOKEN = r"[\p{L}\p{N}]+"
# The same runs of letters and digits in Python's re, for query words and highlighting.
WORD = re.compile(r"[^\W_]+")
# Which indexed terms count as forms of a query word, per language (bench/search_recall.py measured it):
# - "exact": the same Snowball stem;
# - "suffixes": the same stem plus other endings (Kazakh, which has no Snowball stemmer: warehouse/kazakh_stem.py);
# - "variant": the same Snowball stem, or one that Snowball cut an ending more or less of. Its Russian
#   stemmer cuts "Сноуден" to "сноуд" but "Сноудену" to "сноуден" (and "Иванов" to "иван", "время"
#   to "врем"), so names and some nouns fall apart without it.
MATCHING = {"kk": "suffixes", "ru": "variant"}
OVERCUT_ENDINGS = ("ен", "ов", "ев")
VARIANT_MIN = 2  # "Киев" is "ки" to Snowball
# Paragraphs are indexed this many at a time (one transaction each), so memory holds a slice of the run, not all of
# it; each slice's terms are written sorted by term.
CHUNK_PARAGRAPHS = 50_000

# The run's batches tokenized their paragraphs in prepare (tasks/search_terms.py): each distinct (paragraph_id,
# language, text) of a batch is a variant, numbered across the run as the batches are staged.
STAGED_VARIANTS = "SELECT count(*) FROM staging.search_paragraphs"
STAGE_VARIANTS = """
INSERT INTO staging.search_paragraphs
SELECT $offset + variant, paragraph_id, language, document_id, position, terms FROM batch_search_paragraphs
"""
STAGE_TERMS = "INSERT INTO staging.search_terms SELECT $offset + variant, term, tf FROM batch_search_terms"
# Every paragraph not yet indexed, with a key; those the run staged with their text and language (the text
# core.paragraphs kept: an id's variants differ in case or spacing, which can change the tokens) take their
# first such variant, and come first, in staged order, so each slice's terms sit together in staging. The
# others (paragraphs of a warehouse older than the index) carry their text, to be tokenized here.
NOT_INDEXED = """
CREATE OR REPLACE TEMP TABLE not_indexed AS
WITH unindexed AS (
    SELECT paragraph_id, text, language FROM core.paragraphs
    WHERE paragraph_id NOT IN (SELECT paragraph_id FROM search.paragraph_terms)
),
staged AS (
    SELECT u.paragraph_id, min(v.variant) AS variant
    FROM unindexed AS u
    JOIN staging.search_paragraphs AS v USING (paragraph_id, language)
    JOIN staging.document_paragraphs AS sp USING (document_id, position)
    WHERE sp.text = u.text
    GROUP BY u.paragraph_id
)
SELECT
    (SELECT coalesce(max(paragraph_key), 0) FROM search.paragraph_terms)
        + row_number() OVER (ORDER BY s.variant NULLS LAST, u.paragraph_id) AS paragraph_key,
    u.paragraph_id, u.language, s.variant, CASE WHEN s.variant IS NULL THEN u.text END AS text
FROM unindexed AS u
LEFT JOIN staged AS s USING (paragraph_id)
ORDER BY paragraph_key
"""
# Slices of at most CHUNK_PARAGRAPHS keys, staged or not; a staged slice's variants lie between low and high.
SLICES = """
SELECT variant IS NOT NULL AS staged, min(paragraph_key) AS first, max(paragraph_key) AS last,
       min(variant) AS low, max(variant) AS high
FROM not_indexed
GROUP BY variant IS NOT NULL, paragraph_key // $size
ORDER BY first
"""
INSERT_STAGED_TERMS = """
INSERT INTO search.terms
SELECT t.term, n.paragraph_key, t.tf
FROM not_indexed AS n
JOIN staging.search_terms AS t USING (variant)
WHERE n.paragraph_key BETWEEN $first AND $last AND t.variant BETWEEN $low AND $high
ORDER BY t.term
"""
INSERT_STAGED_PARAGRAPH_TERMS = """
INSERT INTO search.paragraph_terms
SELECT n.paragraph_key, n.paragraph_id, n.language, v.terms
FROM not_indexed AS n
JOIN staging.search_paragraphs AS v USING (variant)
WHERE n.paragraph_key BETWEEN $first AND $last AND v.variant BETWEEN $low AND $high
"""
UNSTAGED_CHUNK = """
SELECT paragraph_key, paragraph_id, text, language FROM not_indexed WHERE paragraph_key BETWEEN ? AND ?
"""
INSERT_TERMS = "INSERT INTO search.terms SELECT term, paragraph_key, tf FROM new_terms ORDER BY term"
INSERT_PARAGRAPH_TERMS = """
INSERT INTO search.paragraph_terms SELECT paragraph_key, paragraph_id, language, terms FROM new_lengths
"""
DROP_NOT_INDEXED = "DROP TABLE not_indexed"
HAS_INDEX = "SELECT count(*) = 1 FROM duckdb_tables() WHERE schema_name = 'search' AND table_name = 'paragraph_terms'"
CURRENT_LANGUAGES = """
SELECT DISTINCT p.language
FROM core.paragraphs AS p
JOIN core.document_paragraphs AS dp USING (paragraph_id)
JOIN core.documents AS d USING (document_id)
WHERE d.is_current
ORDER BY 1
"""
# The indexed terms that start with a prefix: the candidates for a query word's other forms (QueryTerm).
# The terms are sorted within each indexing chunk, so a range, unlike starts_with, skips blocks by their bounds.
PREFIXED = """
SELECT DISTINCT t.term
FROM search.terms AS t
WHERE t.term >= $prefix AND t.term < $prefix || chr(1114111)
"""
# BM25 per query word: the forms a word matched (its stem, or its other forms: MATCHING) count as one term.
RANKED = """
WITH query AS (
    SELECT DISTINCT unnest($languages) AS language, unnest($terms) AS term, unnest($words) AS word
),
stats AS (
    SELECT language, count(*) AS n, avg(terms) AS avg_terms
    FROM search.paragraph_terms
    WHERE language IN (SELECT language FROM query)
    GROUP BY language
),
hits AS (
    SELECT pt.paragraph_id, pt.language, pt.terms, q.word, sum(t.tf) AS tf
    FROM search.terms AS t
    JOIN search.paragraph_terms AS pt USING (paragraph_key)
    JOIN query AS q ON q.term = t.term AND q.language = pt.language
    WHERE t.term IN (SELECT term FROM query)
    GROUP BY pt.paragraph_id, pt.language, pt.terms, q.word
),
frequency AS (
    SELECT language, word, count(*) AS df FROM hits GROUP BY language, word
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
    JOIN frequency AS f USING (language, word)
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
    WHERE o.paragraph_id = m.paragraph_id AND NOT o.is_boilerplate
    ORDER BY o.is_duplicate_of_earlier_document, o.position LIMIT 1
) AS o ON true
ORDER BY m.score DESC, m.paragraph_id
LIMIT $limit
"""


class SearchError(ValueError):
    """The search cannot run as asked."""


# PyStemmer's stemmers keep state (a cache) and "must not be called concurrently": prepare's threads stem side by
# side, so each thread has its own. Their cache is off: a batch stems each distinct word once, and its 25,000 or so
# words overflow the default cache of 10,000, whose purges made stemming 3.5x slower than no cache (bench/README.md).
_THREAD_STEMMERS = threading.local()


def stemmer(language: str) -> Stemmer.Stemmer | None:
    mine = _THREAD_STEMMERS.__dict__.setdefault("by_language", {})
    if language not in mine:
        algorithm = SNOWBALL_STEMMERS.get(language)
        mine[language] = Stemmer.Stemmer(algorithm, maxCacheSize=0) if algorithm else None
    return mine[language]


def stem(language: str, tokens: list[str]) -> list[str]:
    found = stemmer(language)
    return found.stemWords(tokens) if found else tokens


def tokenize(texts: pl.Expr) -> pl.Expr:
    return texts.str.to_lowercase().str.extract_all(TOKEN)


def paragraph_terms(paragraphs: pl.DataFrame, key: str = "paragraph_key") -> tuple[pl.DataFrame, pl.DataFrame]:
    """From (key, paragraph_id, text, language): (term, key, tf) and (key, paragraph_id, language, terms).

    The one place paragraphs become index terms: in prepare for the run's batches, and here for paragraphs a
    run did not stage."""
    # Lazy queries throughout: ~15% less CPU than the same steps eager (bench/README.md).
    tokens = (
        paragraphs.lazy()
        .select(key, "language", token=tokenize(pl.col("text")))
        .explode("token")
        .drop_nulls("token")
        .collect()
    )
    # Each distinct token of a language is stemmed once.
    vocabulary = tokens.lazy().select("language", "token").unique().collect()
    stems = pl.concat(
        [
            group.with_columns(term=pl.Series(stem(language, group["token"].to_list()), dtype=pl.String))
            for (language,), group in vocabulary.group_by("language")
        ]
        or [vocabulary.with_columns(term=pl.lit(None, pl.String))]
    )
    terms = (
        tokens.lazy()
        .join(stems.lazy(), on=["language", "token"])
        .group_by("term", key)
        .agg(tf=pl.len().cast(pl.Int32))
        .collect()
    )
    lengths = paragraphs.select(key, "paragraph_id", "language").join(
        tokens.group_by(key).agg(terms=pl.len().cast(pl.Int32)), on=key, how="left"
    )
    return terms, lengths.with_columns(pl.col("terms").fill_null(0))


def stage_search_terms(con: duckdb.DuckDBPyConnection, variants: pl.DataFrame, terms: pl.DataFrame) -> None:
    """Add one batch's tokenized paragraphs (tasks/search_terms.py) to the run's staging, numbered after the
    variants staged before."""
    offset = con.execute(STAGED_VARIANTS).fetchone()[0]
    with registered(con, batch_search_paragraphs=variants, batch_search_terms=terms):
        con.execute(STAGE_VARIANTS, {"offset": offset})
        con.execute(STAGE_TERMS, {"offset": offset})


def index_new_paragraphs(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Add every paragraph not yet indexed (those the run saw first), one transaction per slice. The run's
    paragraphs come tokenized from prepare; the others (of a warehouse older than the index, or whose kept text
    the run did not stage) are tokenized here. Returns how many paragraphs were added, and how many of them
    were tokenized here (`paragraphs_tokenized_here`)."""
    con.execute(NOT_INDEXED)
    counts = {"paragraphs": 0, "paragraphs_tokenized_here": 0}
    for staged, first, last, low, high in con.execute(SLICES, {"size": CHUNK_PARAGRAPHS}).fetchall():
        if staged:
            bounds = {"first": first, "last": last, "low": low, "high": high}
            with transaction(con):
                con.execute(INSERT_STAGED_TERMS, bounds)
                con.execute(INSERT_STAGED_PARAGRAPH_TERMS, bounds)
        else:
            terms, lengths = paragraph_terms(con.execute(UNSTAGED_CHUNK, [first, last]).pl())
            with transaction(con), registered(con, new_terms=terms, new_lengths=lengths):
                con.execute(INSERT_TERMS)
                con.execute(INSERT_PARAGRAPH_TERMS)
            counts["paragraphs_tokenized_here"] += last - first + 1
        counts["paragraphs"] += last - first + 1
    con.execute(DROP_NOT_INDEXED)
    return counts


def search_paragraphs(
    con: duckdb.DuckDBPyConnection,
    words: str,
    language: str | None = None,
    limit: int = 10,
    matching: dict[str, str] = MATCHING,
) -> tuple[duckdb.DuckDBPyRelation, list[QueryTerm]]:
    """The best `limit` paragraphs for `words`, and the query's terms (to highlight what matched)."""
    terms = query_terms(words, searchable_languages(con, language), matching)
    languages, indexed, grouped = [], [], []
    for term in terms:
        prefix = term.lookup()
        found = [] if prefix is None else [row[0] for row in con.execute(PREFIXED, {"prefix": prefix}).fetchall()]
        for form in [form for form in found if term.matches(form)] or [term.term]:
            languages.append(term.language)
            indexed.append(form)
            grouped.append(term.word)
    ranked = con.sql(RANKED, params={"languages": languages, "terms": indexed, "words": grouped, "limit": limit})
    return ranked, terms


def searchable_languages(con: duckdb.DuckDBPyConnection, language: str | None) -> list[str]:
    if not con.execute(HAS_INDEX).fetchone()[0]:
        raise SearchError("this warehouse predates the search index (migration m005); the next `newsflow run` "
                          "that loads or deletes a file builds it")  # fmt: skip
    searchable = [row[0] for row in con.execute(CURRENT_LANGUAGES).fetchall()]
    if not searchable:
        raise SearchError("the warehouse has no paragraphs yet; run `newsflow run` first")
    if language is None:
        return searchable
    if language not in searchable:
        raise SearchError(f"no paragraphs in language {language!r}; indexed: {', '.join(searchable)}")
    return [language]


@dataclass(frozen=True)
class QueryTerm:
    """One query word as the index of one language holds it, and which indexed terms count as its forms."""

    language: str
    term: str  # the word stemmed (for Kazakh: with its suffixes stripped)
    word: str  # the query word it came from
    matching: str = "exact"  # or "suffixes", or "variant": see MATCHING

    def matches(self, form: str) -> bool:
        """Whether the indexed term `form` is a form of the query word."""
        if self.matching == "suffixes":
            return same_word(self.word, form)
        if self.matching == "variant":
            shorter = min(form, self.term, key=len)
            return form == self.term or (
                len(shorter) >= VARIANT_MIN
                and any(form == self.term + ending or self.term == form + ending for ending in OVERCUT_ENDINGS)
            )
        return form == self.term

    def lookup(self) -> str | None:
        """The prefix that every indexed form of the word starts with, if it has forms beyond its term."""
        if self.matching == "suffixes":
            return self.term
        if self.matching == "variant":
            cut = next((self.term[: -len(e)] for e in OVERCUT_ENDINGS if self.term.endswith(e)), self.term)
            return cut if len(cut) >= VARIANT_MIN else None
        return None


def query_terms(words: str, languages: Iterable[str], matching: dict[str, str] = MATCHING) -> list[QueryTerm]:
    """The query's words in each language searched: stemmed by Snowball (Kazakh: stripped), with the
    rule `matching` names for the language (MATCHING by default)."""
    tokens = list(dict.fromkeys(WORD.findall(words.lower())))
    if not tokens:
        raise SearchError(f"{words.strip()!r} holds no word to search for; give words of letters or digits")
    terms = []
    for language in languages:
        rule = matching.get(language, "exact")
        # Kazakh has no Snowball stemmer (stem() keeps its words whole): its candidates share the shortest stem.
        stems = [strip_suffixes(token) for token in tokens] if rule == "suffixes" else stem(language, tokens)
        terms += [QueryTerm(language, term, token, rule) for token, term in zip(tokens, stems, strict=True)]
    return terms


def matched_spans(text: str, language: str, terms: list[QueryTerm]) -> list[tuple[int, int]]:
    """Where in `text` the words are that a query's `terms` matched (for the paragraph's `language`)."""
    mine = [term for term in terms if term.language == language]
    spans = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
    stems = stem(language, [token for *_, token in spans])
    return [(start, end) for (start, end, _), form in zip(spans, stems, strict=True)
            if any(term.matches(form) for term in mine)]  # fmt: skip
