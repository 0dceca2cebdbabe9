-- Files that are in quarantine now, why, and the run that put them there.
CREATE OR REPLACE VIEW quarantine AS
SELECT source_path, reason, last_changed_run AS run_id, source_root, size_bytes
FROM core.source_files
WHERE status = 'quarantined';
