-- Boilerplate: decide which paragraph occurrences of the source folder are site chrome, over
-- `next_documents` (warehouse/sql/next_documents.sql). Parameters: $root, $max_chars,
-- $news_sentence_words, $min_documents, $min_share (tasks/boilerplate.py:
-- RecurringConfig, and bench/README.md for how they were chosen).
--
-- An occurrence is boilerplate when the prepare step's rules hinted it (tasks/boilerplate.py), or
-- when its paragraph is short (at most $max_chars characters, and no sentence of
-- $news_sentence_words words or more) and recurs in at least $min_documents
-- current documents of the folder, and in at least $min_share of them: a promo footer or a menu
-- line, not a news paragraph syndicated into two or three articles. A document whose every
-- occurrence would be boilerplate keeps its first one without a hint. The counts per line are kept
-- in core.source_lines and recounted only for the paragraphs of the documents the run adds or
-- retires; documents read earlier are decided again when one of their lines crosses the threshold.

DELETE FROM staging.source_lines;

DELETE FROM staging.boilerplate_flags;

INSERT INTO staging.source_lines
WITH lines_read AS (
    SELECT paragraph_id, text FROM staging.document_paragraphs
    UNION ALL
    -- A folder never counted (a warehouse from before m008): all its lines, once.
    SELECT dp.paragraph_id, p.text
    FROM next_documents AS n
    JOIN core.document_paragraphs AS dp USING (document_id)
    JOIN core.paragraphs AS p USING (paragraph_id)
    WHERE NOT n.staged
      AND n.source_root = $root
      AND NOT EXISTS (SELECT 1 FROM core.source_lines WHERE source_root = $root)
),
touched AS (
    SELECT DISTINCT paragraph_id
    FROM lines_read
    -- A sign-off in brackets, "(AFP)", "(dpa/jar)", "(mat)", recurs because agencies and authors do:
    -- it is the article's credit (tasks/credits.py), not chrome.
    -- A sentence of $news_sentence_words words or more is news even when short: syndicated, a duplicate.
    WHERE length(text) <= $max_chars
      AND NOT regexp_matches(text, '^\([^()]{1,20}\)$')
      AND NOT (regexp_matches(text, '[.!?]$')
               AND len(string_split_regex(trim(text), '\s+')) >= $news_sentence_words)
    UNION
    SELECT l.paragraph_id
    FROM core.source_lines AS l
    JOIN core.document_paragraphs AS dp USING (paragraph_id)
    JOIN staging.retired_documents AS r USING (document_id)
    WHERE l.source_root = $root
),
occurrences AS (
    SELECT dp.document_id, dp.paragraph_id
    FROM next_documents AS n
    JOIN core.document_paragraphs AS dp USING (document_id)
    WHERE NOT n.staged AND n.source_root = $root AND dp.paragraph_id IN (SELECT paragraph_id FROM touched)
    UNION ALL
    SELECT document_id, paragraph_id
    FROM staging.document_paragraphs
    WHERE paragraph_id IN (SELECT paragraph_id FROM touched)
)
SELECT t.paragraph_id, count(DISTINCT o.document_id)
FROM touched AS t
LEFT JOIN occurrences AS o USING (paragraph_id)
GROUP BY t.paragraph_id;

CREATE OR REPLACE TEMP TABLE recurring_lines AS
WITH lines AS (
    SELECT paragraph_id, documents
    FROM core.source_lines
    WHERE source_root = $root AND paragraph_id NOT IN (SELECT paragraph_id FROM staging.source_lines)
    UNION ALL
    SELECT paragraph_id, documents FROM staging.source_lines
)
SELECT paragraph_id
FROM lines
WHERE documents >= greatest(
    $min_documents, ceil($min_share * (SELECT count(*) FROM next_documents WHERE source_root = $root))
);

-- The documents to decide: the staged ones, and the earlier ones holding a line that became or
-- stopped being recurring.
CREATE OR REPLACE TEMP TABLE boilerplate_documents AS
SELECT document_id FROM staging.documents
UNION
SELECT dp.document_id
FROM next_documents AS n
JOIN core.document_paragraphs AS dp USING (document_id)
WHERE NOT n.staged
  AND n.source_root = $root
  AND dp.boilerplate_hint IS NULL
  AND (dp.paragraph_id IN (SELECT paragraph_id FROM recurring_lines))
      <> (coalesce(dp.boilerplate_reason, '') = 'recurring_in_source');

INSERT INTO staging.boilerplate_flags
WITH occurrences AS (
    SELECT document_id, position, paragraph_id, boilerplate_hint, true AS staged
    FROM staging.document_paragraphs
    UNION ALL
    SELECT dp.document_id, dp.position, dp.paragraph_id, dp.boilerplate_hint, false
    FROM core.document_paragraphs AS dp
    WHERE dp.document_id IN (SELECT document_id FROM boilerplate_documents)
      AND dp.document_id NOT IN (SELECT document_id FROM staging.documents)
),
matched AS (
    SELECT
        o.*,
        coalesce(o.boilerplate_hint, CASE WHEN r.paragraph_id IS NOT NULL THEN 'recurring_in_source' END) AS reason
    FROM occurrences AS o
    LEFT JOIN recurring_lines AS r USING (paragraph_id)
),
rescued AS (
    SELECT
        *,
        bool_and(reason IS NOT NULL) OVER (PARTITION BY document_id)
        AND position = min(position) FILTER (WHERE boilerplate_hint IS NULL) OVER (PARTITION BY document_id)
            AS is_rescued
    FROM matched
),
decided AS (
    SELECT
        document_id, position, paragraph_id, staged,
        reason IS NOT NULL AND NOT coalesce(is_rescued, false) AS is_boilerplate,
        CASE WHEN NOT coalesce(is_rescued, false) THEN reason END AS boilerplate_reason
    FROM rescued
)
SELECT document_id, position, paragraph_id, is_boilerplate, boilerplate_reason
FROM decided
WHERE staged
UNION ALL
-- An earlier occurrence only where its decision changed. (Its own branch: `NOT d.staged` in a LEFT JOIN's
-- condition made DuckDB join by nested loops, 133 s of a 1 GB warehouse's run after 1% changed.)
SELECT d.document_id, d.position, d.paragraph_id, d.is_boilerplate, d.boilerplate_reason
FROM decided AS d
JOIN core.document_paragraphs AS cur USING (document_id, position)
WHERE NOT d.staged
  AND (cur.is_boilerplate IS DISTINCT FROM d.is_boilerplate
       OR cur.boilerplate_reason IS DISTINCT FROM d.boilerplate_reason);
