-- Paragraphs that occur more than once among the current documents, and where the kept copy is.
-- Boilerplate occurrences are not copies, so they are not counted.
CREATE OR REPLACE VIEW duplicate_paragraphs AS
SELECT
    dp.paragraph_id,
    any_value(p.text) AS text,
    count(*) AS occurrence_count,
    count(DISTINCT dp.document_id) AS document_count,
    any_value(p.language) AS language,
    any_value(dp.kept_document_id) AS kept_document_id
FROM core.document_paragraphs AS dp
JOIN core.documents AS d USING (document_id)
JOIN core.paragraphs AS p USING (paragraph_id)
WHERE d.is_current AND NOT dp.is_boilerplate
GROUP BY dp.paragraph_id
HAVING count(*) > 1;
