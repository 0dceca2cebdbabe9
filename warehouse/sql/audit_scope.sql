-- What the quality gate audits of run $run_id (m012; warehouse/quality.py ASSETS read it): the rows the run
-- changed, and what an invariant about them needs beside them, instead of every row every time.
-- Parameters: $run_id; $everything, true to audit every row (NEWSFLOW_AUDIT_ALL).
--
-- Documents: those the run changed (loaded, brought back, retired), those holding an occurrence whose
-- decision it changed, and those whose occurrences link to a document it changed (retiring a kept copy
-- decides its copies again); then every current version of the same files, so that a second current
-- version of a file is in view. Their occurrences are audited whole. Paragraphs: those the current
-- audited documents hold, with every row that shares their id.

DELETE FROM core.audited_documents;

DELETE FROM core.audited_paragraphs;

CREATE OR REPLACE TEMP TABLE changed_documents AS
SELECT document_id FROM core.documents WHERE changed_run = $run_id OR $everything
UNION
SELECT document_id FROM core.document_paragraphs WHERE changed_run = $run_id OR $everything;

INSERT INTO core.audited_documents
WITH touched AS (
    SELECT document_id FROM changed_documents
    UNION
    SELECT document_id FROM core.document_paragraphs
    WHERE kept_document_id IN (SELECT document_id FROM changed_documents)
       OR near_kept_document_id IN (SELECT document_id FROM changed_documents)
)
SELECT document_id FROM touched
UNION
SELECT d.document_id
FROM core.documents AS d
JOIN (SELECT source_root, source_path FROM core.documents WHERE document_id IN (SELECT document_id FROM touched)) AS f
    ON f.source_root = d.source_root AND f.source_path = d.source_path
WHERE d.is_current;

INSERT INTO core.audited_paragraphs
SELECT DISTINCT o.paragraph_id
FROM core.document_paragraphs AS o
JOIN (SELECT document_id FROM core.documents WHERE is_current) AS d ON d.document_id = o.document_id
WHERE o.document_id IN (SELECT document_id FROM core.audited_documents);

DROP TABLE changed_documents;
