-- Start a run with empty staging tables; a killed run's leftovers are discarded here.
DELETE FROM staging.files;
DELETE FROM staging.documents;
DELETE FROM staging.document_paragraphs;
DELETE FROM staging.occurrence_flags;
DELETE FROM staging.retired_documents;
