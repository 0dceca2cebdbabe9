-- Touched: the paragraphs whose clusters this run works out again (tasks/near_dedup.py).
-- Parameters: $run_id.
--
-- Clusters are cut from the connected parts of the graph of verified pairs among the current
-- paragraphs, each part from its own pairs and numbers alone (tasks/near_cluster.py). A part comes out
-- differently only if it gained a pair, gained or lost a paragraph, or an occurrence of one of its
-- paragraphs came, went or changed (the keep rule reads every occurrence). Each of those puts a
-- paragraph of the part among the seeds: the ends of the pairs found by this run, the paragraphs of
-- the documents it loaded, brought back or retired, and of the occurrences it changed (boilerplate or
-- exact decisions), with their neighbours, which reach the pieces a lost paragraph leaves behind.
-- The parts around the seeds are then grown to their whole (tasks/near_dedup.py, GROW_TOUCHED), so
-- every other part, and its clusters and flags, stays as it is: a run costs what it changed.

CREATE OR REPLACE TEMP TABLE current_paragraphs AS
SELECT DISTINCT dp.paragraph_id
FROM core.document_paragraphs AS dp
JOIN core.documents AS d ON d.document_id = dp.document_id AND d.is_current;

CREATE OR REPLACE TEMP TABLE current_pairs AS
SELECT left_id, right_id, similarity
FROM core.near_pairs
WHERE left_id IN (SELECT paragraph_id FROM current_paragraphs)
  AND right_id IN (SELECT paragraph_id FROM current_paragraphs);

CREATE OR REPLACE TEMP TABLE near_touched AS
WITH seeds AS (
    SELECT left_id AS paragraph_id FROM core.near_pairs WHERE found_run = $run_id
    UNION
    SELECT right_id FROM core.near_pairs WHERE found_run = $run_id
    UNION
    SELECT dp.paragraph_id
    FROM core.document_paragraphs AS dp
    JOIN core.documents AS d USING (document_id)
    WHERE d.changed_run = $run_id OR dp.changed_run = $run_id
)
SELECT paragraph_id FROM seeds
UNION
SELECT p.right_id FROM core.near_pairs AS p JOIN seeds AS s ON p.left_id = s.paragraph_id
UNION
SELECT p.left_id FROM core.near_pairs AS p JOIN seeds AS s ON p.right_id = s.paragraph_id;

CREATE OR REPLACE TEMP TABLE near_frontier AS SELECT paragraph_id FROM near_touched;
