-- m013: what the verify stage needs to screen a candidate pair without reading its texts
-- (tasks/near_verify.py): each paragraph's length in characters, and a sketch of its sentences
-- (tasks/near_signature.py). Signatures stored before this are signed again: the signature version
-- changed with it (tasks/near_dedup.py).
ALTER TABLE core.near_signatures ADD COLUMN chars INTEGER;
ALTER TABLE core.near_signatures ADD COLUMN sentence_sketch UINTEGER[];

-- A member's similarity to its canonical paragraph is carried over from the run that measured it, and
-- is NULL only inside a run, between clustering and measuring (warehouse/sql/near_flag.sql).
ALTER TABLE core.near_clusters ALTER COLUMN similarity DROP NOT NULL;
