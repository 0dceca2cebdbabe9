-- m001: the core tables of the data contract (DESIGN.md). Users query the views in `main`;
-- these tables live in schema `core` and may change shape only through a new migration.
-- The big tables declare no keys: their invariants (unique ids, references that resolve) are
-- critical expectations checked before every publish (expectations/), which also keeps bulk
-- loads free of index maintenance.

CREATE SCHEMA core;

-- One row per flow run. Counts are filled in when the run ends.
CREATE TABLE core.runs (
    run_id            BIGINT PRIMARY KEY,
    flow_run_id       VARCHAR,              -- Prefect flow-run id
    source_root       VARCHAR NOT NULL,     -- absolute path of the folder the run read
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    status            VARCHAR NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    message           VARCHAR,
    files_seen        INTEGER,
    files_loaded      INTEGER,
    files_unchanged   INTEGER,
    files_quarantined INTEGER,
    files_deleted     INTEGER,
    paragraphs_read   BIGINT,               -- paragraph occurrences in the files loaded by this run
    paragraphs_unique BIGINT,               -- distinct paragraphs among them
    paragraphs_new    BIGINT                -- of those, paragraphs the warehouse had never seen
);

-- The funnel of every step: one row per (run, step, counter), e.g. (7, 'segment', 'paragraphs', 65).
CREATE TABLE core.run_counters (
    run_id  BIGINT NOT NULL,
    step    VARCHAR NOT NULL,
    counter VARCHAR NOT NULL,
    value   BIGINT NOT NULL
);

-- One row per path ever seen under a source root. A run over unchanged files leaves these rows
-- untouched: `last_changed_run` is the run that last read, quarantined or lost the file.
CREATE TABLE core.source_files (
    source_root      VARCHAR NOT NULL,
    source_path      VARCHAR NOT NULL,      -- relative to source_root, '/'-separated
    size_bytes       BIGINT,
    mtime_ns         BIGINT,
    content_hash     VARCHAR,               -- xxh3-128 of the raw bytes, hex
    encoding         VARCHAR,               -- as detected when decoded
    document_id      VARCHAR,               -- the current document version; NULL unless loaded
    status           VARCHAR NOT NULL CHECK (status IN ('loaded', 'quarantined', 'deleted')),
    reason           VARCHAR,               -- why it is quarantined
    first_seen_run   BIGINT NOT NULL,
    last_changed_run BIGINT NOT NULL,
    PRIMARY KEY (source_root, source_path)
);

-- One row per document version: a file's content at one time. A changed file gets a new row and
-- the old one is retired (is_current = false), never deleted.
CREATE TABLE core.documents (
    document_id       VARCHAR NOT NULL,     -- xxh3-128 of (source_root, source_path, content_hash)
    source_root       VARCHAR NOT NULL,
    source_path       VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL,
    encoding          VARCHAR NOT NULL,
    title             VARCHAR,
    language          VARCHAR NOT NULL,     -- ISO 639-1, 'und' when undetermined
    dateline_place    VARCHAR,
    agency            VARCHAR,
    published_on      DATE,
    paragraphs_raw    INTEGER NOT NULL,
    paragraphs_unique INTEGER NOT NULL,
    is_current        BOOLEAN NOT NULL,
    loaded_run        BIGINT NOT NULL,
    retired_run       BIGINT
);

-- One row per distinct paragraph, keyed by the hash of its normalized text (tasks/fingerprint.py).
CREATE TABLE core.paragraphs (
    paragraph_id   VARCHAR NOT NULL,
    text           VARCHAR NOT NULL,        -- original text of the first occurrence loaded
    language       VARCHAR NOT NULL,
    char_count     INTEGER NOT NULL,
    first_seen_run BIGINT NOT NULL
);

-- Every paragraph occurrence, in reading order. Nothing read is dropped: a repeat or a copy is a
-- flag plus the (document, position) of the occurrence that was kept.
CREATE TABLE core.document_paragraphs (
    document_id                      VARCHAR NOT NULL,
    position                         INTEGER NOT NULL,  -- 1-based
    paragraph_id                     VARCHAR NOT NULL,
    text_variant                     VARCHAR,           -- this occurrence's text where it differs from paragraphs.text
    is_repeat_in_document            BOOLEAN NOT NULL,
    is_duplicate_of_earlier_document BOOLEAN NOT NULL,
    kept_document_id                 VARCHAR NOT NULL,
    kept_position                    INTEGER NOT NULL
);

-- Facts about the warehouse itself, e.g. the normalization version its paragraph ids use.
CREATE TABLE core.warehouse_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Staging: what the current run has read, before it is published. Emptied when a run starts.
CREATE SCHEMA staging;

-- Every file the run saw change: read (loaded, unchanged, quarantined) or gone (deleted).
CREATE TABLE staging.files (
    source_path  VARCHAR PRIMARY KEY,
    size_bytes   BIGINT,
    mtime_ns     BIGINT,
    content_hash VARCHAR,
    encoding     VARCHAR,
    document_id  VARCHAR,
    status       VARCHAR NOT NULL CHECK (status IN ('loaded', 'unchanged', 'quarantined', 'deleted')),
    reason       VARCHAR
);

CREATE TABLE staging.documents (
    document_id       VARCHAR PRIMARY KEY,
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

CREATE TABLE staging.document_paragraphs (
    document_id  VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    paragraph_id VARCHAR NOT NULL,
    text         VARCHAR NOT NULL,
    language     VARCHAR NOT NULL
);

-- The dedup decision for every occurrence whose flags the run sets or changes.
CREATE TABLE staging.occurrence_flags (
    document_id                      VARCHAR NOT NULL,
    position                         INTEGER NOT NULL,
    is_repeat_in_document            BOOLEAN NOT NULL,
    is_duplicate_of_earlier_document BOOLEAN NOT NULL,
    kept_document_id                 VARCHAR NOT NULL,
    kept_position                    INTEGER NOT NULL
);

-- Current documents this run retires: their file changed, was quarantined or was deleted.
CREATE TABLE staging.retired_documents (
    document_id VARCHAR PRIMARY KEY
);
