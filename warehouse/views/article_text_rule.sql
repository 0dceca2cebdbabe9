-- Whether an occurrence is in its article's text (`articles.text`): not a repeat inside its document,
-- exact or near, and not boilerplate. One definition for the view and for the quality gate's
-- no_boilerplate_in_article_text (warehouse/quality.py), which tests it occurrence by occurrence
-- instead of building every article's text (a 1 GB warehouse's texts do not fit a 1 GB DuckDB cap).
-- Sorted before articles.sql, which uses it.
CREATE OR REPLACE MACRO in_article_text(is_repeat_in_document, is_near_repeat_in_document, is_boilerplate) AS
    NOT coalesce(is_near_repeat_in_document, is_repeat_in_document) AND NOT is_boilerplate;
