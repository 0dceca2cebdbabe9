"""The quality suites, one per table, as code. Each expectation has a name and a severity:
critical ones block publishing, warnings are reported.

Every check runs inside DuckDB: column expectations are compiled to SQL by Great Expectations,
and the rest are `UnexpectedRowsExpectation` queries that return the offending rows. Nothing
pulls a table into pandas, so validating a million paragraphs costs seconds (bench/).

A run's audit reads what the run changed (`core.audited_documents`, `core.audited_paragraphs`:
warehouse/sql/audit_scope.sql), not every row: rows published earlier passed the gate of the run
that published them. An invariant about a row in scope looks at every row it involves (a key's
other rows, a paragraph's other occurrences, a cluster's other members), and the `runs` suite
checks warehouse-wide counts that any lost or doubled row breaks, from aggregates DuckDB answers
without reading texts, and from the counts kept per run.
"""

from __future__ import annotations

from dataclasses import dataclass

import great_expectations.expectations as gxe

from expectations.config import HISTORY_SLACK, QualityConfig

CRITICAL, WARNING = "critical", "warning"
UNDETERMINED = "und"


# What each suite validates. `{run_id}` and the config's numbers are formatted in as integers, and
# `{audit_all}` as a boolean literal.
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
# count per run: tasks/merge.py). No row before the first run that kept it: then there is nothing to add up.
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
OUT_OF_RANGE = """
    SELECT metric, value, low, high, history_runs FROM {{batch}}
    WHERE metric {metric} AND history_runs >= {min_runs}
      AND (value < low * (1 - {tolerance}) - {slack} OR value > high * (1 + {tolerance}) + {slack})
"""


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    column: str | None
    expectation: gxe.Expectation
    # The column of the offending rows (`document_id` or `paragraph_id`) that names the files to
    # blame for them (expectations/culprits.py); None where no file explains a failure.
    blame: str | None = None

    def __post_init__(self) -> None:
        # Results come back out of order; the name in `meta` ties each to its check.
        self.expectation.meta = {"name": self.name}
        self.expectation.severity = self.severity

    @property
    def expected(self) -> str:
        """What the check expects, in words: the bound the report shows beside the observed value."""
        e = self.expectation
        match e.expectation_type:
            case "unexpected_rows_expectation":
                return f"0 offending rows ({e.description})"
            case "expect_column_values_to_be_unique":
                return f"every {e.column} distinct"
            case "expect_compound_columns_to_be_unique":
                return f"every ({', '.join(e.column_list)}) distinct"
            case "expect_column_pair_values_a_to_be_greater_than_b":
                return f"{e.column_A} {'≥' if e.or_equal else '>'} {e.column_B} in every row"
            case "expect_column_pair_values_to_be_equal":
                return f"{e.column_A} = {e.column_B} in every row"
            case "expect_column_values_to_be_in_set":
                return f"{e.column} one of {', '.join(sorted(e.value_set))}"
        return e.expectation_type.replace("_", " ")


def rows_check(
    name: str, severity: str, column: str | None, query: str, description: str, blame: str | None = None
) -> Check:
    return Check(
        name,
        severity,
        column,
        gxe.UnexpectedRowsExpectation(unexpected_rows_query=query, description=description),
        blame,
    )


def column_check(name: str, severity: str, expectation: gxe.Expectation) -> Check:
    column = getattr(expectation, "column", None) or getattr(expectation, "column_A", None)
    if column is None and hasattr(expectation, "column_list"):
        column = ",".join(expectation.column_list)
    return Check(name, severity, column, expectation)


def history_check(name: str, column: str, metric: str, config: QualityConfig, description: str) -> Check:
    """A warning when this run's metric leaves the range of recent runs by more than the tolerance."""
    query = OUT_OF_RANGE.format(
        metric=metric, min_runs=config.history_min_runs, tolerance=config.history_tolerance,
        slack=HISTORY_SLACK[column],
    )  # fmt: skip
    return rows_check(name, WARNING, column, query, description)


