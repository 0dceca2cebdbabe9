-- m013: what the verify stage needs to screen a candidate pair without reading its texts
-- (tasks/near_verify.py): each paragraph's length in characters, and a sketch of its sentences
-- (tasks/near_signature.py). Signatures stored before this are signed again: the signature version
-- changed with it (tasks/near_dedup.py).
ALTER TABLE core.near_signatures ADD COLUMN chars INTEGER;
ALTER TABLE core.near_signatures ADD COLUMN sentence_sketch UINTEGER[];
