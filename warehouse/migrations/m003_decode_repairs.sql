-- m003: what decode changed in a file's text to load it (issue 5: real-world input), e.g.
-- 'mojibake repaired; 2 control character(s) removed'. NULL when the text needed nothing.

ALTER TABLE core.source_files ADD COLUMN repairs VARCHAR;
ALTER TABLE staging.files ADD COLUMN repairs VARCHAR;
