"""The quality suites, one per table, as code. Each expectation has a name and a severity:
critical ones block publishing, warnings are reported.

Every check runs inside DuckDB: column expectations are compiled to SQL by Great Expectations,
and the rest are `UnexpectedRowsExpectation` queries (warehouse/quality.py) that return the offending rows. Nothing
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
from warehouse import quality

CRITICAL, WARNING = "critical", "warning"
UNDETERMINED = "und"


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
    query = quality.metric_out_of_range(
        metric, config.history_min_runs, config.history_tolerance, HISTORY_SLACK[column]
    )
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
                quality.PARAGRAPH_COUNTS_MATCH_OCCURRENCES,
                "every current article has its paragraphs: paragraphs_raw occurrences at positions 1..n, "
                "paragraphs_unique of them distinct",
                "document_id",
            ),
            rows_check(
                "article_keeps_a_paragraph",
                CRITICAL,
                "document_id",
                quality.ARTICLE_KEEPS_A_PARAGRAPH,
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
                quality.text_length_out_of_bounds(low, high),
                f"{low} to {high} characters (NEWSFLOW_PARAGRAPH_MAX_CHARS)",
                "paragraph_id",
            ),
            rows_check(
                "text_has_no_replacement_character",
                CRITICAL,
                "text",
                quality.TEXT_HAS_NO_REPLACEMENT_CHARACTER,
                "U+FFFD marks bytes that were decoded wrongly",
                "paragraph_id",
            ),
            rows_check(
                "text_has_no_control_characters",
                CRITICAL,
                "text",
                quality.TEXT_HAS_NO_CONTROL_CHARACTERS,
                "control characters other than TAB",
                "paragraph_id",
            ),
            rows_check(
                "char_count_matches_text",
                CRITICAL,
                "char_count",
                quality.CHAR_COUNT_MATCHES_TEXT,
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
                quality.OCCURRENCE_PARAGRAPH_EXISTS,
                "every occurrence points to a paragraph",
                "document_id",
            ),
            rows_check(
                "occurrence_document_exists",
                CRITICAL,
                "document_id",
                quality.OCCURRENCE_DOCUMENT_EXISTS,
                "every occurrence points to a document",
            ),
            rows_check(
                "kept_copy_is_current",
                CRITICAL,
                "kept_document_id",
                quality.KEPT_COPY_IS_CURRENT,
                "every removed occurrence links to a copy users can see",
                "document_id",
            ),
            rows_check(
                "kept_copy_has_the_same_paragraph",
                CRITICAL,
                "kept_position",
                quality.KEPT_COPY_HAS_THE_SAME_PARAGRAPH,
                "every occurrence links to a kept occurrence of the same paragraph",
                "document_id",
            ),
            rows_check(
                "one_kept_copy_per_paragraph",
                CRITICAL,
                "paragraph_id",
                quality.ONE_KEPT_COPY_PER_PARAGRAPH,
                "the dedup invariant: each distinct paragraph is kept exactly once (boilerplate is no copy)",
                "paragraph_id",
            ),
            rows_check(
                "article_text_has_no_repeated_paragraph",
                CRITICAL,
                "paragraph_id",
                quality.ARTICLE_TEXT_HAS_NO_REPEATED_PARAGRAPH,
                "no article's text contains the same paragraph twice",
                "document_id",
            ),
            rows_check(
                "boilerplate_is_no_copy",
                CRITICAL,
                "is_boilerplate",
                quality.BOILERPLATE_IS_NO_COPY,
                "a boilerplate occurrence has its reason, is neither a repeat nor a copy, and is its own kept copy",
                "document_id",
            ),
            rows_check(
                "no_boilerplate_in_article_text",
                CRITICAL,
                "is_boilerplate",
                quality.NO_BOILERPLATE_IN_ARTICLE_TEXT,
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
                quality.CLUSTERED_OCCURRENCES_DECIDED,
                "every occurrence of a clustered paragraph (boilerplate aside) has its near-duplicate decision",
            ),
            rows_check(
                "near_kept_copy_in_cluster",
                CRITICAL,
                "cluster_id",
                quality.NEAR_KEPT_COPY_IN_CLUSTER,
                "the occurrence kept for a cluster holds one of the cluster's paragraphs",
            ),
            rows_check(
                "cluster_numbers_agree",
                CRITICAL,
                "cluster_id",
                quality.CLUSTER_NUMBERS_AGREE,
                "no cluster joins paragraphs whose numbers differ (different facts)",
            ),
        ],
        "runs": [
            rows_check(
                "occurrences_add_up",
                CRITICAL,
                "paragraphs_raw",
                quality.OCCURRENCES_ADD_UP,
                "the warehouse holds each occurrence of every document version once: as many occurrences as "
                "the versions' paragraphs_raw add up to, so no row outside the audit was lost or doubled",
            ),
            rows_check(
                "paragraphs_add_up",
                CRITICAL,
                "paragraphs_new",
                quality.PARAGRAPHS_ADD_UP,
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
                quality.FILES_SEEN_ARE_IN_SOURCE_FILES,
                "every file the run saw is tracked as loaded or quarantined",
            ),
            rows_check(
                "loaded_files_match_current_documents",
                CRITICAL,
                "document_id",
                quality.LOADED_FILES_MATCH_CURRENT_DOCUMENTS,
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
    return quality.asset_queries(run_id, config.history_runs, config.audit_all)
