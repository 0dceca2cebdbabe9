-- One row per current document; `text` is its paragraphs in reading order with the repeats inside
-- the document left out, exact or near (a near copy of a paragraph earlier in the same document),
-- and boilerplate left out (site chrome: warehouse/sql/boilerplate.sql), separated by a blank line.
-- `paragraphs_distinct` counts the paragraphs `text` holds. `title` is never a boilerplate paragraph.
CREATE OR REPLACE VIEW articles AS
SELECT
    d.document_id,
    d.source_path,
    d.language,
    CASE WHEN NOT bool_or(dp.position = 1 AND dp.is_boilerplate) THEN any_value(d.title) END AS title,
    d.paragraphs_raw,
    d.paragraphs_unique,
    string_agg(coalesce(dp.text_variant, p.text), chr(10) || chr(10) ORDER BY dp.position)
        FILTER (WHERE in_article_text(dp.is_repeat_in_document, dp.is_near_repeat_in_document, dp.is_boilerplate))
        AS text,
    d.dateline_place,
    d.agency,
    d.published_on,
    d.encoding,
    d.source_root,
    d.loaded_run,
    count(*) FILTER (WHERE in_article_text(dp.is_repeat_in_document, dp.is_near_repeat_in_document, dp.is_boilerplate))
        AS paragraphs_distinct
FROM core.documents AS d
JOIN core.document_paragraphs AS dp USING (document_id)
JOIN core.paragraphs AS p USING (paragraph_id)
WHERE d.is_current
GROUP BY ALL;
