-- m008: boilerplate and article structure (issue 15). Site chrome (teasers, navigation, share and
-- subscribe lines, legal and cookie notices, lines recurring across a source folder) stays in
-- `document_paragraphs`, flagged; it leaves the article text, the duplicate flags and search.

-- The rule tasks/boilerplate.py matched in the prepare step (NULL: none). A rule looks at the
-- paragraph and its neighbours only, so it is decided once, when the document is read.
ALTER TABLE core.document_paragraphs ADD COLUMN boilerplate_hint VARCHAR;
-- The decision: the hint, or the paragraph recurs across the documents of its source folder
-- (warehouse/sql/boilerplate.sql), unless it is the paragraph an article keeps so it is not empty.
ALTER TABLE core.document_paragraphs ADD COLUMN is_boilerplate BOOLEAN DEFAULT false;
ALTER TABLE core.document_paragraphs ADD COLUMN boilerplate_reason VARCHAR;

-- Per source folder, the short paragraphs (candidates for `recurring_in_source`) and how many
-- current documents of the folder hold each. Kept up to date incrementally: a run recounts only
-- the paragraphs of the documents it adds or retires.
CREATE TABLE core.source_lines (
    source_root  VARCHAR NOT NULL,
    paragraph_id VARCHAR NOT NULL,
    documents    INTEGER NOT NULL
);

-- The agencies an article credits: one row per (document, agency), the agency under one name
-- across scripts and spellings (BelTA = БЕЛТА = БелТА), with the words that credit it.
CREATE TABLE core.document_credits (
    document_id VARCHAR NOT NULL,
    agency      VARCHAR NOT NULL,
    evidence    VARCHAR NOT NULL
);
