-- m002: one row per expectation per run: the quality gate's record (expectations/).

CREATE TABLE core.quality_results (
    run_id           BIGINT NOT NULL,
    suite            VARCHAR NOT NULL,     -- one suite per table: documents, paragraphs, ...
    expectation      VARCHAR NOT NULL,     -- our name for it, e.g. paragraph_ids_unique
    expectation_type VARCHAR NOT NULL,     -- the Great Expectations class, e.g. expect_column_values_to_be_unique
    column_name      VARCHAR,
    severity         VARCHAR NOT NULL CHECK (severity IN ('critical', 'warning')),
    success          BOOLEAN NOT NULL,
    observed_value   VARCHAR,              -- JSON
    unexpected_count BIGINT,
    details          VARCHAR               -- JSON: description, examples of unexpected values, errors
);
