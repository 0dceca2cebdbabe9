"""Write, audit, publish: every critical expectation, broken in turn, stops the publish.

Faults that real input can cause are fed through the real Prefect flow. Faults only a bug could
cause are injected into a candidate warehouse, which then goes through the real gate (Great
Expectations on DuckDB, then publish). Either way the published tables must not change, and the
run's verdict must be recorded. A run audits the rows it changed: an injected fault is in rows of
the run being validated, or it breaks a warehouse-wide count in rows the run did not change.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from expectations.config import QualityConfig
from expectations.runner import validate_warehouse
from flows.ingest import ingest_flow
from flows.settings import DEFAULT_LANGUAGES
from tasks.fingerprint import paragraph_id
from tasks.publish import publish_run
from tasks.report import artifact_keys
from tests.corpus import GERMAN_SEED, RUSSIAN_SEED
from tests.flows.helpers import damage_published_text, flow_settings, ingest, query, snapshot
from tests.flows.test_cli import newsflow
from warehouse.audit_scope import mark_audit_scope
from warehouse.connection import connect
from warehouse.runs import record_counts, start_run
from warehouse.snapshot import candidate_path, discard

pytestmark = pytest.mark.usefixtures("prefect_api")

CONFIG = QualityConfig(languages=DEFAULT_LANGUAGES)
GERMAN = f"(SELECT document_id FROM core.documents WHERE source_path = '{GERMAN_SEED}')"
RUSSIAN = f"(SELECT document_id FROM core.documents WHERE source_path = '{RUSSIAN_SEED}')"

MIN_PARAGRAPH = "(SELECT min(paragraph_id) FROM core.paragraphs)"

# expectation -> SQL that breaks it in a candidate warehouse whose new run is run 2, and every
# critical expectation that must then fail, with its exact unexpected count. A fault that breaks a
# table's shape trips the checks built on that shape too.
INJECTED_FAULTS: dict[str, tuple[str, dict[str, int]]] = {
    "document_ids_unique": (
        f"INSERT INTO core.documents SELECT * FROM core.documents WHERE document_id = {GERMAN}",
        # Both rows of the German seed, and each of its 5 paragraphs now occurs in two current documents.
        {"document_ids_unique": 2, "one_current_version_per_file": 2, "paragraph_counts_match_occurrences": 1,
         "one_kept_copy_per_paragraph": 5, "article_text_has_no_repeated_paragraph": 5, "occurrences_add_up": 1},
    ),
    "one_current_version_per_file": (
        "INSERT INTO core.documents SELECT * REPLACE ('x' || document_id AS document_id) "
        f"FROM core.documents WHERE document_id = {GERMAN}",
        {"one_current_version_per_file": 2, "paragraph_counts_match_occurrences": 1,
         "loaded_files_match_current_documents": 1, "occurrences_add_up": 1,
         "article_keeps_a_paragraph": 1},
    ),
    "unique_paragraphs_at_most_raw": (
        f"UPDATE core.documents SET paragraphs_unique = paragraphs_raw + 1 WHERE document_id = {GERMAN}",
        {"unique_paragraphs_at_most_raw": 1, "paragraph_counts_match_occurrences": 1},
    ),
    "paragraph_ids_unique": (
        "INSERT INTO core.paragraphs SELECT * FROM core.paragraphs ORDER BY paragraph_id LIMIT 1",
        {"paragraph_ids_unique": 2, "paragraphs_add_up": 1},
    ),
    "text_length_in_bounds": (
        f"UPDATE core.paragraphs SET text = '', char_count = 0 WHERE paragraph_id = {MIN_PARAGRAPH}",
        {"text_length_in_bounds": 1},
    ),
    "text_has_no_replacement_character": (
        "UPDATE core.paragraphs SET text = text || chr(65533), char_count = char_count + 1 "
        f"WHERE paragraph_id = {MIN_PARAGRAPH}",
        {"text_has_no_replacement_character": 1},
    ),
    "text_has_no_control_characters": (
        "UPDATE core.paragraphs SET text = text || chr(7), char_count = char_count + 1 "
        f"WHERE paragraph_id = {MIN_PARAGRAPH}",
        {"text_has_no_control_characters": 1},
    ),
    "char_count_matches_text": (
        f"UPDATE core.paragraphs SET char_count = char_count + 1 WHERE paragraph_id = {MIN_PARAGRAPH}",
        {"char_count_matches_text": 1},
    ),
    "occurrence_keys_unique": (
        "INSERT INTO core.document_paragraphs SELECT * FROM core.document_paragraphs "
        f"WHERE document_id = {RUSSIAN} AND position = 3",
        {"occurrence_keys_unique": 2, "paragraph_counts_match_occurrences": 1, "one_kept_copy_per_paragraph": 1,
         "article_text_has_no_repeated_paragraph": 1, "occurrences_add_up": 1},
    ),
    "occurrence_paragraph_exists": (
        "UPDATE core.document_paragraphs SET paragraph_id = 'no-such-paragraph' "
        f"WHERE document_id = {RUSSIAN} AND position = 3",
        {"occurrence_paragraph_exists": 1},
    ),
    "occurrence_document_exists": (
        "INSERT INTO core.document_paragraphs SELECT * REPLACE ('ghost' AS document_id) "
        f"FROM core.document_paragraphs WHERE document_id = {RUSSIAN} AND position = 3",
        {"occurrence_document_exists": 1, "occurrences_add_up": 1},
    ),
    "kept_copy_is_current": (
        "UPDATE core.document_paragraphs SET kept_document_id = 'gone', is_duplicate_of_earlier_document = true "
        f"WHERE document_id = {RUSSIAN} AND position = 3",
        {"kept_copy_is_current": 1, "kept_copy_has_the_same_paragraph": 1, "one_kept_copy_per_paragraph": 1},
    ),
    "one_kept_copy_per_paragraph": (
        f"UPDATE core.document_paragraphs SET kept_position = 4 WHERE document_id = {RUSSIAN} AND position = 3",
        {"one_kept_copy_per_paragraph": 1, "kept_copy_has_the_same_paragraph": 1},
    ),
    # A repeat inside the German seed, linked to the headline instead of its own first occurrence.
    "kept_copy_has_the_same_paragraph": (
        f"UPDATE core.document_paragraphs SET kept_position = 1 WHERE document_id = {GERMAN} AND position = 6",
        {"kept_copy_has_the_same_paragraph": 1},
    ),
    # The German seed's own defect, back in the article text.
    "article_text_has_no_repeated_paragraph": (
        "UPDATE core.document_paragraphs SET is_repeat_in_document = false "
        f"WHERE document_id = {GERMAN} AND position = 6",
        {"article_text_has_no_repeated_paragraph": 1},
    ),
    # Every paragraph of the Russian seed taken for a menu: its article would be empty.
    "article_keeps_a_paragraph": (
        "UPDATE core.document_paragraphs SET is_boilerplate = true, boilerplate_reason = 'navigation' "
        f"WHERE document_id = {RUSSIAN}",
        {"article_keeps_a_paragraph": 1},
    ),
    "boilerplate_is_no_copy": (
        "UPDATE core.document_paragraphs SET is_boilerplate = true "
        f"WHERE document_id = {GERMAN} AND position = 6",
        {"boilerplate_is_no_copy": 1},
    ),
    # The article-text rule (warehouse/views/article_text_rule.sql) forgot the boilerplate: seed 003's
    # twelve teaser lines back in its article's text.
    "no_boilerplate_in_article_text": (
        "CREATE OR REPLACE MACRO in_article_text(is_repeat_in_document, is_near_repeat_in_document, "
        "is_boilerplate) AS NOT coalesce(is_near_repeat_in_document, is_repeat_in_document)",
        {"no_boilerplate_in_article_text": 12},
    ),
    "paragraph_counts_match_occurrences": (
        f"DELETE FROM core.document_paragraphs WHERE document_id = {RUSSIAN} AND position = 3",
        {"paragraph_counts_match_occurrences": 1, "occurrences_add_up": 1},
    ),
    # The seeds' one near-duplicate cluster: seed 001's headline and its quote at paragraph 11.
    "paragraph_in_one_cluster": (
        "INSERT INTO core.near_clusters SELECT * REPLACE ('another' AS cluster_id) "
        "FROM core.near_clusters ORDER BY paragraph_id LIMIT 1",
        {"paragraph_in_one_cluster": 2, "near_kept_copy_in_cluster": 1},
    ),
    "clustered_occurrences_decided": (
        "UPDATE core.document_paragraphs SET near_kept_document_id = NULL WHERE near_kept_document_id IS NOT NULL",
        {"clustered_occurrences_decided": 2},
    ),
    "near_kept_copy_in_cluster": (
        "UPDATE core.document_paragraphs SET near_kept_position = 2 WHERE near_kept_document_id IS NOT NULL",
        {"near_kept_copy_in_cluster": 2},
    ),
    "cluster_numbers_agree": (
        "UPDATE core.near_signatures SET numbers = [paragraph_id] "
        "WHERE paragraph_id IN (SELECT paragraph_id FROM core.near_clusters)",
        {"cluster_numbers_agree": 1},
    ),
    "files_reconcile": (
        "UPDATE core.runs SET files_loaded = files_loaded + 1 WHERE run_id = 2",
        {"files_reconcile": 1},
    ),
    "files_seen_are_in_source_files": (
        "INSERT INTO core.source_files SELECT * REPLACE ('phantom.txt' AS source_path) "
        f"FROM core.source_files WHERE source_path = '{GERMAN_SEED}'",
        # phantom.txt also claims the German seed's document under a path that is not its own.
        {"files_seen_are_in_source_files": 1, "loaded_files_match_current_documents": 1},
    ),
    # Both directions: the file points to no current document, and the document has no file.
    "loaded_files_match_current_documents": (
        f"UPDATE core.source_files SET document_id = 'stale' WHERE source_path = '{GERMAN_SEED}'",
        {"loaded_files_match_current_documents": 2},
    ),
}  # fmt: skip


# Faults in rows the run being validated did not change, which only a warehouse-wide count can see.
OUTSIDE_FAULTS: dict[str, tuple[str, dict[str, int]]] = {
    "occurrences_add_up": (
        f"DELETE FROM core.document_paragraphs WHERE document_id = {RUSSIAN} AND position = 3",
        {"occurrences_add_up": 1},
    ),
    "paragraphs_add_up": (
        "INSERT INTO core.paragraphs SELECT * FROM core.paragraphs ORDER BY paragraph_id LIMIT 1",
        {"paragraphs_add_up": 1},
    ),
}
# Run 2 of the injected-fault tests: it saw the five seeds and read none of them.
UNCHANGED_RUN_COUNTS = dict(
    files_seen=5, files_loaded=0, files_unchanged=5, files_quarantined=0, files_deleted=0, paragraphs_new=0
)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from the seeds by the real flow: run 1, completed."""
    folder = tmp_path_factory.mktemp("gate")
    articles = folder / "articles"
    shutil.copytree(Path(__file__).resolve().parents[2] / "seeds", articles)
    db = folder / "w.duckdb"
    ingest(articles, db)
    return db


