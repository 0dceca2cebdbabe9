-- m005: the search index becomes tables of our own that each run adds to (warehouse/search.py),
-- instead of one DuckDB fts index per language rebuilt from scratch on every run. The old index
-- goes: its per-language tables, and the fts schemas of the languages newsflow configures by default.
-- The new one starts empty; the next run that changes anything indexes every paragraph not yet in it.

DROP SCHEMA IF EXISTS search CASCADE;
DROP SCHEMA IF EXISTS fts_search_paragraphs_de CASCADE;
DROP SCHEMA IF EXISTS fts_search_paragraphs_en CASCADE;
DROP SCHEMA IF EXISTS fts_search_paragraphs_es CASCADE;
DROP SCHEMA IF EXISTS fts_search_paragraphs_fr CASCADE;
DROP SCHEMA IF EXISTS fts_search_paragraphs_kk CASCADE;
DROP SCHEMA IF EXISTS fts_search_paragraphs_ru CASCADE;
DROP SCHEMA IF EXISTS fts_search_paragraphs_und CASCADE;

CREATE SCHEMA search;

-- One row per paragraph indexed: a compact key for the terms table, its language (whose stemmer
-- made its terms) and its length in terms.
CREATE TABLE search.paragraph_terms (
    paragraph_key INTEGER NOT NULL,
    paragraph_id  VARCHAR NOT NULL,
    language      VARCHAR NOT NULL,
    terms         INTEGER NOT NULL
);

-- One row per term per paragraph: the stemmed term and how often the paragraph holds it. Written
-- sorted by term within each run's slice, so a query's terms touch few row groups.
CREATE TABLE search.terms (
    term          VARCHAR NOT NULL,
    paragraph_key INTEGER NOT NULL,
    tf            INTEGER NOT NULL
);
