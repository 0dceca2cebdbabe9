"""The quality suites' SQL (expectations/suites.py refers to each by name): what each suite validates,
and the query of each `UnexpectedRowsExpectation`, which returns the offending rows.

Great Expectations runs these itself and puts the suite's table in for `{batch}`; it takes no bound
parameters, so the few numbers in them are formatted in as integers, floats or booleans, and the
metric filters come from the suites' own constants.
"""

from __future__ import annotations

# What each suite validates (asset_queries). `{run_id}` and the config's numbers are formatted in as
# integers, and `{audit_all}` as a boolean literal.
ASSETS = {
    # The current versions of the files the run touched.
    "documents": """
        SELECT * FROM core.documents
        WHERE is_current AND document_id IN (SELECT document_id FROM core.audited_documents)
    """,
    # The paragraphs those articles use: what users can read. A retired version's paragraphs stay
    # as history, so a file held back by the gate leaves no failing row behind. A paragraph row never
    # changes once written, so only the rows this run wrote are read, unless the audit is of every row:
    # the filter on first_seen_run lets DuckDB skip the older row groups by their zonemaps, which the
    # join alone does not (the text checks' filters are pushed below it, onto every row's text).
    # A new row that repeats an older one's id is caught by paragraphs_add_up.
    "paragraphs": """
        SELECT * FROM core.paragraphs
        WHERE paragraph_id IN (SELECT paragraph_id FROM core.audited_paragraphs)
          AND (first_seen_run = {run_id} OR {audit_all})
    """,
    # Every occurrence of the documents the run touched, retired ones included.
    "document_paragraphs": """
        SELECT * FROM core.document_paragraphs WHERE document_id IN (SELECT document_id FROM core.audited_documents)
    """,
    # Whole clusters: every row of each cluster that holds an audited paragraph, and every other row
    # of their members (a paragraph listed in a second cluster).
    "near_clusters": """
        SELECT * FROM core.near_clusters WHERE paragraph_id IN (
            SELECT paragraph_id FROM core.near_clusters WHERE cluster_id IN (
                SELECT cluster_id FROM core.near_clusters
                WHERE paragraph_id IN (SELECT paragraph_id FROM core.audited_paragraphs)
            )
        )
    """,
    "runs": """
        SELECT *, files_loaded + files_unchanged + files_quarantined AS files_accounted
        FROM core.runs WHERE run_id = {run_id}
    """,
    "history": """
        SELECT * FROM (
        WITH recent AS (
            SELECT run_id FROM core.runs
            WHERE status = 'completed' AND run_id < {run_id}
            ORDER BY run_id DESC LIMIT {history_runs}
        ),
        history AS (
            SELECT counter AS metric, min(value) AS low, max(value) AS high, count(*) AS runs
            FROM core.run_counters
            WHERE step = 'warehouse' AND run_id IN (SELECT run_id FROM recent)
            GROUP BY counter
        )
        SELECT c.counter AS metric, c.value, h.low, h.high, coalesce(h.runs, 0) AS history_runs
        FROM core.run_counters AS c LEFT JOIN history AS h ON h.metric = c.counter
        WHERE c.run_id = {run_id} AND c.step = 'warehouse'
        ) AS metrics
    """,
}

# How many paragraphs the warehouse held when the last run before this one published (merge keeps the
# count per run: warehouse/merge.py). No row before the first run that kept it: then there is nothing to add up.
PUBLISHED_PARAGRAPHS = """
    SELECT c.value AS paragraphs FROM core.run_counters AS c
    WHERE c.step = 'warehouse' AND c.counter = 'paragraphs' AND c.run_id = (
        SELECT max(run_id) FROM core.runs WHERE status = 'completed' AND run_id < r.run_id
    )
"""
CURRENT_OCCURRENCES = "{batch} AS o JOIN core.documents AS d ON d.document_id = o.document_id AND d.is_current"
# The same, for suites whose batch is another table.
CURRENT_DOCUMENT_PARAGRAPHS = CURRENT_OCCURRENCES.replace("{batch}", "core.document_paragraphs")
# C0 controls but TAB, and DEL and C1: none belongs in a paragraph (line breaks were split on).
CONTROL_CHARACTERS = r"[\x00-\x08\x0a-\x1f\x7f-\x9f]"
# A history check's offending rows: the run's metrics outside the recent runs' range (metric_out_of_range).
METRIC_OUT_OF_RANGE = """
    SELECT metric, value, low, high, history_runs FROM {{batch}}
    WHERE metric {metric} AND history_runs >= {min_runs}
      AND (value < low * (1 - {tolerance}) - {slack} OR value > high * (1 + {tolerance}) + {slack})
"""

