"""The ingest flow end to end: real Prefect flow, real DuckDB file, the seed articles."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.corpus import GERMAN_SEED, KAZAKH_SEEDS, RUSSIAN_SEED, RUSSIAN_SEEDS
from tests.flows.helpers import ingest, occurrences_by_path, query, snapshot
from warehouse.connection import connect
from warehouse.run_summary import language_summary
from warehouse.search import search_paragraphs
from warehouse.skips import recent_skips

pytestmark = pytest.mark.usefixtures("prefect_api")


def test_seeds_load_into_articles_with_languages_and_the_german_repeats_flagged(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"

    counts = ingest(articles, db)

    assert counts | {"run_id": 0} == {
        "run_id": 0, "files_seen": 5, "files_loaded": 5, "files_unchanged": 0, "files_quarantined": 0,
        "files_deleted": 0, "paragraphs_read": 65, "paragraphs_unique": 61, "paragraphs_new": 61,
    }  # fmt: skip
    rows = query(db, "SELECT source_path, language, paragraphs_raw, paragraphs_unique FROM articles ORDER BY 1")
    assert rows == [
        (KAZAKH_SEEDS[0], "kk", 13, 13),
        (KAZAKH_SEEDS[1], "kk", 16, 16),
        (GERMAN_SEED, "de", 9, 5),
        (RUSSIAN_SEEDS[0], "ru", 21, 21),
        (RUSSIAN_SEEDS[1], "ru", 6, 6),
    ]
    [(german_id, text)] = query(db, "SELECT document_id, text FROM articles WHERE source_path = ?", [GERMAN_SEED])
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == len(set(paragraphs)) == 5
    assert paragraphs[0].startswith("MINSK, 27. Februar (BelTA)")

    german = query(
        db,
        """SELECT position, is_repeat_in_document, is_duplicate_of_earlier_document, kept_document_id, kept_position
           FROM paragraph_occurrences WHERE source_path = ? ORDER BY position""",
        [GERMAN_SEED],
    )
    assert german == [(p, False, False, german_id, p) for p in range(1, 6)] + [
        (p, True, False, german_id, p - 4) for p in range(6, 10)
    ]
    flagged_elsewhere = query(
        db,
        """SELECT count(*) FROM paragraph_occurrences WHERE source_path <> ?
           AND (is_repeat_in_document OR is_duplicate_of_earlier_document)""",
        [GERMAN_SEED],
    )
    assert flagged_elsewhere == [(0,)]
    assert query(db, "SELECT dateline_place, agency FROM articles WHERE source_path = ?", [GERMAN_SEED]) == [
        ("MINSK", "BelTA")
    ]
    assert query(db, "SELECT title FROM articles WHERE source_path = ?", [RUSSIAN_SEED]) == [
        ("Лукашенко рассчитывает на серьезный рост товарооборота с Казахстаном",)
    ]


def test_the_run_is_recorded_with_its_prefect_flow_run(articles: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    db = tmp_path / "w.duckdb"
    ingest(articles, db)

    [(run_id, flow_run_id, status, seen, loaded)] = query(
        db, "SELECT run_id, flow_run_id, status, files_seen, files_loaded FROM runs"
    )
    assert (run_id, status, seen, loaded) == (1, "completed", 5, 5)
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    assert flow_run.state.is_completed()
    steps = dict(
        ((step, counter), value) for step, counter, value in query(db, "SELECT step, counter, value FROM run_steps")
    )
    assert steps[("discover", "total")] == steps[("discover", "kept")] == 5
    assert steps[("decode", "total")] == steps[("decode", "kept")] == 5
    assert steps[("segment", "kept")] == 65
    assert steps[("prepare", "total")] == 3  # the seeds in batches of TEST_BATCH_FILES
    assert steps[("dedup", "repeats_in_document")] == 4


def test_a_second_run_over_unchanged_files_is_skipped_and_does_not_touch_the_warehouse(
    articles: Path, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    before = (db.stat().st_mtime_ns, db.read_bytes())

    counts = ingest(articles, db)

    assert (db.stat().st_mtime_ns, db.read_bytes()) == before
    assert counts == {
        "files_seen": 5, "files_loaded": 0, "files_unchanged": 5, "files_quarantined": 0, "files_deleted": 0,
        "skipped": 1,
    }  # fmt: skip
    assert query(db, "SELECT run_id, status FROM runs ORDER BY run_id") == [(1, "completed")]
    (skip,) = recent_skips(db)  # logged beside the warehouse, as this flow run, which is tagged a skip
    assert skip["files_seen"] == 5
    with get_client(sync_client=True) as client:
        assert "skip" in client.read_flow_run(skip["flow_run_id"]).tags


def test_a_touched_file_is_read_again_and_only_its_new_stat_recorded(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    before = snapshot(db)
    touched = articles / RUSSIAN_SEED
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))

    counts = ingest(articles, db)

    assert "skipped" not in counts
    assert (counts["files_loaded"], counts["files_unchanged"], counts["paragraphs_read"]) == (0, 5, 0)
    assert {t: rows for t, rows in snapshot(db).items() if t != "source_files"} == {
        t: rows for t, rows in before.items() if t != "source_files"
    }
    [(mtime,)] = query(db, "SELECT mtime_ns FROM core.source_files WHERE source_path = ?", [RUSSIAN_SEED])
    assert mtime == touched.stat().st_mtime_ns
    # Read once more now, it is skipped: the new stat was recorded.
    assert ingest(articles, db)["skipped"] == 1


def test_a_copy_under_a_new_name_is_all_duplicates_of_the_earlier_document(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    shutil.copy(articles / RUSSIAN_SEED, articles / "zz_syndicated_copy.txt")

    counts = ingest(articles, db)

    assert (counts["files_loaded"], counts["files_unchanged"], counts["paragraphs_new"]) == (1, 5, 0)
    [(original_id,)] = query(db, "SELECT document_id FROM articles WHERE source_path = ?", [RUSSIAN_SEED])
    copy = query(
        db,
        """SELECT is_boilerplate, is_duplicate_of_earlier_document, kept_document_id, kept_position = position
           FROM paragraph_occurrences WHERE source_path = 'zz_syndicated_copy.txt' ORDER BY position""",
    )
    [(copy_id,)] = query(db, "SELECT document_id FROM articles WHERE source_path = 'zz_syndicated_copy.txt'")
    # The article's 9 paragraphs are copies of the original's; its 12 teaser lines are boilerplate,
    # no copies, each its own kept occurrence.
    assert copy == [(False, True, original_id, True)] * 9 + [(True, False, copy_id, True)] * 12
    assert query(
        db, "SELECT count(*) FROM paragraph_occurrences WHERE source_path = ? AND is_duplicate_of_earlier_document",
        [RUSSIAN_SEED],
    ) == [(0,)]  # fmt: skip
    assert query(db, "SELECT count(*) FROM articles") == [(6,)]


def test_keep_rule_depends_on_the_files_not_on_when_they_arrived(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    # A copy whose path sorts first arrives later: it becomes the kept copy, as a fresh build decides.
    shutil.copy(articles / GERMAN_SEED, articles / "000_aaa_copy.txt")
    ingest(articles, db)

    fresh = tmp_path / "fresh.duckdb"
    ingest(articles, fresh)
    assert occurrences_by_path(db) == occurrences_by_path(fresh)
    german = query(
        db, "SELECT DISTINCT is_duplicate_of_earlier_document FROM paragraph_occurrences WHERE source_path = ?",
        [GERMAN_SEED],
    )  # fmt: skip
    assert german == [(True,)]


def test_a_changed_file_becomes_a_new_version_and_articles_shows_it(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    [(old_id,)] = query(db, "SELECT document_id FROM articles WHERE source_path = ?", [RUSSIAN_SEEDS[1]])
    with (articles / RUSSIAN_SEEDS[1]).open("a", encoding="utf-8") as f:
        f.write("\nДобавлен новый абзац о сотрудничестве.\n")

    counts = ingest(articles, db)

    assert (counts["files_loaded"], counts["paragraphs_read"], counts["paragraphs_new"]) == (1, 7, 1)
    [(new_id, raw, text)] = query(
        db, "SELECT document_id, paragraphs_raw, text FROM articles WHERE source_path = ?", [RUSSIAN_SEEDS[1]]
    )
    assert new_id != old_id
    assert raw == 7
    assert text.endswith("Добавлен новый абзац о сотрудничестве.")
    versions = query(
        db, "SELECT document_id, is_current, retired_run FROM core.documents WHERE source_path = ? ORDER BY loaded_run",
        [RUSSIAN_SEEDS[1]],
    )  # fmt: skip
    assert versions == [(old_id, False, 2), (new_id, True, None)]
    # The old version's paragraphs are still there, each a copy of the new version's.
    assert query(db, "SELECT count(*) FROM core.document_paragraphs WHERE document_id = ?", [old_id]) == [(6,)]


def test_a_deleted_file_is_marked_and_leaves_articles(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    (articles / GERMAN_SEED).unlink()

    counts = ingest(articles, db)

    assert (counts["files_seen"], counts["files_deleted"]) == (4, 1)
    assert query(db, "SELECT status, document_id, last_changed_run FROM core.source_files WHERE source_path = ?",
                 [GERMAN_SEED]) == [("deleted", None, 2)]  # fmt: skip
    assert query(db, "SELECT count(*) FROM articles WHERE source_path = ?", [GERMAN_SEED]) == [(0,)]
    assert query(db, "SELECT count(*) FROM articles") == [(4,)]


def test_each_publish_keeps_the_warehouse_by_language_and_the_summary_reads_the_last(
    articles: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    view = "SELECT * EXCLUDE (boilerplate) FROM language_summary"
    ingest(articles, db)
    first = query(db, view)
    (articles / GERMAN_SEED).unlink()

    ingest(articles, db)

    stored = query(db, "SELECT * EXCLUDE (boilerplate) FROM core.published_languages ORDER BY run_id, language")
    assert stored == [(1, *row) for row in first] + [(2, *row) for row in query(db, view)]
    assert [row[0] for row in query(db, view)] == ["kk", "ru"]  # the German article left with its file
    con = connect(db, read_only=True)
    try:
        assert language_summary(con) == query(db, view)
    finally:
        con.close()
    con = duckdb.connect(str(db))  # as a warehouse published before m016 is, until a run migrates it
    try:
        con.execute("DROP TABLE core.published_languages")
        assert language_summary(con) == con.execute(view).fetchall()
    finally:
        con.close()


def test_a_file_that_is_not_text_is_quarantined_and_the_run_goes_on(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    legacy = articles / "legacy_cp1251.txt"
    legacy.write_bytes(b"\x00\x01" + "Президент Беларуси уверен".encode("cp1251"))

    counts = ingest(articles, db)

    assert (counts["files_seen"], counts["files_loaded"], counts["files_quarantined"]) == (6, 5, 1)
    assert counts["files_seen"] == counts["files_loaded"] + counts["files_unchanged"] + counts["files_quarantined"]
    assert query(db, "SELECT source_path, reason, run_id FROM quarantine") == [
        ("legacy_cp1251.txt", "binary: NUL byte at offset 0; content looks like data", 1)
    ]
    # Still quarantined, unread, on the next run; loaded once it is fixed.
    again = ingest(articles, db)
    assert (again["files_quarantined"], again["files_unchanged"]) == (1, 5)
    legacy.write_bytes("Президент Беларуси уверен в сотрудничестве.".encode("cp1251"))
    fixed = ingest(articles, db)
    assert (fixed["files_loaded"], fixed["files_quarantined"]) == (1, 0)
    assert query(db, "SELECT count(*) FROM quarantine") == [(0,)]
    assert query(db, "SELECT language, encoding FROM articles WHERE source_path = 'legacy_cp1251.txt'") == [
        ("ru", "cp1251")
    ]


def test_after_any_sequence_of_changes_the_warehouse_equals_a_fresh_build(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    (articles / "sub").mkdir()
    shutil.copy(articles / GERMAN_SEED, articles / "sub" / "copy.txt")
    (articles / KAZAKH_SEEDS[0]).unlink()
    ingest(articles, db)
    (articles / "sub" / "copy.txt").write_text("Ganz neuer Text.\n\nZweiter Absatz.", encoding="utf-8")
    shutil.copy(articles / RUSSIAN_SEED, articles / "a_first.txt")
    ingest(articles, db)

    fresh = tmp_path / "fresh.duckdb"
    ingest(articles, fresh)
    assert occurrences_by_path(db) == occurrences_by_path(fresh)
    assert query(db, "SELECT * EXCLUDE (loaded_run) FROM articles ORDER BY source_path") == query(
        fresh, "SELECT * EXCLUDE (loaded_run) FROM articles ORDER BY source_path"
    )


def test_a_run_leaves_no_staged_rows_in_the_published_warehouse(articles: Path, tmp_path: Path) -> None:
    """Staging is the run's in-memory scratch (m004): the published file holds only what was merged."""
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    assert query(db, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging'") == [(0,)]
    assert query(db, "SELECT count(*) FROM core.document_paragraphs") == [(65,)]


def test_the_search_index_grows_by_new_paragraphs_and_finds_only_current_ones(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    (articles / "new.txt").write_text("Die Quokkaforschung wächst.\n\nQuokkaforschung ist beliebt.\n", encoding="utf-8")
    (articles / RUSSIAN_SEED).unlink()

    counts = ingest(articles, db)

    indexed = query(
        db, "SELECT run_id, value FROM run_steps WHERE step = 'index_search' AND counter = 'paragraphs' ORDER BY 1"
    )
    assert indexed == [(1, 61), (2, counts["paragraphs_new"])] and counts["paragraphs_new"] == 2
    con = connect(db, read_only=True)
    try:
        found = search_paragraphs(con, "quokkaforschungen", "de")[0].fetchall()
        # Stemmed: "Quokkaforschungen" finds "Quokkaforschung", in both new paragraphs.
        assert sorted((language, path, position) for _, language, path, position, *_ in found) == [
            ("de", "new.txt", 1), ("de", "new.txt", 2),
        ]  # fmt: skip
        # The deleted article's paragraphs stay indexed (ids are forever) but are no longer found.
        assert search_paragraphs(con, "президенту", "ru")[0].fetchall() == []
        assert con.execute("SELECT count(*) FROM search.paragraph_terms").fetchone() == (63,)
    finally:
        con.close()