def failed_critical(db: Path, run_id: int) -> dict[str, int]:
    """The critical expectations the run failed, with their unexpected counts."""
    return dict(
        query(
            db,
            "SELECT expectation, unexpected_count FROM quality_results "
            "WHERE run_id = ? AND severity = 'critical' AND NOT success",
            [run_id],
        )
    )


def critical_names() -> set[str]:
    from expectations.suites import build_suites

    return {c.name for checks in build_suites(CONFIG).values() for c in checks if c.severity == "critical"}


def test_every_critical_expectation_has_a_fault_test() -> None:
    assert critical_names() == set(INJECTED_FAULTS) | set(OUTSIDE_FAULTS)


def gate_candidate(db: Path, fault: str, *, own_rows: bool, audit_all: bool = False) -> tuple[str | None, list]:
    """Run 2 in a candidate of the published `db`, `fault` injected, through the real gate and publish.

    `own_rows`: the seeds' rows count as written by run 2 (changed_run, first_seen_run), so the run's
    audit reads them.
    Returns the gate's message and the verdicts."""
    candidate = candidate_path(db)
    shutil.copyfile(db, candidate)
    con = connect(candidate)
    run_id = start_run(con, None, query(db, "SELECT source_root FROM runs")[0][0])
    record_counts(con, run_id, UNCHANGED_RUN_COUNTS, [])
    if own_rows:
        con.execute("UPDATE core.documents SET changed_run = ?", [run_id])
        con.execute("UPDATE core.document_paragraphs SET changed_run = ?", [run_id])
        con.execute("UPDATE core.paragraphs SET first_seen_run = ?", [run_id])
    con.execute(fault)
    mark_audit_scope(con, run_id, audit_all)
    con.execute("CHECKPOINT")
    con.close()

    results = validate_warehouse(candidate, run_id, replace(CONFIG, audit_all=audit_all))
    message = publish_run(db, candidate, run_id, results)
    discard(candidate)
    return message, results