# `{low}` and `{high}`: the configured bounds, formatted in as integers (text_length_out_of_bounds).
TEXT_LENGTH_OUT_OF_BOUNDS = (
    "SELECT paragraph_id, length(text) AS length, left(text, 80) AS text FROM {{batch}} "
    "WHERE length(text) NOT BETWEEN {low} AND {high}"
)

PARAGRAPH_COUNTS_MATCH_OCCURRENCES = (
    "SELECT d.document_id, d.paragraphs_raw, d.paragraphs_unique, count(o.position) AS occurrences, "
    "count(DISTINCT o.paragraph_id) AS distinct_paragraphs FROM {batch} AS d "
    "LEFT JOIN core.document_paragraphs AS o ON o.document_id = d.document_id "
    "GROUP BY d.document_id, d.paragraphs_raw, d.paragraphs_unique "
    "HAVING count(o.position) = 0 OR count(o.position) <> d.paragraphs_raw "
    "OR count(DISTINCT o.paragraph_id) <> d.paragraphs_unique "
    "OR min(o.position) <> 1 OR max(o.position) <> count(o.position)"
)

ARTICLE_KEEPS_A_PARAGRAPH = (
    "SELECT d.document_id, d.source_path FROM {batch} AS d "
    "ANTI JOIN (SELECT document_id FROM core.document_paragraphs WHERE NOT is_boilerplate) AS o "
    "ON o.document_id = d.document_id"
)

TEXT_HAS_NO_REPLACEMENT_CHARACTER = "SELECT paragraph_id, text FROM {batch} WHERE contains(text, chr(65533))"

TEXT_HAS_NO_CONTROL_CHARACTERS = (
    f"SELECT paragraph_id, text FROM {{batch}} WHERE regexp_matches(text, '{CONTROL_CHARACTERS}')"
)

CHAR_COUNT_MATCHES_TEXT = (
    "SELECT paragraph_id, char_count, length(text) AS length FROM {batch} WHERE char_count <> length(text)"
)

OCCURRENCE_PARAGRAPH_EXISTS = (
    "SELECT o.document_id, o.position, o.paragraph_id FROM {batch} AS o "
    "ANTI JOIN core.paragraphs AS p ON p.paragraph_id = o.paragraph_id"
)

OCCURRENCE_DOCUMENT_EXISTS = (
    "SELECT o.document_id, o.position FROM {batch} AS o ANTI JOIN core.documents AS d ON d.document_id = o.document_id"
)

KEPT_COPY_IS_CURRENT = (
    f"SELECT o.document_id, o.position, o.kept_document_id FROM {CURRENT_OCCURRENCES} "
    "ANTI JOIN (SELECT document_id FROM core.documents WHERE is_current) AS k "
    "ON k.document_id = o.kept_document_id"
)

KEPT_COPY_HAS_THE_SAME_PARAGRAPH = (
    f"SELECT o.document_id, o.position, o.paragraph_id, k.paragraph_id AS kept_paragraph_id "
    f"FROM {CURRENT_OCCURRENCES} LEFT JOIN core.document_paragraphs AS k "
    "ON k.document_id = o.kept_document_id AND k.position = o.kept_position "
    "WHERE k.paragraph_id IS DISTINCT FROM o.paragraph_id"
)

# Over every current occurrence of the audited occurrences' paragraphs, wherever it is.
ONE_KEPT_COPY_PER_PARAGRAPH = (
    f"SELECT o.paragraph_id, count(*) FILTER (WHERE o.kept_document_id = o.document_id "
    f"AND o.kept_position = o.position) AS kept FROM {CURRENT_DOCUMENT_PARAGRAPHS} "
    "WHERE o.paragraph_id IN (SELECT paragraph_id FROM {batch}) AND NOT o.is_boilerplate "
    "GROUP BY o.paragraph_id HAVING kept <> 1"
)

