-- m007: near-duplicate paragraphs (issue 13): signatures, the band index, verified pairs, clusters,
-- and the near-duplicate decision of every occurrence in a cluster (tasks/near_dedup.py).

-- One row per signed paragraph: a compact key for the band index, its word count and its numbers
-- (the facts a near copy must not change). Paragraphs are immutable, so a signature is computed once.
CREATE TABLE core.near_signatures (
    paragraph_id   VARCHAR NOT NULL,
    signature_key  INTEGER NOT NULL,
    words          INTEGER NOT NULL,
    numbers        VARCHAR[] NOT NULL,
    first_seen_run BIGINT NOT NULL
);

-- The LSH band keys of every paragraph of at least `min_words` words, and the key of its whole text:
-- paragraphs that share a key are compared. Shorter paragraphs have none and match only exactly.
CREATE TABLE core.near_bands (
    band_key      UBIGINT NOT NULL,
    signature_key INTEGER NOT NULL
);

-- The key of each paragraph's text without its last sentence (when that still has `min_words` words):
-- a copy cut after a sentence has this as its whole-text band key.
CREATE TABLE core.near_prefixes (
    prefix_key    UBIGINT NOT NULL,
    signature_key INTEGER NOT NULL
);

-- Every pair of paragraphs verified to be near copies (left_id < right_id), ever.
CREATE TABLE core.near_pairs (
    left_id    VARCHAR NOT NULL,
    right_id   VARCHAR NOT NULL,
    similarity DOUBLE NOT NULL,
    found_run  BIGINT NOT NULL
);

-- The clusters of two or more paragraphs of the current documents: each paragraph's cluster, named by
-- its canonical paragraph (the one whose occurrence the keep rule keeps), and its similarity to it.
-- A paragraph not listed is a cluster of its own.
CREATE TABLE core.near_clusters (
    paragraph_id VARCHAR NOT NULL,
    cluster_id   VARCHAR NOT NULL,
    similarity   DOUBLE NOT NULL
);

-- The near-duplicate decision of the occurrences of clustered paragraphs; NULL where it is the exact
-- one (the paragraph is a cluster of its own).
ALTER TABLE core.document_paragraphs ADD COLUMN is_near_repeat_in_document BOOLEAN;
ALTER TABLE core.document_paragraphs ADD COLUMN is_near_duplicate_of_earlier_document BOOLEAN;
ALTER TABLE core.document_paragraphs ADD COLUMN near_kept_document_id VARCHAR;
ALTER TABLE core.document_paragraphs ADD COLUMN near_kept_position INTEGER;