@pytest.mark.parametrize("expectation", sorted(INJECTED_FAULTS))
def test_an_injected_fault_in_the_runs_own_rows_blocks_the_publish_and_is_recorded(
    published: Path, tmp_path: Path, expectation: str
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(published, db)
    before = snapshot(db)
    fault, failures = INJECTED_FAULTS[expectation]

    message, _ = gate_candidate(db, fault, own_rows=True)

    assert message is not None and f".{expectation}" in message
    assert snapshot(db) == before
    assert query(db, "SELECT run_id, status FROM runs ORDER BY run_id") == [(1, "completed"), (2, "failed")]
    assert failed_critical(db, 2) == failures


@pytest.mark.parametrize("expectation", sorted(OUTSIDE_FAULTS))
def test_a_count_broken_outside_the_runs_rows_blocks_the_publish(
    published: Path, tmp_path: Path, expectation: str
) -> None:
    """The row checks read only what the run changed; the warehouse-wide counts still see a row that
    was lost or doubled anywhere."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(published, db)
    before = snapshot(db)
    fault, failures = OUTSIDE_FAULTS[expectation]

    message, _ = gate_candidate(db, fault, own_rows=False)

    assert message is not None and f".{expectation}" in message
    assert snapshot(db) == before
    assert failed_critical(db, 2) == failures


def test_the_audit_reads_the_rows_the_run_changed_or_every_row_when_asked(published: Path, tmp_path: Path) -> None:
    """Damage in rows an earlier run published is not what a run's audit reads (it passed that run's
    gate); NEWSFLOW_AUDIT_ALL=1 reads every row, and finds it."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(published, db)
    fault = INJECTED_FAULTS["text_has_no_control_characters"][0]

    message, results = gate_candidate(db, fault, own_rows=False)
    assert message is None
    observed = {r.expectation: json.loads(r.observed_value or "null") for r in results}
    assert observed["paragraph_ids_unique"]["element_count"] == 0  # no paragraph of its own to read

    shutil.copyfile(published, db)
    message, _ = gate_candidate(db, fault, own_rows=False, audit_all=True)
    assert message is not None and ".text_has_no_control_characters (1 unexpected)" in message


