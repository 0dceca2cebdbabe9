-- m016: the warehouse by language as each published run left it: the `language_summary` view's rows,
-- written as the run is recorded completed (tasks/publish.py). A run with nothing to do prints them
-- without aggregating every paragraph of the warehouse again (seconds at 1 GB), and they keep the
-- history of the warehouse by language, run by run.
CREATE TABLE core.published_languages (
    run_id                          BIGINT NOT NULL,
    language                        VARCHAR,
    articles                        BIGINT NOT NULL,
    paragraphs_read                 BIGINT NOT NULL,
    paragraphs_unique               BIGINT NOT NULL,
    repeats_in_document             BIGINT NOT NULL,
    duplicates_of_earlier_documents BIGINT NOT NULL,
    duplicate_ratio                 DOUBLE NOT NULL,
    boilerplate                     BIGINT NOT NULL
);
