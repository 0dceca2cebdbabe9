"""The search index from terms that prepare tokenized: the same index, built run by run or at once, as the writer
builds by tokenizing every paragraph's kept text itself (as it still does for a warehouse older than the index)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.corpus import GERMAN_SEED, KAZAKH_SEEDS, RUSSIAN_SEEDS, read_seed
from tests.flows.helpers import ingest, query
from warehouse.connection import connect
from warehouse.search import index_new_paragraphs
from warehouse.sql_script import run_script

pytestmark = pytest.mark.usefixtures("prefect_api")

# One paragraph id (ё folds to е in ids), two texts whose tokens differ: Kazakh has no stemmer to fold them.
KAZAKH_YO = "Ёлка Қазақстанның барлық қалаларында әдемі безендірілді және көрермендер қуанды."
KAZAKH_YE = KAZAKH_YO.replace("Ё", "Е")


def index_by_id(db: Path) -> tuple[list[tuple], list[tuple]]:
    """The index in terms that do not depend on its keys: (paragraph_id, language, terms), (paragraph_id, term, tf)."""
    paragraphs = query(db, "SELECT paragraph_id, language, terms FROM search.paragraph_terms ORDER BY ALL")
    terms = query(
        db,
        """SELECT p.paragraph_id, t.term, t.tf
           FROM search.terms AS t JOIN search.paragraph_terms AS p USING (paragraph_key) ORDER BY ALL""",
    )
    return paragraphs, terms


def indexed_by_the_writer(db: Path) -> Path:
    """A copy of `db` with its index rebuilt from scratch: each paragraph tokenized by the writer from its kept text."""
    copy = db.with_name(f"{db.stem}-writer.duckdb")
    shutil.copy(db, copy)
    con = connect(copy)
    try:
        con.execute("DELETE FROM search.terms")
        con.execute("DELETE FROM search.paragraph_terms")
        run_script(con, "staging")  # as a run has it: nothing staged
        counts = index_new_paragraphs(con)
    finally:
        con.close()
    assert counts["paragraphs_tokenized_here"] == counts["paragraphs"] > 0
    return copy


def index_steps(db: Path) -> list[tuple]:
    return query(
        db,
        """SELECT run_id, step, counter, value > 0 FROM run_steps
           WHERE step = 'index_search' OR (step = 'search_terms' AND counter = 'milliseconds') ORDER BY ALL""",
    )


def assert_each_paragraph_indexed_once(db: Path) -> None:
    assert query(db, "SELECT count(*), count(DISTINCT paragraph_id), count(DISTINCT paragraph_key) "
                     "FROM search.paragraph_terms") == query(db, "SELECT count(*), count(*), count(*) "
                                                                 "FROM core.paragraphs")  # fmt: skip
    assert query(db, "SELECT count(*) FROM core.paragraphs WHERE paragraph_id NOT IN "
                     "(SELECT paragraph_id FROM search.paragraph_terms)") == [(0,)]  # fmt: skip


def test_prepared_terms_build_the_writers_index_run_by_run_or_at_once(articles: Path, tmp_path: Path) -> None:
    # Repeats inside an article, and across articles and batches (two files per batch).
    german = read_seed(GERMAN_SEED)
    (articles / "a_repeats.txt").write_text(f"{KAZAKH_YO}\n\n{KAZAKH_YO}\n\n{german}", encoding="utf-8")
    shutil.copy(articles / RUSSIAN_SEEDS[1], articles / "z_copy.txt")
    later = tmp_path / "later"
    later.mkdir()
    for name in (KAZAKH_SEEDS[1], RUSSIAN_SEEDS[0], "z_copy.txt"):
        shutil.move(articles / name, later / name)
    steps = tmp_path / "steps.duckdb"
    ingest(articles, steps)
    for name in (KAZAKH_SEEDS[1], RUSSIAN_SEEDS[0], "z_copy.txt"):
        shutil.move(later / name, articles / name)
    ingest(articles, steps)
    once = tmp_path / "once.duckdb"
    ingest(articles, once)

    assert index_by_id(steps) == index_by_id(once) == index_by_id(indexed_by_the_writer(once))
    for db in (steps, once):
        assert_each_paragraph_indexed_once(db)
    # Prepare tokenized every paragraph; the writer only inserted them.
    assert index_steps(steps) == [
        (run, step, counter, positive)
        for run in (1, 2)
        for step, counter, positive in (
            ("index_search", "milliseconds", True), ("index_search", "paragraphs", True),
            ("index_search", "paragraphs_tokenized_here", False), ("search_terms", "milliseconds", True),
        )
    ]  # fmt: skip


def test_paragraphs_an_older_run_left_unindexed_are_indexed_from_their_kept_text(
    articles: Path, tmp_path: Path
) -> None:
    (articles / "a.txt").write_text(f"{KAZAKH_YO}\n\nБірінші мақаланың екінші абзацы.", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    paragraphs = query(db, "SELECT count(*) FROM core.paragraphs")[0][0]
    # As a warehouse whose paragraphs were never indexed: the run must index them, with the text each kept.
    con = connect(db)
    try:
        con.execute("DELETE FROM search.terms")
        con.execute("DELETE FROM search.paragraph_terms")
    finally:
        con.close()
    # The same paragraph id with the other spelling: staged by the run, but not the text the warehouse kept.
    (articles / "b.txt").write_text(f"{KAZAKH_YE}\n\nЕкінші мақаланың жаңа абзацы.", encoding="utf-8")

    ingest(articles, db)

    assert query(db, "SELECT counter, value FROM run_steps WHERE run_id = 2 AND step = 'index_search' "
                     "AND counter <> 'milliseconds' ORDER BY 1") == [
        ("paragraphs", paragraphs + 1), ("paragraphs_tokenized_here", paragraphs),
    ]  # fmt: skip
    terms = {term for _, term, _ in index_by_id(db)[1]}
    assert "ёлка" in terms and "елка" not in terms
    once = tmp_path / "once.duckdb"
    ingest(articles, once)
    assert index_by_id(db) == index_by_id(once) == index_by_id(indexed_by_the_writer(db))
    assert_each_paragraph_indexed_once(db)