def test_the_gate_reads_under_the_runs_memory_limit(published: Path) -> None:
    """The gate's DuckDB connection takes NEWSFLOW_MEMORY_LIMIT: without it, DuckDB may take 80% of the
    machine (the gate of a 1 GB run peaked at 9.7 GB). A limit too small to read a block is refused."""
    assert all(r.success for r in validate_warehouse(published, 1, replace(CONFIG, memory_limit="1GB")))
    with pytest.raises(Exception, match="Out of Memory"):
        validate_warehouse(published, 1, replace(CONFIG, memory_limit="100KB"))


# The checks that replaced three the schema made unfailable (ids and texts not null).
REPLACEMENT_CHECKS = (
    "paragraph_counts_match_occurrences",
    "char_count_matches_text",
    "kept_copy_has_the_same_paragraph",
    "loaded_files_match_current_documents",
)


@pytest.mark.parametrize("expectation", REPLACEMENT_CHECKS)
def test_a_damaged_published_warehouse_fails_the_next_prefect_run(
    articles: Path, tmp_path: Path, expectation: str
) -> None:
    """The damage is in rows an earlier run published: an audit of every row (NEWSFLOW_AUDIT_ALL=1)
    finds it, no file this run reads explains it, so the whole run is held and the message says so."""
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    fault, failures = INJECTED_FAULTS[expectation]
    con = connect(db)
    con.execute(fault)
    con.close()
    before = snapshot(db)
    (articles / "new.txt").write_text("Ein neuer Artikel über die Zusammenarbeit.", encoding="utf-8")

    state = ingest_flow(flow_settings(articles, db, audit_all=True), return_state=True)

    assert state.is_failed()
    assert failed_critical(db, 2) == failures
    assert f".{expectation} (" in state.message
    assert snapshot(db) == before
    assert query(db, "SELECT status, message FROM runs WHERE run_id = 2") == [("failed", state.message)]


