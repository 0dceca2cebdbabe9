-- Every paragraph occurrence of the current documents, with its dedup flags and the copy kept:
-- exact (same normalized text) and near (same near-duplicate cluster, tasks/near_dedup.py). A paragraph
-- with no near copy is a cluster of its own, named by its own id, where the near flags are the exact ones.
-- A boilerplate occurrence (is_boilerplate, and the rule in boilerplate_reason) is neither a repeat nor
-- a copy: its flags are false and it is its own kept copy.
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
    dp.kept_position,
    coalesce(c.cluster_id, dp.paragraph_id) AS near_duplicate_cluster_id,
    coalesce(dp.is_near_repeat_in_document, dp.is_repeat_in_document) AS is_near_repeat_in_document,
    coalesce(dp.is_near_duplicate_of_earlier_document, dp.is_duplicate_of_earlier_document)
        AS is_near_duplicate_of_earlier_document,
    coalesce(dp.near_kept_document_id, dp.kept_document_id) AS near_kept_document_id,
    coalesce(dp.near_kept_position, dp.kept_position) AS near_kept_position,
    coalesce(c.similarity, 1.0) AS similarity,
    dp.is_boilerplate,
    dp.boilerplate_reason
FROM core.document_paragraphs AS dp
JOIN core.documents AS d USING (document_id)
JOIN core.paragraphs AS p USING (paragraph_id)
LEFT JOIN core.near_clusters AS c USING (paragraph_id)
WHERE d.is_current;
