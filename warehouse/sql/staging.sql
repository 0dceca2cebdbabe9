-- Staging: what the current run has read, before it is merged. A private in-memory database of the
-- run's connection (m004): it starts empty, spills to disk past the memory limit, and is gone with
-- the connection, so a killed run leaves nothing behind. Uniqueness comes from the plan (one row
-- per path, one document per file); the core tables and the quality suites check it.

ATTACH ':memory:' AS staging;

-- Every file the run saw change: read (loaded, unchanged, quarantined) or gone (deleted).
CREATE TABLE staging.files (
    source_path  VARCHAR NOT NULL,
    size_bytes   BIGINT,
    mtime_ns     BIGINT,
    content_hash VARCHAR,
    encoding     VARCHAR,
    document_id  VARCHAR,
    status       VARCHAR NOT NULL CHECK (status IN ('loaded', 'unchanged', 'quarantined', 'deleted')),
    reason       VARCHAR,
    repairs      VARCHAR
);

-- One row per document version loaded by the run.
CREATE TABLE staging.documents (
    document_id       VARCHAR NOT NULL,
    source_path       VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL,
    encoding          VARCHAR NOT NULL,
    title             VARCHAR,
    language          VARCHAR NOT NULL,
    dateline_place    VARCHAR,
    agency            VARCHAR,
    published_on      DATE,
    paragraphs_raw    INTEGER NOT NULL,
    paragraphs_unique INTEGER NOT NULL
);

-- The paragraphs of those documents, in reading order.
CREATE TABLE staging.document_paragraphs (
    document_id  VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    paragraph_id VARCHAR NOT NULL,
    text         VARCHAR NOT NULL,
    language     VARCHAR NOT NULL,
    boilerplate_hint VARCHAR  -- the rule of tasks/boilerplate.py it matched, if any
);

-- The agencies each staged document credits (tasks/credits.py).
CREATE TABLE staging.document_credits (
    document_id VARCHAR NOT NULL,
    agency      VARCHAR NOT NULL,
    evidence    VARCHAR NOT NULL
);

-- The boilerplate decision of every staged occurrence, and the changed ones of earlier documents
-- (warehouse/sql/boilerplate.sql).
CREATE TABLE staging.boilerplate_flags (
    document_id        VARCHAR NOT NULL,
    position           INTEGER NOT NULL,
    paragraph_id       VARCHAR NOT NULL,
    is_boilerplate     BOOLEAN NOT NULL,
    boilerplate_reason VARCHAR
);

-- Recounted lines of the source folder: how many current documents hold each (0: none any more).
CREATE TABLE staging.source_lines (
    paragraph_id VARCHAR NOT NULL,
    documents    INTEGER NOT NULL
);

-- Dedup decisions that are new or changed (warehouse/sql/dedup.sql).
CREATE TABLE staging.occurrence_flags (
    document_id                      VARCHAR NOT NULL,
    position                         INTEGER NOT NULL,
    is_repeat_in_document            BOOLEAN NOT NULL,
    is_duplicate_of_earlier_document BOOLEAN NOT NULL,
    kept_document_id                 VARCHAR NOT NULL,
    kept_position                    INTEGER NOT NULL
);

-- Current documents this run replaces (changed, quarantined or deleted files).
CREATE TABLE staging.retired_documents (
    document_id VARCHAR NOT NULL
);

-- Near-duplicate signatures of the batches' distinct paragraphs (tasks/near_signature.py), numbered across
-- the run as the batches are staged (staged_key); their band and prefix keys refer to that number, not to
-- the paragraph_id: at 1 GB of articles, 36 million keys would carry a 32-character id each.
CREATE TABLE staging.near_signatures (
    staged_key      INTEGER NOT NULL,
    paragraph_id    VARCHAR NOT NULL,
    words           INTEGER NOT NULL,
    numbers         VARCHAR[] NOT NULL,
    chars           INTEGER NOT NULL,
    sentence_sketch UINTEGER[] NOT NULL
);

CREATE TABLE staging.near_bands (
    staged_key INTEGER NOT NULL,
    band_key   UBIGINT NOT NULL
);

CREATE TABLE staging.near_prefixes (
    staged_key INTEGER NOT NULL,
    prefix_key UBIGINT NOT NULL
);

-- The batches' paragraphs tokenized for the search index (tasks/search_terms.py): one row per distinct
-- (paragraph_id, language, text) of a batch, numbered across the run (variant), with the occurrence that
-- holds its text; and its stemmed terms, in variant order.
CREATE TABLE staging.search_paragraphs (
    variant      INTEGER NOT NULL,
    paragraph_id VARCHAR NOT NULL,
    language     VARCHAR NOT NULL,
    document_id  VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    terms        INTEGER NOT NULL
);

CREATE TABLE staging.search_terms (
    variant INTEGER NOT NULL,
    term    VARCHAR NOT NULL,
    tf      INTEGER NOT NULL
);