def test_bad_text_in_the_warehouse_fails_the_prefect_run_and_publishes_nothing(articles: Path, tmp_path: Path) -> None:
    """Decode refuses such text (tests/tasks/test_decode.py); here it was written into the warehouse by
    hand, and the next run's gate catches it when it audits every row."""
    from prefect.client.orchestration import get_client

    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    damage_published_text(db, "Die Zusammenarbeit w\ufffdchst.", "Glocke \x07 läutet.")
    before = snapshot(db)
    (articles / "new.txt").write_text("Ein neuer Artikel über die Zusammenarbeit.", encoding="utf-8")

    state = ingest_flow(flow_settings(articles, db, audit_all=True), return_state=True)

    assert state.is_failed()
    assert "paragraphs.text_has_no_replacement_character (1 unexpected)" in state.message
    assert "paragraphs.text_has_no_control_characters (1 unexpected)" in state.message
    assert state.message.endswith("; no file read by this run explains it: `newsflow report` shows the failing rows")
    assert snapshot(db) == before
    assert query(db, "SELECT count(*) FROM articles WHERE source_path = 'new.txt'") == [(0,)]
    [(flow_run_id, status, message)] = query(db, "SELECT flow_run_id, status, message FROM runs WHERE run_id = 2")
    assert (status, message) == ("failed", state.message)
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(flow_run_id).state.is_failed()
    assert failed_critical(db, 2) == {"text_has_no_replacement_character": 1, "text_has_no_control_characters": 1}
    failed = query(db, "SELECT expectation, details FROM quality_results WHERE run_id = 2 AND NOT success")
    examples = {name: json.loads(details)["examples"] for name, details in failed}
    assert set(examples) == {"text_has_no_replacement_character", "text_has_no_control_characters"}
    assert "Die Zusammenarbeit w\ufffdchst." in json.dumps(examples, ensure_ascii=False)


