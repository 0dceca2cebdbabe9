-- A run stopped by SIGINT or SIGTERM is recorded as 'cancelled', with the signal and the step it
-- stopped in. DuckDB cannot alter a CHECK constraint, so the table is rebuilt with the same columns.
CREATE TABLE core.runs_m006 (
    run_id            BIGINT PRIMARY KEY,
    flow_run_id       VARCHAR,              -- Prefect flow-run id
    source_root       VARCHAR NOT NULL,     -- absolute path of the folder the run read
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    status            VARCHAR NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
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
INSERT INTO core.runs_m006 SELECT * FROM core.runs;
DROP TABLE core.runs;
ALTER TABLE core.runs_m006 RENAME TO runs;
