-- One row per near-duplicate cluster of two or more distinct paragraphs among the current documents:
-- its canonical paragraph (whose occurrence the keep rule keeps, and which names the cluster), how many
-- paragraphs, occurrences and documents it spans, their languages, and the lowest similarity
-- (Jaccard of character shingles) of a member to the canonical paragraph.
CREATE OR REPLACE VIEW near_duplicate_clusters AS
SELECT
    c.cluster_id,
    c.cluster_id AS canonical_paragraph_id,
    any_value(k.text) AS canonical_text,
    count(DISTINCT c.paragraph_id) AS paragraphs,
    count(*) AS occurrences,
    count(DISTINCT dp.document_id) AS documents,
    list(DISTINCT p.language ORDER BY p.language) AS languages,
    min(c.similarity) AS min_similarity
FROM core.near_clusters AS c
JOIN core.document_paragraphs AS dp USING (paragraph_id)
JOIN core.documents AS d ON d.document_id = dp.document_id AND d.is_current
JOIN core.paragraphs AS p ON p.paragraph_id = c.paragraph_id
JOIN core.paragraphs AS k ON k.paragraph_id = c.cluster_id
GROUP BY c.cluster_id
-- A member whose every occurrence is boilerplate leaves its cluster (warehouse/sql/near_flag.sql).
HAVING count(DISTINCT c.paragraph_id) >= 2;
