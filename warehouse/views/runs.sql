-- One row per flow run, newest last.
CREATE OR REPLACE VIEW runs AS
SELECT
    run_id,
    flow_run_id,
    started_at,
    finished_at,
    status,
    files_seen,
    files_loaded,
    files_unchanged,
    files_quarantined,
    paragraphs_read,
    paragraphs_unique,
    files_deleted,
    paragraphs_new,
    message,
    source_root
FROM core.runs;
