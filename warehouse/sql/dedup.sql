-- Exact dedup of the staged documents against the warehouse, over `next_documents`
-- (warehouse/sql/next_documents.sql) and the boilerplate decision (warehouse/sql/boilerplate.sql).
--
-- Keep rule: of all occurrences of a paragraph among the documents that will be current once the
-- run is published, the one kept is the first in the order (published_on, earliest first and
-- unknown last; source_root; source_path; document_id; position). The order depends only on the
-- documents, never on when they arrived, so any run over the same files decides the same.
-- Only paragraphs the run touches are decided again: those of staged and of retired documents, and
-- those whose boilerplate decision changed. Boilerplate is not news and not a copy: a boilerplate
-- occurrence is its own kept copy, and never the kept copy of another.

DELETE FROM staging.occurrence_flags;

CREATE OR REPLACE TEMP TABLE affected_paragraphs AS
SELECT paragraph_id FROM staging.document_paragraphs
UNION
SELECT dp.paragraph_id
FROM core.document_paragraphs AS dp
JOIN staging.retired_documents USING (document_id)
UNION
SELECT paragraph_id FROM staging.boilerplate_flags;

INSERT INTO staging.occurrence_flags
WITH occurrences AS (
    SELECT n.*, dp.position, dp.paragraph_id, coalesce(b.is_boilerplate, dp.is_boilerplate) AS is_boilerplate
    FROM next_documents AS n
    JOIN core.document_paragraphs AS dp USING (document_id)
    LEFT JOIN staging.boilerplate_flags AS b USING (document_id, position)
    WHERE NOT n.staged AND dp.paragraph_id IN (SELECT paragraph_id FROM affected_paragraphs)
    UNION ALL
    SELECT n.*, sp.position, sp.paragraph_id, b.is_boilerplate
    FROM next_documents AS n
    JOIN staging.document_paragraphs AS sp USING (document_id)
    JOIN staging.boilerplate_flags AS b USING (document_id, position)
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
    WHERE NOT is_boilerplate
    WINDOW keep_order AS (
        PARTITION BY paragraph_id
        ORDER BY published_on ASC NULLS LAST, source_root, source_path, document_id, position
    )
    UNION ALL
    SELECT document_id, position, false, document_id, position
    FROM occurrences
    WHERE is_boilerplate
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