ARTICLE_TEXT_HAS_NO_REPEATED_PARAGRAPH = (
    f"SELECT o.document_id, o.paragraph_id, count(*) AS times FROM {CURRENT_OCCURRENCES} "
    "WHERE NOT o.is_repeat_in_document AND NOT o.is_boilerplate "
    "GROUP BY o.document_id, o.paragraph_id HAVING count(*) > 1"
)

BOILERPLATE_IS_NO_COPY = (
    f"SELECT o.document_id, o.position, o.is_boilerplate, o.boilerplate_reason FROM {CURRENT_OCCURRENCES} "
    "WHERE o.is_boilerplate IS DISTINCT FROM (o.boilerplate_reason IS NOT NULL) "
    "OR (o.is_boilerplate AND (o.is_repeat_in_document OR o.is_duplicate_of_earlier_document "
    "OR o.kept_document_id <> o.document_id OR o.kept_position <> o.position "
    "OR coalesce(o.is_near_repeat_in_document OR o.is_near_duplicate_of_earlier_document, false)))"
)

# A boilerplate occurrence that is the article's title, or whose text `articles.text` holds: an occurrence
# of the same paragraph and text in the same document that in_article_text (warehouse/views/
# article_text_rule.sql, the view's own rule) lets in, where no occurrence of it is kept as article text.
# Tested occurrence by occurrence: reading `articles.text` builds every audited article's text, which a
# first run's audit of a 1 GB warehouse cannot do under a 1 GB cap (bench/README.md, "Memory at 1 GB").
# Only `title` is read from the view, so DuckDB drops its string_agg.
NO_BOILERPLATE_IN_ARTICLE_TEXT = (
    "SELECT o.document_id, o.position, o.boilerplate_reason, a.title FROM {batch} AS o "
    "JOIN (SELECT document_id, title FROM articles) AS a ON a.document_id = o.document_id "
    "JOIN core.paragraphs AS p USING (paragraph_id) "
    "WHERE o.is_boilerplate AND ((o.position = 1 AND a.title IS NOT NULL) "
    "OR (EXISTS (SELECT 1 FROM core.document_paragraphs AS t "
    "WHERE t.document_id = o.document_id AND t.paragraph_id = o.paragraph_id "
    "AND in_article_text(t.is_repeat_in_document, t.is_near_repeat_in_document, t.is_boilerplate) "
    "AND coalesce(t.text_variant, p.text) = coalesce(o.text_variant, p.text)) "
    "AND NOT EXISTS (SELECT 1 FROM core.document_paragraphs AS k WHERE k.document_id = o.document_id "
    "AND k.paragraph_id = o.paragraph_id AND NOT k.is_boilerplate)))"
)

CLUSTERED_OCCURRENCES_DECIDED = (
    f"SELECT o.document_id, o.position, o.paragraph_id FROM {CURRENT_DOCUMENT_PARAGRAPHS} "
    "JOIN {batch} AS c ON c.paragraph_id = o.paragraph_id "
    "WHERE o.near_kept_document_id IS NULL AND NOT o.is_boilerplate"
)

NEAR_KEPT_COPY_IN_CLUSTER = (
    f"SELECT o.document_id, o.position, c.cluster_id FROM {CURRENT_DOCUMENT_PARAGRAPHS} "
    "JOIN {batch} AS c ON c.paragraph_id = o.paragraph_id "
    "JOIN core.document_paragraphs AS k "
    "ON k.document_id = o.near_kept_document_id AND k.position = o.near_kept_position "
    "WHERE k.paragraph_id NOT IN (SELECT paragraph_id FROM {batch} WHERE cluster_id = c.cluster_id)"
)

