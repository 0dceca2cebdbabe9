-- Merge the staged run into the core tables of the candidate. Runs inside one transaction (tasks/merge.py).
-- Parameters: $root, $run_id.

-- Files: loaded and quarantined ones take their new state; unchanged ones only their new stat.
INSERT INTO core.source_files
SELECT $root, source_path, size_bytes, mtime_ns, content_hash, encoding, document_id, status, reason, $run_id, $run_id,
       repairs
FROM staging.files
WHERE status IN ('loaded', 'quarantined')
ON CONFLICT (source_root, source_path) DO UPDATE SET
    size_bytes = excluded.size_bytes,
    mtime_ns = excluded.mtime_ns,
    content_hash = excluded.content_hash,
    encoding = excluded.encoding,
    repairs = excluded.repairs,
    document_id = excluded.document_id,
    status = excluded.status,
    reason = excluded.reason,
    last_changed_run = excluded.last_changed_run;

UPDATE core.source_files AS s
SET size_bytes = f.size_bytes, mtime_ns = f.mtime_ns
FROM staging.files AS f
WHERE s.source_root = $root AND s.source_path = f.source_path AND f.status = 'unchanged';

UPDATE core.source_files AS s
SET status = 'deleted', document_id = NULL, reason = NULL, last_changed_run = $run_id
FROM staging.files AS f
WHERE s.source_root = $root AND s.source_path = f.source_path AND f.status = 'deleted';

-- Documents: retire the superseded versions, revive a version that came back, add the new ones.
-- Every row the run writes is marked with it (changed_run): the quality gate audits those (m012).
UPDATE core.documents
SET is_current = false, retired_run = $run_id, changed_run = $run_id
WHERE document_id IN (SELECT document_id FROM staging.retired_documents);

UPDATE core.documents
SET is_current = true, retired_run = NULL, changed_run = $run_id
WHERE document_id IN (SELECT document_id FROM staging.documents);

INSERT INTO core.documents
SELECT
    document_id, $root, source_path, content_hash, encoding, title, language, dateline_place, agency,
    published_on, paragraphs_raw, paragraphs_unique, true, $run_id, NULL, $run_id
FROM staging.documents
WHERE document_id NOT IN (SELECT document_id FROM core.documents);

-- Paragraphs never seen before, with the text of their first occurrence in this run (by source_path,
-- position). The first occurrence is found on fixed-size keys and its text fetched by a join: an
-- aggregate that carried the texts (arg_min(text, ...)) could not spill and ran out of memory at 1 GB.
INSERT INTO core.paragraphs
WITH document_order AS (
    SELECT document_id, row_number() OVER (ORDER BY source_path) AS ordinal FROM staging.documents
),
first_occurrences AS (
    SELECT sp.paragraph_id, min(o.ordinal * 4294967296 + sp.position) AS first_key
    FROM staging.document_paragraphs AS sp
    JOIN document_order AS o USING (document_id)
    WHERE sp.paragraph_id NOT IN (SELECT paragraph_id FROM core.paragraphs)
    GROUP BY sp.paragraph_id
)
SELECT f.paragraph_id, sp.text, sp.language, length(sp.text), $run_id
FROM first_occurrences AS f
JOIN document_order AS o ON o.ordinal = f.first_key // 4294967296
JOIN staging.document_paragraphs AS sp
    ON sp.document_id = o.document_id AND sp.position = f.first_key % 4294967296;

-- Occurrences of the new documents, with their dedup decision; then the changed decisions.
INSERT INTO core.document_paragraphs (
    document_id, position, paragraph_id, text_variant, is_repeat_in_document, is_duplicate_of_earlier_document,
    kept_document_id, kept_position, changed_run, boilerplate_hint, is_boilerplate, boilerplate_reason
)
SELECT
    sp.document_id,
    sp.position,
    sp.paragraph_id,
    CASE WHEN sp.text <> p.text THEN sp.text END,
    f.is_repeat_in_document,
    f.is_duplicate_of_earlier_document,
    f.kept_document_id,
    f.kept_position,
    $run_id,
    sp.boilerplate_hint,
    b.is_boilerplate,
    b.boilerplate_reason
FROM staging.document_paragraphs AS sp
JOIN core.paragraphs AS p USING (paragraph_id)
JOIN staging.occurrence_flags AS f USING (document_id, position)
JOIN staging.boilerplate_flags AS b USING (document_id, position)
WHERE sp.document_id NOT IN (SELECT DISTINCT document_id FROM core.document_paragraphs);

UPDATE core.document_paragraphs AS dp
SET is_repeat_in_document = f.is_repeat_in_document,
    is_duplicate_of_earlier_document = f.is_duplicate_of_earlier_document,
    kept_document_id = f.kept_document_id,
    kept_position = f.kept_position,
    changed_run = $run_id
FROM staging.occurrence_flags AS f
WHERE dp.document_id = f.document_id
  AND dp.position = f.position
  AND (dp.is_repeat_in_document <> f.is_repeat_in_document
       OR dp.kept_document_id <> f.kept_document_id
       OR dp.kept_position <> f.kept_position);

-- Boilerplate decisions that changed (a line of the folder became, or stopped being, recurring),
-- the recounted lines of the folder, and the agencies the new documents credit.
UPDATE core.document_paragraphs AS dp
SET is_boilerplate = b.is_boilerplate, boilerplate_reason = b.boilerplate_reason, changed_run = $run_id
FROM staging.boilerplate_flags AS b
WHERE dp.document_id = b.document_id
  AND dp.position = b.position
  AND (dp.is_boilerplate IS DISTINCT FROM b.is_boilerplate
       OR dp.boilerplate_reason IS DISTINCT FROM b.boilerplate_reason);

DELETE FROM core.source_lines
WHERE source_root = $root AND paragraph_id IN (SELECT paragraph_id FROM staging.source_lines);

INSERT INTO core.source_lines
SELECT $root, paragraph_id, documents FROM staging.source_lines WHERE documents > 0;

INSERT INTO core.document_credits
SELECT document_id, agency, evidence
FROM staging.document_credits
WHERE document_id NOT IN (SELECT DISTINCT document_id FROM core.document_credits);
