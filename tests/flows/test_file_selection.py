"""Data files beside the articles: `newsflow run` skips them by --include/--exclude, and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.flows.helpers import query
from tests.flows.test_cli import newsflow

pytestmark = pytest.mark.slow


def run(*args: str) -> str:
    """What `newsflow run` printed, its lines joined: a piped summary may still wrap at 80 columns."""
    result = newsflow("run", *args)
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


def test_data_files_beside_articles_are_skipped_counted_and_named(articles: Path, tmp_path: Path) -> None:
    docs = [{"id": n, "text": "Ein langer Artikel. " * 200} for n in range(50)]
    (articles / "docs.jsonl").write_text("\n".join(map(json.dumps, docs)), encoding="utf-8")
    (articles / "a.csv").write_text("id,text\n1,Ein Artikel\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"

    first = run("--source", str(articles), "--db", str(db))

    assert "seen 5 = loaded 5 + unchanged 0 + quarantined 0" in first
    skipped = "skipped 2 not read as articles: a.csv, docs.jsonl: not matched by --include '*.txt'"
    assert skipped in first
    assert query(db, "SELECT count(*) FROM quarantine") == [(0,)]
    assert query(db, "SELECT value FROM run_steps WHERE step = 'discover' AND counter = 'dropped_not_selected'") == [
        (2,)
    ]
    again = run("--source", str(articles), "--db", str(db))
    assert "nothing changed" in again and skipped in again

    # Asked for, the CSV is read; excluded, a loaded file leaves the warehouse as if deleted.
    wider = run("--source", str(articles), "--db", str(db), "--include", "*.txt", "--include", "*.csv")
    assert "seen 6 = loaded 1 + unchanged 5" in wider
    assert "skipped 1 not read as articles: docs.jsonl" in wider
    narrower = run("--source", str(articles), "--db", str(db), "--include", "*", "--exclude", "*.csv",
                   "--exclude", "docs.*")  # fmt: skip
    assert "seen 5 = loaded 0 + unchanged 5 + quarantined 0; deleted 1" in narrower
    assert "a.csv, docs.jsonl: matched by --exclude '*.csv'; matched by --exclude 'docs.*'" in narrower
    assert query(db, "SELECT count(*) FROM articles WHERE source_path = 'a.csv'") == [(0,)]
