-- Per language of the current documents: articles, paragraph occurrences, distinct paragraphs,
-- and the share of the news occurrences (boilerplate left out) that are repeats or copies of a kept
-- occurrence; then the boilerplate occurrences.
CREATE OR REPLACE VIEW language_summary AS
SELECT
    d.language,
    count(DISTINCT d.document_id) AS articles,
    count(*) AS paragraphs_read,
    count(DISTINCT dp.paragraph_id) AS paragraphs_unique,
    count(*) FILTER (WHERE dp.is_repeat_in_document) AS repeats_in_document,
    count(*) FILTER (WHERE dp.is_duplicate_of_earlier_document AND NOT dp.is_repeat_in_document)
        AS duplicates_of_earlier_documents,
    round(count(*) FILTER (WHERE dp.is_repeat_in_document OR dp.is_duplicate_of_earlier_document)
        / greatest(count(*) FILTER (WHERE NOT dp.is_boilerplate), 1), 4) AS duplicate_ratio,
    count(*) FILTER (WHERE dp.is_boilerplate) AS boilerplate
FROM core.documents AS d
JOIN core.document_paragraphs AS dp USING (document_id)
WHERE d.is_current
GROUP BY d.language
ORDER BY d.language;
