-- One row per agency a current article credits (tasks/credits.py): the agency under one name across
-- scripts and spellings (BelTA = БЕЛТА = БелТА), and the words of the article that credit it.
CREATE OR REPLACE VIEW article_credits AS
SELECT c.document_id, c.agency, c.evidence
FROM core.document_credits AS c
JOIN core.documents AS d ON d.document_id = c.document_id AND d.is_current;
