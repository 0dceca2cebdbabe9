-- Every paragraph occurrence of the current documents, with its dedup flags and the copy kept.
CREATE OR REPLACE VIEW paragraph_occurrences AS
SELECT
    dp.document_id,
    d.source_path,
    dp.position,
    dp.paragraph_id,
    coalesce(dp.text_variant, p.text) AS text,
    p.language,
    dp.is_repeat_in_document,
    dp.is_duplicate_of_earlier_document,
    dp.kept_document_id,
    dp.kept_position
FROM core.document_paragraphs AS dp
JOIN core.documents AS d USING (document_id)
JOIN core.paragraphs AS p USING (paragraph_id)
WHERE d.is_current;
