-- Flag: the near-duplicate decision of every occurrence of a clustered paragraph (tasks/near_dedup.py).
-- Reads `near_groups` (paragraph_id, group_id): the current paragraphs in clusters of two or more among
-- `near_touched`, the paragraphs whose clusters this run worked out again (near_touched.sql); the
-- clusters and flags of every other paragraph stay as they are.
-- Parameters: $run_id, which marks the occurrences whose decision it changes (changed_run, m012).
--
-- The keep rule is the exact one (warehouse/sql/dedup.sql), over all occurrences of all members of a
-- cluster: the first in (published_on, earliest first and unknown last; source_root; source_path;
-- document_id; position) is kept, and its paragraph is the cluster's canonical member and names the
-- cluster. An occurrence is a near repeat when a member of its cluster came earlier in its document.

CREATE OR REPLACE TEMP TABLE near_decided AS
WITH occurrences AS (
    SELECT dp.document_id, dp.position, dp.paragraph_id, g.group_id, d.published_on, d.source_root, d.source_path
    FROM core.document_paragraphs AS dp
    JOIN core.documents AS d ON d.document_id = dp.document_id AND d.is_current
    JOIN near_groups AS g ON g.paragraph_id = dp.paragraph_id
    WHERE NOT dp.is_boilerplate  -- boilerplate is no copy (warehouse/sql/boilerplate.sql): its near flags stay NULL
)
SELECT
    document_id,
    position,
    paragraph_id,
    position > min(position) OVER (PARTITION BY document_id, group_id) AS is_near_repeat_in_document,
    first_value(document_id) OVER keep_order AS near_kept_document_id,
    first_value(position) OVER keep_order AS near_kept_position,
    first_value(paragraph_id) OVER keep_order AS cluster_id
FROM occurrences
WINDOW keep_order AS (
    PARTITION BY group_id
    ORDER BY published_on ASC NULLS LAST, source_root, source_path, document_id, position
);

-- A member keeps the similarity measured when it joined the same canonical paragraph (texts never
-- change under an id), so a run measures only the members that are new to their canonical one;
-- the canonical member is 1.0; the rest stay NULL until tasks/near_dedup.py measures them.
CREATE OR REPLACE TEMP TABLE near_measured AS
SELECT paragraph_id, cluster_id, similarity
FROM core.near_clusters
WHERE similarity IS NOT NULL AND paragraph_id IN (SELECT paragraph_id FROM near_touched);

DELETE FROM core.near_clusters WHERE paragraph_id IN (SELECT paragraph_id FROM near_touched);

INSERT INTO core.near_clusters
SELECT DISTINCT d.paragraph_id, d.cluster_id,
       CASE WHEN d.paragraph_id = d.cluster_id THEN 1.0 ELSE m.similarity END
FROM near_decided AS d
LEFT JOIN near_measured AS m USING (paragraph_id, cluster_id);

-- Occurrences no longer in a cluster of two or more go back to the exact decision.
UPDATE core.document_paragraphs AS dp
SET is_near_repeat_in_document = NULL, is_near_duplicate_of_earlier_document = NULL,
    near_kept_document_id = NULL, near_kept_position = NULL, changed_run = $run_id
WHERE dp.near_kept_document_id IS NOT NULL
  AND dp.paragraph_id IN (SELECT paragraph_id FROM near_touched)
  AND NOT EXISTS (
      SELECT 1 FROM near_decided AS n WHERE n.document_id = dp.document_id AND n.position = dp.position
  );

UPDATE core.document_paragraphs AS dp
SET is_near_repeat_in_document = n.is_near_repeat_in_document,
    is_near_duplicate_of_earlier_document = n.near_kept_document_id <> n.document_id,
    near_kept_document_id = n.near_kept_document_id,
    near_kept_position = n.near_kept_position,
    changed_run = $run_id
FROM near_decided AS n
WHERE dp.document_id = n.document_id
  AND dp.position = n.position
  AND (dp.near_kept_document_id IS DISTINCT FROM n.near_kept_document_id
       OR dp.near_kept_position IS DISTINCT FROM n.near_kept_position
       OR dp.is_near_repeat_in_document IS DISTINCT FROM n.is_near_repeat_in_document);

DROP TABLE near_decided;
DROP TABLE near_measured;
