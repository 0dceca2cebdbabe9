-- Every file a run has seen under a source root, now: loaded, quarantined or deleted, with the
-- encoding it was decoded from and the repairs decode made. Files = loaded + quarantined + deleted.
CREATE OR REPLACE VIEW source_files AS
SELECT source_root, source_path, status, encoding, repairs, reason, size_bytes, document_id,
       first_seen_run, last_changed_run
FROM core.source_files;
