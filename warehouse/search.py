"""Full-text search over the current paragraphs: BM25-ranked, stemmed per language, offline.

DuckDB's fts extension indexes one table with one stemmer, so every language gets its own table
`search.paragraphs_<code>` and index, stemmed with Snowball where Snowball has that language
(Russian, German, ...) and unstemmed otherwise (Kazakh). Indexes are rebuilt when a run publishes.
"""

from __future__ import annotations

import re

import duckdb

SNOWBALL_STEMMERS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "nl": "dutch",
    "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "sv": "swedish", "ta": "tamil", "tr": "turkish",
}  # fmt: skip
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# Tokens are runs of letters and digits in any script; the extension's default keeps only a-z.
TOKEN_SEPARATORS = r"(\.|[^\p{L}\p{N}])+"

HAS_INDEX = "SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'search' AND table_name = 'languages'"
INDEXED_LANGUAGES = "SELECT language FROM search.languages ORDER BY language"
CURRENT_PARAGRAPHS = """
SELECT DISTINCT p.paragraph_id, p.text
FROM core.paragraphs AS p
JOIN core.document_paragraphs AS dp USING (paragraph_id)
JOIN core.documents AS d USING (document_id)
WHERE d.is_current AND p.language = ?
"""
CURRENT_LANGUAGES = """
SELECT DISTINCT p.language
FROM core.paragraphs AS p
JOIN core.document_paragraphs AS dp USING (paragraph_id)
JOIN core.documents AS d USING (document_id)
WHERE d.is_current
ORDER BY 1
"""
MATCHES = """
SELECT s.paragraph_id, '{code}' AS language, fts_search_paragraphs_{code}.match_bm25(s.paragraph_id, $words) AS score
FROM search.paragraphs_{code} AS s
"""
RANKED = """
SELECT m.score, m.language, o.source_path, o.position, p.text, m.paragraph_id
FROM ({matches}) AS m
JOIN core.paragraphs AS p USING (paragraph_id)
JOIN LATERAL (
    SELECT source_path, position FROM paragraph_occurrences AS o
    WHERE o.paragraph_id = m.paragraph_id
    ORDER BY o.is_duplicate_of_earlier_document, o.position LIMIT 1
) AS o ON true
WHERE m.score IS NOT NULL
ORDER BY m.score DESC, m.paragraph_id
LIMIT $limit
"""


class SearchError(ValueError):
    """The search cannot run as asked."""


def refresh_search_index(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild the per-language tables and indexes from the current paragraphs; returns the languages."""
    con.execute("CREATE SCHEMA IF NOT EXISTS search")
    for code in indexed_languages(con):
        con.execute(f"PRAGMA drop_fts_index('search.paragraphs_{_checked(code)}')")
        con.execute(f"DROP TABLE search.paragraphs_{_checked(code)}")
    languages = [row[0] for row in con.execute(CURRENT_LANGUAGES).fetchall()]
    for code in map(_checked, languages):
        stemmer = SNOWBALL_STEMMERS.get(code, "none")
        con.execute(f"CREATE TABLE search.paragraphs_{code} AS {CURRENT_PARAGRAPHS}", [code])
        con.execute(
            f"PRAGMA create_fts_index('search.paragraphs_{code}', 'paragraph_id', 'text', "
            f"stemmer='{stemmer}', stopwords='none', ignore='{TOKEN_SEPARATORS}', strip_accents=0, lower=1)"
        )
    con.execute("CREATE OR REPLACE TABLE search.languages (language VARCHAR PRIMARY KEY)")
    con.executemany("INSERT INTO search.languages VALUES (?)", [[code] for code in languages])
    return languages


def search_paragraphs(
    con: duckdb.DuckDBPyConnection, words: str, language: str | None = None, limit: int = 10
) -> duckdb.DuckDBPyRelation:
    indexed = indexed_languages(con)
    if not indexed:
        raise SearchError("the warehouse has no search index yet; run `newsflow run` first")
    if language is not None:
        if language not in indexed:
            raise SearchError(f"no paragraphs in language {language!r}; indexed: {', '.join(indexed)}")
        indexed = [language]
    matches = " UNION ALL ".join(MATCHES.format(code=_checked(code)) for code in indexed)
    return con.sql(RANKED.format(matches=matches), params={"words": words, "limit": limit})


def indexed_languages(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not con.execute(HAS_INDEX).fetchone()[0]:
        return []
    return [row[0] for row in con.execute(INDEXED_LANGUAGES).fetchall()]


def _checked(code: str) -> str:
    """Language codes become parts of table names, so only well-formed codes pass."""
    if not LANGUAGE_CODE.fullmatch(code):
        raise SearchError(f"{code!r} is not a language code")
    return code
