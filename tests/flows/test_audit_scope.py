"""What a run's quality gate reads: the documents the run touched and the paragraphs they hold
(warehouse/sql/audit_scope.sql), from the run ids the run wrote on its rows (m012)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.corpus import GERMAN_SEED
from tests.flows.helpers import ingest, query
from warehouse.audit_scope import mark_audit_scope
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_api")

AUDITED_DOCUMENTS = """
SELECT d.source_path, d.is_current FROM core.audited_documents JOIN core.documents AS d USING (document_id)
"""
AUDITED_PARAGRAPHS = "SELECT count(*) FROM core.audited_paragraphs"


def scope_of(db: Path, run_id: int, scratch: Path) -> tuple[set[tuple[str, bool]], int]:
    """(source_path, is_current) of the documents the gate of run `run_id` read, and how many paragraphs,
    marked again on a copy of the published warehouse (publish drops the scope with the verdict)."""
    copy = scratch / "scope.duckdb"
    shutil.copyfile(db, copy)
    con = connect(copy)
    try:
        mark_audit_scope(con, run_id)
        return set(con.execute(AUDITED_DOCUMENTS).fetchall()), con.execute(AUDITED_PARAGRAPHS).fetchone()[0]
    finally:
        con.close()


def test_a_run_audits_the_documents_it_touched_and_their_paragraphs(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    shutil.copy(articles / GERMAN_SEED, articles / "zz_copy.txt")
    ingest(articles, db)
    # Run 2 loaded a copy of the German seed (9 paragraphs, 5 distinct); the seed, which sorts first,
    # stays the kept copy, so its own occurrences keep their decisions and are not read again.
    assert scope_of(db, 2, tmp_path) == ({("zz_copy.txt", True)}, 5)
    assert query(db, "SELECT count(*) FROM core.audited_documents") == [(0,)]  # dropped with the verdict

    with (articles / GERMAN_SEED).open("a", encoding="utf-8") as file:
        file.write("\nEin Nachtrag zum Artikel über die Zusammenarbeit.\n")
    ingest(articles, db)

    # Run 3 retired the seed's old version and loaded its new one (one paragraph more); the copy's
    # occurrences now link to the new version, so the copy is read again too.
    assert scope_of(db, 3, tmp_path) == ({(GERMAN_SEED, False), (GERMAN_SEED, True), ("zz_copy.txt", True)}, 6)
