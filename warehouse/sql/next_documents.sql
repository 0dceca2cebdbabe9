-- The documents current once the run is published, and those it retires: what the boilerplate and
-- dedup decisions (warehouse/sql/boilerplate.sql, dedup.sql) are made over. Parameters: $root.

DELETE FROM staging.retired_documents;

INSERT INTO staging.retired_documents
SELECT d.document_id
FROM core.documents AS d
JOIN staging.files AS f ON f.source_path = d.source_path
WHERE d.source_root = $root
  AND d.is_current
  AND f.status IN ('loaded', 'quarantined', 'deleted');

CREATE OR REPLACE TEMP TABLE next_documents AS
SELECT document_id, published_on, source_root, source_path, false AS staged
FROM core.documents
WHERE is_current AND document_id NOT IN (SELECT document_id FROM staging.retired_documents)
UNION ALL
SELECT document_id, published_on, $root, source_path, true
FROM staging.documents;
