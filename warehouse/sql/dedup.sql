-- Exact dedup of the staged documents against the warehouse. Parameters: $root.
--
-- Keep rule: of all occurrences of a paragraph among the documents that will be current once the
-- run is published, the one kept is the first in the order (published_on, earliest first and
-- unknown last; source_root; source_path; document_id; position). The order depends only on the
-- documents, never on when they arrived, so any run over the same files decides the same.
-- Only paragraphs the run touches are decided again: those of staged and of retired documents.

DELETE FROM staging.occurrence_flags;

DELETE FROM staging.retired_documents;

INSERT INTO staging.retired_documents
SELECT d.document_id
FROM core.documents AS d
JOIN staging.files AS f ON f.source_path = d.source_path
WHERE d.source_root = $root
  AND d.is_current
  AND f.status IN ('loaded', 'quarantined', 'deleted');

CREATE OR REPLACE TEMP TABLE affected_paragraphs AS
SELECT paragraph_id FROM staging.document_paragraphs
UNION
SELECT dp.paragraph_id
FROM core.document_paragraphs AS dp
JOIN staging.retired_documents USING (document_id);

CREATE OR REPLACE TEMP TABLE next_documents AS
SELECT document_id, published_on, source_root, source_path, false AS staged
FROM core.documents
WHERE is_current AND document_id NOT IN (SELECT document_id FROM staging.retired_documents)
UNION ALL
SELECT document_id, published_on, $root, source_path, true
FROM staging.documents;

INSERT INTO staging.occurrence_flags
WITH occurrences AS (
    SELECT n.*, dp.position, dp.paragraph_id
    FROM next_documents AS n
    JOIN core.document_paragraphs AS dp USING (document_id)
    WHERE NOT n.staged AND dp.paragraph_id IN (SELECT paragraph_id FROM affected_paragraphs)
    UNION ALL
    SELECT n.*, sp.position, sp.paragraph_id
    FROM next_documents AS n
    JOIN staging.document_paragraphs AS sp USING (document_id)
    WHERE n.staged
),
decided AS (
    SELECT
        document_id,
        position,
        position > min(position) OVER (PARTITION BY document_id, paragraph_id) AS is_repeat_in_document,
        first_value(document_id) OVER keep_order AS kept_document_id,
        first_value(position) OVER keep_order AS kept_position
    FROM occurrences
    WINDOW keep_order AS (
        PARTITION BY paragraph_id
        ORDER BY published_on ASC NULLS LAST, source_root, source_path, document_id, position
    )
)
SELECT
    d.document_id,
    d.position,
    d.is_repeat_in_document,
    d.kept_document_id <> d.document_id,
    d.kept_document_id,
    d.kept_position
FROM decided AS d
LEFT JOIN core.document_paragraphs AS cur
    ON cur.document_id = d.document_id AND cur.position = d.position
WHERE cur.document_id IS NULL
   OR cur.is_repeat_in_document <> d.is_repeat_in_document
   OR cur.kept_document_id <> d.kept_document_id
   OR cur.kept_position <> d.kept_position;
