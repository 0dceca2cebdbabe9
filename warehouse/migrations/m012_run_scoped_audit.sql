-- m012: the quality gate audits what a run changed, not every row every time (issue 14.4).
--
-- `changed_run` is the last run that wrote the row: a document loaded, brought back or retired, an
-- occurrence added or given another exact or near-duplicate decision. Rows written before this
-- migration have none: they passed the gate of the run that published them.
ALTER TABLE core.documents ADD COLUMN changed_run BIGINT;
ALTER TABLE core.document_paragraphs ADD COLUMN changed_run BIGINT;

-- What the gate audits of the run being validated (warehouse/sql/audit_scope.sql), written into the
-- candidate when its load ends: the documents the run touched, with every occurrence of them, and
-- the paragraphs their current versions hold. The expectations (expectations/suites.py) read these
-- instead of whole tables.
CREATE TABLE core.audited_documents (
    document_id VARCHAR NOT NULL
);
CREATE TABLE core.audited_paragraphs (
    paragraph_id VARCHAR NOT NULL
);
