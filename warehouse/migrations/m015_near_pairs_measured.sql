-- m015: whether a verified pair's similarity is the Jaccard similarity of the pair's shingle sets
-- (compared on their texts: true), or the share of the longer's length that a cut copy keeps (met on
-- a whole-text key only, never compared on texts: false). A member of a cluster that is paired with
-- its canonical paragraph by a measured pair takes that similarity instead of being measured again
-- (tasks/near_dedup.py). Pairs stored before this are NULL: unknown, so their members are measured.
ALTER TABLE core.near_pairs ADD COLUMN shingles_measured BOOLEAN;
