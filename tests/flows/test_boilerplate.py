"""Boilerplate through the real flow and a real DuckDB file: site chrome leaves the article text, the
duplicate flags and search; a line that recurs across a source folder becomes boilerplate once it
recurs enough, earlier articles included; a syndicated paragraph stays a duplicate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.corpus import RUSSIAN_SEED, read_seed
from tests.flows.helpers import ingest, query
from warehouse.connection import connect
from warehouse.search import search_paragraphs

pytestmark = pytest.mark.usefixtures("prefect_api")

PROMO = "Jetzt gratis: die App der Beispielzeitung für iOS und Android"
SYNDICATED = (
    "Die Regierung hat am Dienstag ein neues Gesetz über den Schutz von Daten im Netz beschlossen, "
    "das im Frühjahr in Kraft treten soll, wie ein Sprecher in Berlin mitteilte."
)


def article(number: int, *extra: str) -> str:
    lines = [
        f"Meldung Nummer {number} aus der Region",
        "",
        f"In der Gemeinde Nummer {number} hat der Rat am Montagabend über den Haushalt des kommenden Jahres "
        f"beraten und nach langer Debatte {number} neue Stellen für die Schulen bewilligt.",
        f"Die Opposition kritisierte, dass die Gemeinde {number} dafür neue Schulden aufnehmen muss.",
        *extra,
    ]
    return "\n".join(lines) + "\n"


def test_seed_003_keeps_its_article_whole_without_the_teaser_footer(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    paragraphs = [line.strip() for line in read_seed(RUSSIAN_SEED).splitlines() if line.strip()]
    ((title, text, distinct),) = query(
        db, "SELECT title, text, paragraphs_distinct FROM articles WHERE source_path = ?", [RUSSIAN_SEED]
    )
    assert text == "\n\n".join(paragraphs[:9])
    assert (title, distinct) == (paragraphs[0], 9)
    reasons = query(
        db,
        "SELECT boilerplate_reason, count(*), bool_or(is_duplicate_of_earlier_document OR is_repeat_in_document) "
        "FROM paragraph_occurrences WHERE is_boilerplate GROUP BY ALL",
    )
    assert reasons == [("teaser", 12, False)]
    assert query(db, "SELECT agency, evidence FROM article_credits ORDER BY ALL") == [
        ("BelTA", "(BelTA)"),
        ("BelTA", "со ссылкой на БЕЛТА"),
        ("BelTA", "хабарлады БЕЛТА"),
        ("Kazinform", "ҚазАқпарат"),
    ]
    con = connect(db, read_only=True)
    try:  # a teaser's words find nothing: "азартные игры" is only in the last teaser's excerpt
        assert search_paragraphs(con, "азартные игры")[0].fetchall() == []
        assert search_paragraphs(con, "товарооборот")[0].fetchall() != []
    finally:
        con.close()


def test_a_line_recurring_across_the_folder_becomes_boilerplate_and_earlier_articles_follow(tmp_path: Path) -> None:
    source, db = tmp_path / "news", tmp_path / "w.duckdb"
    source.mkdir()
    for number in (1, 2, 3):
        (source / f"{number}.txt").write_text(article(number, SYNDICATED, PROMO), encoding="utf-8")
    ingest(source, db)
    occurrences = "SELECT source_path, is_boilerplate, is_duplicate_of_earlier_document FROM paragraph_occurrences "
    # In three articles of three, the promo is a duplicate like the syndicated paragraph: not yet boilerplate.
    assert query(db, occurrences + "WHERE text = ? ORDER BY 1", [PROMO]) == [
        ("1.txt", False, False), ("2.txt", False, True), ("3.txt", False, True),
    ]  # fmt: skip

    (source / "4.txt").write_text(article(4, SYNDICATED, PROMO), encoding="utf-8")
    ingest(source, db)
    # The fourth makes it recur enough: every occurrence is boilerplate now, none a duplicate, none in the text.
    assert query(db, occurrences + "WHERE text = ? ORDER BY 1", [PROMO]) == [
        (f"{n}.txt", True, False) for n in (1, 2, 3, 4)
    ]
    assert query(db, "SELECT DISTINCT boilerplate_reason FROM paragraph_occurrences WHERE text = ?", [PROMO]) == [
        ("recurring_in_source",)
    ]
    assert query(db, "SELECT count(*) FROM articles WHERE contains(text, ?)", [PROMO]) == [(0,)]
    assert query(db, "SELECT count(*) FROM duplicate_paragraphs WHERE text = ?", [PROMO]) == [(0,)]
    # The syndicated paragraph is long: a duplicate, kept once, in every article's text.
    assert query(db, occurrences + "WHERE text = ? ORDER BY 1", [SYNDICATED]) == [
        ("1.txt", False, False), ("2.txt", False, True), ("3.txt", False, True), ("4.txt", False, True),
    ]  # fmt: skip
    assert query(db, "SELECT count(*) FROM articles WHERE contains(text, ?)", [SYNDICATED]) == [(4,)]

    # Built at once from the same four files, the warehouse decides the same.
    fresh = tmp_path / "fresh.duckdb"
    ingest(source, fresh)
    decisions = (
        "SELECT source_path, position, is_boilerplate, boilerplate_reason, is_repeat_in_document, "
        "is_duplicate_of_earlier_document, kept_position FROM paragraph_occurrences ORDER BY 1, 2"
    )
    assert query(db, decisions) == query(fresh, decisions)
    assert query(db, "SELECT * FROM core.source_lines ORDER BY ALL") == query(
        fresh, "SELECT * FROM core.source_lines ORDER BY ALL"
    )

    # Down to three articles again, the promo is a duplicate once more.
    (source / "4.txt").unlink()
    ingest(source, db)
    assert query(db, occurrences + "WHERE text = ? ORDER BY 1", [PROMO]) == [
        ("1.txt", False, False), ("2.txt", False, True), ("3.txt", False, True),
    ]  # fmt: skip


def test_an_article_of_nothing_but_recurring_lines_keeps_one_paragraph(tmp_path: Path) -> None:
    source, db = tmp_path / "news", tmp_path / "w.duckdb"
    source.mkdir()
    for number in (1, 2, 3, 4):
        (source / f"{number}.txt").write_text(article(number, PROMO), encoding="utf-8")
    (source / "5.txt").write_text(PROMO + "\n", encoding="utf-8")
    result = ingest(source, db)
    assert result["files_quarantined"] == 0
    assert query(db, "SELECT paragraphs_distinct, text FROM articles WHERE source_path = '5.txt'") == [(1, PROMO)]
    assert query(db, "SELECT count(*) FROM quality_results WHERE NOT success AND severity = 'critical'") == [(0,)]


def test_the_quality_suites_check_boilerplate(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.rmtree(articles / "unused", ignore_errors=True)
    ingest(articles, db)
    checks = dict(
        query(
            db,
            "SELECT expectation, success FROM quality_results WHERE expectation IN "
            "('article_keeps_a_paragraph', 'no_boilerplate_in_article_text', 'boilerplate_is_no_copy', "
            "'boilerplate_share_within_history')",
        )
    )
    assert checks == {
        "article_keeps_a_paragraph": True,
        "no_boilerplate_in_article_text": True,
        "boilerplate_is_no_copy": True,
        "boilerplate_share_within_history": True,
    }


def test_a_warehouse_from_before_boilerplate_learns_its_recurring_lines_at_the_next_run(tmp_path: Path) -> None:
    source, db = tmp_path / "news", tmp_path / "w.duckdb"
    source.mkdir()
    for number in (1, 2, 3, 4):
        (source / f"{number}.txt").write_text(article(number, PROMO), encoding="utf-8")
    ingest(source, db)
    # As m008 leaves a warehouse built before it: no counts, no hints, nothing flagged.
    con = connect(db)
    try:
        con.execute("DELETE FROM core.source_lines")
        con.execute(
            "UPDATE core.document_paragraphs SET boilerplate_hint = NULL, is_boilerplate = false, "
            "boilerplate_reason = NULL"
        )
    finally:
        con.close()
    (source / "5.txt").write_text(article(5), encoding="utf-8")
    ingest(source, db)
    assert query(db, "SELECT source_path FROM paragraph_occurrences WHERE is_boilerplate ORDER BY 1") == [
        (f"{n}.txt",) for n in (1, 2, 3, 4)
    ]
    assert query(db, "SELECT documents FROM core.source_lines JOIN core.paragraphs USING (paragraph_id) "
                     "WHERE text = ?", [PROMO]) == [(4,)]  # fmt: skip