def test_a_file_with_a_paragraph_over_the_configured_length_is_quarantined(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    state = ingest_flow(flow_settings(articles, db, paragraph_max_chars=520), return_state=True)
    assert state.is_completed()
    quarantined = query(db, "SELECT source_path, reason FROM quarantine ORDER BY source_path")
    assert quarantined == [
        (GERMAN_SEED, "too long: paragraph 3 has 925 characters, over NEWSFLOW_PARAGRAPH_MAX_CHARS=520"),
        (RUSSIAN_SEED, "too long: paragraph 6 has 538 characters, over NEWSFLOW_PARAGRAPH_MAX_CHARS=520"),
    ]
    assert query(db, "SELECT count(*) FROM articles") == [(3,)]
    assert query(db, "SELECT files_seen, files_loaded, files_quarantined FROM runs") == [(5, 3, 2)]


def test_a_clean_run_passes_every_expectation_and_publishes_artifacts(articles: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    results = query(db, "SELECT suite, severity, success FROM quality_results WHERE run_id = 1")
    assert len(results) == len(critical_names()) + 6  # six warnings
    assert all(success for _, _, success in results)
    suites = {"documents", "paragraphs", "document_paragraphs", "near_clusters", "runs", "history"}
    assert {suite for suite, _, _ in results} == suites
    with get_client(sync_client=True) as client:
        latest = {artifact.key: artifact.data for artifact in client.read_latest_artifacts()}
    markdown_key, table_key = artifact_keys(db)  # named for the warehouse
    assert "Every expectation passed" in latest[markdown_key]
    assert table_key in latest
    assert (db.with_name("w-quality") / "data-docs" / "index.html").is_file()


def test_a_jump_in_the_duplicate_ratio_is_a_warning_not_a_block(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    for n in range(3):  # three runs that change the warehouse make the history the anomaly checks compare with
        (articles / f"note_{n}.txt").write_text(
            f"Kurzmeldung Nummer {n}: das Wetter bleibt {n} Tage mild.", encoding="utf-8"
        )
        ingest(articles, db)
    for n in range(6):
        shutil.copy(articles / GERMAN_SEED, articles / f"syndicated_{n}.txt")

    counts = ingest(articles, db)  # completes: warnings do not block

    assert counts["files_loaded"] == 6
    verdicts = dict(
        (name, (severity, success))
        for name, severity, success in query(
            db, "SELECT expectation, severity, success FROM quality_results WHERE run_id = 4"
        )
    )
    assert verdicts["duplicate_ratio_within_history"] == ("warning", False)
    assert verdicts["articles_per_language_within_history"] == ("warning", False)
    assert query(db, "SELECT status FROM runs WHERE run_id = 4") == [("completed",)]
    assert query(db, "SELECT count(*) FROM articles") == [(5 + 3 + 6,)]


HELD_BACK = "quality gate: paragraphs.text_has_no_replacement_character"


def prepare_a_bad_file(articles: Path, db: Path) -> None:
    """A published warehouse holding a paragraph row with damaged text and no article (as a lossy
    decode of an older release would have left it, counted by its run), and two new files: `bad.txt`,
    which brings that paragraph into an article, and `good.txt`."""
    ingest(articles, db)
    damaged = "Die Zusammenarbeit w\ufffdchst."
    con = connect(db)
    con.execute(
        "INSERT INTO core.paragraphs VALUES (?, ?, 'de', ?, 1)",
        [paragraph_id("Die Zusammenarbeit wächst."), damaged, len(damaged)],
    )
    con.execute(
        "UPDATE core.run_counters SET value = value + 1 "
        "WHERE run_id = 1 AND step = 'warehouse' AND counter = 'paragraphs'"
    )
    con.close()
    (articles / "bad.txt").write_text("Die Zusammenarbeit wächst.\nMehr dazu morgen.\n", encoding="utf-8")
    (articles / "good.txt").write_text("Ein neuer Artikel über das Wetter in Almaty.\n", encoding="utf-8")


def test_a_file_whose_rows_fail_the_gate_is_held_back_and_the_rest_published(articles: Path, tmp_path: Path) -> None:
    """A paragraph row left damaged in the warehouse (as a lossy decode of an older release would
    have stored it), and a new file that brings that paragraph into an article: audited whole
    (NEWSFLOW_AUDIT_ALL=1, as for a warehouse an older release built), the file's rows fail the gate,
    so the file is quarantined with the expectation as the reason and the rest published.
    The quarantine sticks until the file changes."""
    db = tmp_path / "w.duckdb"
    prepare_a_bad_file(articles, db)

    state = ingest_flow(flow_settings(articles, db, audit_all=True), return_state=True)

    assert state.is_completed()
    reason = HELD_BACK
    assert query(db, "SELECT source_path, reason, run_id FROM quarantine") == [("bad.txt", reason, 2)]
    run = "SELECT status, message, files_seen, files_loaded, files_unchanged, files_quarantined FROM runs"
    held = (
        "quality gate: held back 1 file(s): bad.txt (paragraphs.text_has_no_replacement_character); published the rest"
    )
    assert query(db, f"{run} WHERE run_id = 2") == [("completed", held, 7, 1, 5, 1)]
    assert failed_critical(db, 2) == {}
    assert query(db, "SELECT source_path FROM articles WHERE source_path IN ('bad.txt', 'good.txt')") == [("good.txt",)]
    assert query(db, "SELECT value FROM run_steps WHERE run_id = 2 AND step = 'audit'") == [(1,)]

    # The next run does not read it again, and is green.
    (articles / "later.txt").write_text("Noch ein Artikel, über den Zug nach Astana.\n", encoding="utf-8")
    assert ingest(articles, db)["files_quarantined"] == 1
    assert query(db, "SELECT status, message, files_loaded, paragraphs_read FROM runs WHERE run_id = 3") == [
        ("completed", None, 1, 1)
    ]
    assert query(db, "SELECT source_path, reason, run_id FROM quarantine") == [("bad.txt", reason, 2)]

    # Changed, it is read again.
    (articles / "bad.txt").write_text("Die Zusammenarbeit wächst weiter.\n", encoding="utf-8")
    counts = ingest(articles, db)
    assert (counts["files_loaded"], counts["files_quarantined"]) == (1, 0)
    assert query(db, "SELECT count(*) FROM quarantine") == [(0,)]
    assert query(db, "SELECT count(*) FROM articles WHERE source_path = 'bad.txt'") == [(1,)]


@pytest.mark.slow
def test_the_summary_and_the_report_say_what_was_held_back(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    prepare_a_bad_file(articles, db)

    run = newsflow("run", "--source", str(articles), "--db", str(db), env=os.environ | {"NEWSFLOW_AUDIT_ALL": "1"})

    assert run.returncode == 0, run.stderr
    assert "run 2 completed" in run.stdout
    assert "34 expectations, 34 passed; 1 file(s) failed them and were held back" in run.stdout
    assert f"held back bad.txt: {HELD_BACK}" in run.stdout
    html = tmp_path / "report.html"
    report = newsflow("report", "--db", str(db), "--html", str(html))
    assert report.returncode == 0, report.stderr
    assert f"held back bad.txt: {HELD_BACK}" in report.stdout
    page = html.read_text(encoding="utf-8")
    assert f"<li><code>bad.txt</code>: {HELD_BACK}</li>" in page
    assert "held back 1 file(s): bad.txt (paragraphs.text_has_no_replacement_character)" in page


HOLDING_MIN_PARAGRAPH = f"""
SELECT DISTINCT d.source_path FROM core.documents AS d JOIN core.document_paragraphs AS o USING (document_id)
WHERE o.paragraph_id = {MIN_PARAGRAPH}
"""


@pytest.mark.parametrize(
    ("expectation", "suite", "blamed"),
    [
        ("article_text_has_no_repeated_paragraph", "document_paragraphs", [GERMAN_SEED]),
        ("kept_copy_has_the_same_paragraph", "document_paragraphs", [GERMAN_SEED]),
        ("paragraph_counts_match_occurrences", "documents", [RUSSIAN_SEED]),
        ("text_has_no_control_characters", "paragraphs", None),  # the files holding that paragraph
        ("paragraph_ids_unique", "paragraphs", []),  # a key: no file explains it
        ("files_seen_are_in_source_files", "runs", []),  # the accounting
    ],
)
def test_the_gate_blames_the_files_whose_rows_of_this_run_fail(
    published: Path, tmp_path: Path, expectation: str, suite: str, blamed: list[str] | None
) -> None:
    """Run 1 loaded every seed, so its rows are the run's own: a fault in them is blamed on their files."""
    from expectations.culprits import find_culprits

    db = tmp_path / "w.duckdb"
    shutil.copyfile(published, db)
    if blamed is None:
        blamed = [path for (path,) in query(db, HOLDING_MIN_PARAGRAPH)]
        assert blamed
    con = connect(db)
    con.execute(INJECTED_FAULTS[expectation][0])
    mark_audit_scope(con, 1)
    con.close()

    culprits = find_culprits(db, 1, CONFIG, validate_warehouse(db, 1, CONFIG))

    assert culprits == dict.fromkeys(sorted(blamed), f"quality gate: {suite}.{expectation}")
    assert find_culprits(db, 2, CONFIG, validate_warehouse(db, 1, CONFIG)) == {}  # rows of an earlier run