def build_suites(config: QualityConfig) -> dict[str, list[Check]]:
    languages = [*config.languages, UNDETERMINED]
    low, high = config.paragraph_min_chars, config.paragraph_max_chars
    return {
        "documents": [
            column_check("document_ids_unique", CRITICAL, gxe.ExpectColumnValuesToBeUnique(column="document_id")),
            column_check(
                "one_current_version_per_file",
                CRITICAL,
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["source_root", "source_path"]),
            ),
            column_check(
                "unique_paragraphs_at_most_raw",
                CRITICAL,
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="paragraphs_raw", column_B="paragraphs_unique", or_equal=True
                ),
            ),
            rows_check(
                "paragraph_counts_match_occurrences",
                CRITICAL,
                "paragraphs_raw",
                "SELECT d.document_id, d.paragraphs_raw, d.paragraphs_unique, count(o.position) AS occurrences, "
                "count(DISTINCT o.paragraph_id) AS distinct_paragraphs FROM {batch} AS d "
                "LEFT JOIN core.document_paragraphs AS o ON o.document_id = d.document_id "
                "GROUP BY d.document_id, d.paragraphs_raw, d.paragraphs_unique "
                "HAVING count(o.position) = 0 OR count(o.position) <> d.paragraphs_raw "
                "OR count(DISTINCT o.paragraph_id) <> d.paragraphs_unique "
                "OR min(o.position) <> 1 OR max(o.position) <> count(o.position)",
                "every current article has its paragraphs: paragraphs_raw occurrences at positions 1..n, "
                "paragraphs_unique of them distinct",
                "document_id",
            ),
            rows_check(
                "article_keeps_a_paragraph",
                CRITICAL,
                "document_id",
                "SELECT d.document_id, d.source_path FROM {batch} AS d "
                "ANTI JOIN (SELECT document_id FROM core.document_paragraphs WHERE NOT is_boilerplate) AS o "
                "ON o.document_id = d.document_id",
                "every article keeps at least one paragraph that is not boilerplate",
                "document_id",
            ),
            column_check(
                "document_language_configured",
                WARNING,
                gxe.ExpectColumnValuesToBeInSet(column="language", value_set=languages),
            ),
        ],
        "paragraphs": [
            # The fingerprint is the id: two published paragraphs must never share one.
            column_check("paragraph_ids_unique", CRITICAL, gxe.ExpectColumnValuesToBeUnique(column="paragraph_id")),
            rows_check(
                "text_length_in_bounds",
                CRITICAL,
                "text",
                f"SELECT paragraph_id, length(text) AS length, left(text, 80) AS text FROM {{batch}} "
                f"WHERE length(text) NOT BETWEEN {int(low)} AND {int(high)}",
                f"{low} to {high} characters (NEWSFLOW_PARAGRAPH_MAX_CHARS)",
                "paragraph_id",
            ),
            rows_check(
                "text_has_no_replacement_character",
                CRITICAL,
                "text",
                "SELECT paragraph_id, text FROM {batch} WHERE contains(text, chr(65533))",
                "U+FFFD marks bytes that were decoded wrongly",
                "paragraph_id",
            ),
            rows_check(
                "text_has_no_control_characters",
                CRITICAL,
                "text",
                f"SELECT paragraph_id, text FROM {{batch}} WHERE regexp_matches(text, '{CONTROL_CHARACTERS}')",
                "control characters other than TAB",
                "paragraph_id",
            ),
            rows_check(
                "char_count_matches_text",
                CRITICAL,
                "char_count",
                "SELECT paragraph_id, char_count, length(text) AS length FROM {batch} WHERE char_count <> length(text)",
                "the stored length is the text's length in characters",
                "paragraph_id",
            ),
            column_check(
                "paragraph_language_configured",
                WARNING,
                gxe.ExpectColumnValuesToBeInSet(column="language", value_set=languages),
            ),
        ],
        "document_paragraphs": [
            column_check(
                "occurrence_keys_unique",
                CRITICAL,
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["document_id", "position"]),
            ),
            rows_check(
                "occurrence_paragraph_exists",
                CRITICAL,
                "paragraph_id",
                "SELECT o.document_id, o.position, o.paragraph_id FROM {batch} AS o "
                "ANTI JOIN core.paragraphs AS p ON p.paragraph_id = o.paragraph_id",
                "every occurrence points to a paragraph",
                "document_id",
            ),
            rows_check(
                "occurrence_document_exists",
                CRITICAL,
                "document_id",
                "SELECT o.document_id, o.position FROM {batch} AS o "
                "ANTI JOIN core.documents AS d ON d.document_id = o.document_id",
                "every occurrence points to a document",
            ),
            rows_check(
                "kept_copy_is_current",
                CRITICAL,
                "kept_document_id",
                f"SELECT o.document_id, o.position, o.kept_document_id FROM {CURRENT_OCCURRENCES} "
                "ANTI JOIN (SELECT document_id FROM core.documents WHERE is_current) AS k "
                "ON k.document_id = o.kept_document_id",
                "every removed occurrence links to a copy users can see",
                "document_id",
            ),
            rows_check(
                "kept_copy_has_the_same_paragraph",
                CRITICAL,
                "kept_position",
                f"SELECT o.document_id, o.position, o.paragraph_id, k.paragraph_id AS kept_paragraph_id "
                f"FROM {CURRENT_OCCURRENCES} LEFT JOIN core.document_paragraphs AS k "
                "ON k.document_id = o.kept_document_id AND k.position = o.kept_position "
                "WHERE k.paragraph_id IS DISTINCT FROM o.paragraph_id",
                "every occurrence links to a kept occurrence of the same paragraph",
                "document_id",
            ),
            rows_check(
                "one_kept_copy_per_paragraph",
                CRITICAL,
                "paragraph_id",
                # Over every current occurrence of the audited occurrences' paragraphs, wherever it is.
                f"SELECT o.paragraph_id, count(*) FILTER (WHERE o.kept_document_id = o.document_id "
                f"AND o.kept_position = o.position) AS kept FROM {CURRENT_DOCUMENT_PARAGRAPHS} "
                "WHERE o.paragraph_id IN (SELECT paragraph_id FROM {batch}) AND NOT o.is_boilerplate "
                "GROUP BY o.paragraph_id HAVING kept <> 1",
                "the dedup invariant: each distinct paragraph is kept exactly once (boilerplate is no copy)",
                "paragraph_id",
            ),
            rows_check(
                "article_text_has_no_repeated_paragraph",
                CRITICAL,
                "paragraph_id",
                f"SELECT o.document_id, o.paragraph_id, count(*) AS times FROM {CURRENT_OCCURRENCES} "
                "WHERE NOT o.is_repeat_in_document AND NOT o.is_boilerplate "
                "GROUP BY o.document_id, o.paragraph_id HAVING count(*) > 1",
                "no article's text contains the same paragraph twice",
                "document_id",
            ),
            rows_check(
                "boilerplate_is_no_copy",
                CRITICAL,
                "is_boilerplate",
                f"SELECT o.document_id, o.position, o.is_boilerplate, o.boilerplate_reason FROM {CURRENT_OCCURRENCES} "
                "WHERE o.is_boilerplate IS DISTINCT FROM (o.boilerplate_reason IS NOT NULL) "
                "OR (o.is_boilerplate AND (o.is_repeat_in_document OR o.is_duplicate_of_earlier_document "
                "OR o.kept_document_id <> o.document_id OR o.kept_position <> o.position "
                "OR coalesce(o.is_near_repeat_in_document OR o.is_near_duplicate_of_earlier_document, false)))",
                "a boilerplate occurrence has its reason, is neither a repeat nor a copy, and is its own kept copy",
                "document_id",
            ),
            rows_check(
                "no_boilerplate_in_article_text",
                CRITICAL,
                "is_boilerplate",
                "SELECT o.document_id, o.position, o.boilerplate_reason, a.title FROM {batch} AS o "
                "JOIN articles AS a ON a.document_id = o.document_id JOIN core.paragraphs AS p USING (paragraph_id) "
                "WHERE o.is_boilerplate AND ((o.position = 1 AND a.title IS NOT NULL) "
                "OR (list_contains(string_split(a.text, chr(10) || chr(10)), coalesce(o.text_variant, p.text)) "
                "AND NOT EXISTS (SELECT 1 FROM core.document_paragraphs AS k WHERE k.document_id = o.document_id "
                "AND k.paragraph_id = o.paragraph_id AND NOT k.is_boilerplate)))",
                "no boilerplate paragraph is in an article's text or is its title",
                "document_id",
            ),
        ],
        "near_clusters": [
            # A paragraph is listed at most once, so each occurrence is in exactly one cluster.
            column_check("paragraph_in_one_cluster", CRITICAL, gxe.ExpectColumnValuesToBeUnique(column="paragraph_id")),
            rows_check(
                "clustered_occurrences_decided",
                CRITICAL,
                "paragraph_id",
                f"SELECT o.document_id, o.position, o.paragraph_id FROM {CURRENT_DOCUMENT_PARAGRAPHS} "
                "JOIN {batch} AS c ON c.paragraph_id = o.paragraph_id "
                "WHERE o.near_kept_document_id IS NULL AND NOT o.is_boilerplate",
                "every occurrence of a clustered paragraph (boilerplate aside) has its near-duplicate decision",
            ),
            rows_check(
                "near_kept_copy_in_cluster",
                CRITICAL,
                "cluster_id",
                f"SELECT o.document_id, o.position, c.cluster_id FROM {CURRENT_DOCUMENT_PARAGRAPHS} "
                "JOIN {batch} AS c ON c.paragraph_id = o.paragraph_id "
                "JOIN core.document_paragraphs AS k "
                "ON k.document_id = o.near_kept_document_id AND k.position = o.near_kept_position "
                "WHERE k.paragraph_id NOT IN (SELECT paragraph_id FROM {batch} WHERE cluster_id = c.cluster_id)",
                "the occurrence kept for a cluster holds one of the cluster's paragraphs",
            ),
            rows_check(
                "cluster_numbers_agree",
                CRITICAL,
                "cluster_id",
                "SELECT a.cluster_id, a.paragraph_id, b.paragraph_id AS other, sa.numbers, sb.numbers AS other_numbers "
                "FROM {batch} AS a JOIN {batch} AS b "
                "ON b.cluster_id = a.cluster_id AND b.paragraph_id > a.paragraph_id "
                "JOIN core.near_signatures AS sa ON sa.paragraph_id = a.paragraph_id "
                "JOIN core.near_signatures AS sb ON sb.paragraph_id = b.paragraph_id "
                "WHERE NOT (list_has_all(sa.numbers, sb.numbers) OR list_has_all(sb.numbers, sa.numbers))",
                "no cluster joins paragraphs whose numbers differ (different facts)",
            ),
        ],
        "runs": [
            rows_check(
                "occurrences_add_up",
                CRITICAL,
                "paragraphs_raw",
                "SELECT r.run_id, o.occurrences, d.paragraphs_raw FROM {batch} AS r "
                "CROSS JOIN (SELECT count(*) AS occurrences FROM core.document_paragraphs) AS o "
                "CROSS JOIN (SELECT coalesce(sum(paragraphs_raw), 0) AS paragraphs_raw FROM core.documents) AS d "
                "WHERE o.occurrences <> d.paragraphs_raw",
                "the warehouse holds each occurrence of every document version once: as many occurrences as "
                "the versions' paragraphs_raw add up to, so no row outside the audit was lost or doubled",
            ),
            rows_check(
                "paragraphs_add_up",
                CRITICAL,
                "paragraphs_new",
                f"SELECT r.run_id, p.paragraphs, b.paragraphs AS published, r.paragraphs_new FROM {{batch}} AS r "
                "CROSS JOIN (SELECT count(*) AS paragraphs FROM core.paragraphs) AS p "
                f"CROSS JOIN ({PUBLISHED_PARAGRAPHS}) AS b "
                "WHERE p.paragraphs <> b.paragraphs + r.paragraphs_new",
                "the paragraphs the last published run counted, plus those this run found new: no paragraph row "
                "outside the audit was lost or doubled",
            ),
            column_check(
                "files_reconcile",
                CRITICAL,
                gxe.ExpectColumnPairValuesToBeEqual(column_A="files_seen", column_B="files_accounted"),
            ),
            rows_check(
                "files_seen_are_in_source_files",
                CRITICAL,
                "files_seen",
                "SELECT r.run_id, r.files_seen, count(s.source_path) AS tracked FROM {batch} AS r "
                "LEFT JOIN core.source_files AS s ON s.source_root = r.source_root AND s.status <> 'deleted' "
                "GROUP BY r.run_id, r.files_seen HAVING r.files_seen <> count(s.source_path)",
                "every file the run saw is tracked as loaded or quarantined",
            ),
            rows_check(
                "loaded_files_match_current_documents",
                CRITICAL,
                "document_id",
                "SELECT s.source_path, s.document_id, 'a loaded file without its current document' AS problem "
                "FROM {batch} AS r "
                "JOIN core.source_files AS s ON s.source_root = r.source_root AND s.status = 'loaded' "
                "ANTI JOIN (SELECT * FROM core.documents WHERE is_current) AS d "
                "ON d.document_id = s.document_id AND d.source_root = s.source_root AND d.source_path = s.source_path "
                "UNION ALL "
                "SELECT d.source_path, d.document_id, 'a current document without its loaded file' "
                "FROM {batch} AS r JOIN core.documents AS d ON d.source_root = r.source_root AND d.is_current "
                "ANTI JOIN (SELECT * FROM core.source_files WHERE status = 'loaded') AS s "
                "ON s.document_id = d.document_id AND s.source_root = d.source_root AND s.source_path = d.source_path",
                "each loaded file points to its current document, and each current document to its loaded file",
            ),
        ],
        "history": [
            history_check(
                "duplicate_ratio_within_history",
                "duplicate_ratio_ppm",
                "= 'duplicate_ratio_ppm'",
                config,
                "share of duplicate occurrences against recent runs",
            ),
            history_check(
                "largest_near_cluster_within_history",
                "near_cluster_paragraphs_max",
                "= 'near_cluster_paragraphs_max'",
                config,
                "paragraphs in the largest near-duplicate cluster against recent runs",
            ),
            history_check(
                "boilerplate_share_within_history",
                "boilerplate_share_ppm",
                "LIKE 'boilerplate_share_ppm %'",
                config,
                "share of boilerplate occurrences (per million) per source folder against recent runs",
            ),
            history_check(
                "articles_per_language_within_history",
                "articles",
                "LIKE 'articles_%'",
                config,
                "current articles per language against recent runs",
            ),
        ],
    }


def asset_queries(run_id: int, config: QualityConfig) -> dict[str, str]:
    values = {"run_id": int(run_id), "history_runs": int(config.history_runs), "audit_all": bool(config.audit_all)}
    return {suite: query.format(**values).strip() for suite, query in ASSETS.items()}