# The numbers of a cluster's paragraphs must be nested: of any two, one holds all the other's. Nesting is
# transitive, so that holds for every pair exactly when it holds for each paragraph and the next in order of
# size: one window instead of a self-join, whose pairs grow with the square of a cluster (48 s of a 1 GB
# warehouse's run after 1% changed, bench/README.md). Each offending row is such a neighbouring pair.
CLUSTER_NUMBERS_AGREE = (
    "SELECT cluster_id, paragraph_id, other, numbers, other_numbers FROM ("
    "SELECT c.cluster_id, c.paragraph_id, s.numbers, "
    "lag(c.paragraph_id) OVER by_size AS other, lag(s.numbers) OVER by_size AS other_numbers "
    "FROM {batch} AS c JOIN core.near_signatures AS s ON s.paragraph_id = c.paragraph_id "
    "WINDOW by_size AS (PARTITION BY c.cluster_id ORDER BY len(s.numbers), s.numbers, c.paragraph_id)"
    ") WHERE other IS NOT NULL "
    "AND NOT (list_has_all(numbers, other_numbers) OR list_has_all(other_numbers, numbers))"
)

OCCURRENCES_ADD_UP = (
    "SELECT r.run_id, o.occurrences, d.paragraphs_raw FROM {batch} AS r "
    "CROSS JOIN (SELECT count(*) AS occurrences FROM core.document_paragraphs) AS o "
    "CROSS JOIN (SELECT coalesce(sum(paragraphs_raw), 0) AS paragraphs_raw FROM core.documents) AS d "
    "WHERE o.occurrences <> d.paragraphs_raw"
)

PARAGRAPHS_ADD_UP = (
    f"SELECT r.run_id, p.paragraphs, b.paragraphs AS published, r.paragraphs_new FROM {{batch}} AS r "
    "CROSS JOIN (SELECT count(*) AS paragraphs FROM core.paragraphs) AS p "
    f"CROSS JOIN ({PUBLISHED_PARAGRAPHS}) AS b "
    "WHERE p.paragraphs <> b.paragraphs + r.paragraphs_new"
)

FILES_SEEN_ARE_IN_SOURCE_FILES = (
    "SELECT r.run_id, r.files_seen, count(s.source_path) AS tracked FROM {batch} AS r "
    "LEFT JOIN core.source_files AS s ON s.source_root = r.source_root AND s.status <> 'deleted' "
    "GROUP BY r.run_id, r.files_seen HAVING r.files_seen <> count(s.source_path)"
)

LOADED_FILES_MATCH_CURRENT_DOCUMENTS = (
    "SELECT s.source_path, s.document_id, 'a loaded file without its current document' AS problem "
    "FROM {batch} AS r "
    "JOIN core.source_files AS s ON s.source_root = r.source_root AND s.status = 'loaded' "
    "ANTI JOIN (SELECT * FROM core.documents WHERE is_current) AS d "
    "ON d.document_id = s.document_id AND d.source_root = s.source_root AND d.source_path = s.source_path "
    "UNION ALL "
    "SELECT d.source_path, d.document_id, 'a current document without its loaded file' "
    "FROM {batch} AS r JOIN core.documents AS d ON d.source_root = r.source_root AND d.is_current "
    "ANTI JOIN (SELECT * FROM core.source_files WHERE status = 'loaded') AS s "
    "ON s.document_id = d.document_id AND s.source_root = d.source_root AND s.source_path = d.source_path"
)


def asset_queries(run_id: int, history_runs: int, audit_all: bool) -> dict[str, str]:
    """{suite: the query of the rows it validates} for run `run_id`."""
    values = {"run_id": int(run_id), "history_runs": int(history_runs), "audit_all": bool(audit_all)}
    return {suite: query.format(**values).strip() for suite, query in ASSETS.items()}


def text_length_out_of_bounds(low: int, high: int) -> str:
    return TEXT_LENGTH_OUT_OF_BOUNDS.format(low=int(low), high=int(high))


def metric_out_of_range(metric: str, min_runs: int, tolerance: float, slack: float) -> str:
    """`metric`: a filter on the metric's name from the suites' constants, e.g. "LIKE 'articles_%'"."""
    return METRIC_OUT_OF_RANGE.format(metric=metric, min_runs=min_runs, tolerance=tolerance, slack=slack)
