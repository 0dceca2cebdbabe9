"""`newsflow export` as a real process: what it writes, read back, is what the views hold."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.flows.helpers import query
from tests.flows.processes import publish_seeds
from tests.flows.test_cli import newsflow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish_seeds(tmp_path_factory.mktemp("export"))


def export(db: Path, path: Path, *args: str) -> str:
    result = newsflow("export", str(path), "--db", str(db), *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def read_back(path: Path, reader: str) -> list[tuple]:
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT * FROM {reader}(?)", [str(path)]).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(("suffix", "reader"), [("parquet", "read_parquet"), ("csv", "read_csv")])
def test_articles_read_back_equal_the_view(db: Path, tmp_path: Path, suffix: str, reader: str) -> None:
    path = tmp_path / f"articles.{suffix}"
    before = db.read_bytes()

    printed = export(db, path)

    assert f"exported 5 articles to {path} ({suffix}," in printed
    view = query(db, "SELECT * FROM articles ORDER BY source_root, source_path")
    back = read_back(path, reader)
    if suffix == "csv":  # CSV holds text: compare what it holds, as text
        view = [tuple("" if v is None else str(v) for v in row) for row in view]
        back = [tuple("" if v is None else str(v) for v in row) for row in back]
    assert back == view
    assert db.read_bytes() == before  # export only reads the warehouse


def test_jsonl_is_shaped_like_datatrove_documents(db: Path, tmp_path: Path) -> None:
    articles, paragraphs = tmp_path / "articles.jsonl", tmp_path / "paragraphs.jsonl"
    export(db, articles)
    export(db, paragraphs, "--what", "paragraphs")

    documents = [json.loads(line) for line in articles.read_text(encoding="utf-8").splitlines()]
    view = query(db, "SELECT document_id, text, source_path, language, paragraphs_unique FROM articles "
                     "ORDER BY source_root, source_path")  # fmt: skip
    assert [list(document) for document in documents] == [["text", "id", "metadata"]] * 5
    assert [(d["id"], d["text"], d["metadata"]["source_path"], d["metadata"]["language"],
             d["metadata"]["paragraphs_unique"]) for d in documents] == view  # fmt: skip
    assert "document_id" not in documents[0]["metadata"] and "text" not in documents[0]["metadata"]

    occurrences = [json.loads(line) for line in paragraphs.read_text(encoding="utf-8").splitlines()]
    assert len(occurrences) == 65 == len({o["id"] for o in occurrences})  # every occurrence, each its own id
    repeats = [o for o in occurrences if o["metadata"]["is_repeat_in_document"]]
    assert len(repeats) == 4 and all(o["metadata"]["language"] == "de" for o in repeats)


def test_clusters_export_and_an_existing_file_needs_force(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "clusters.parquet"
    path.write_bytes(b"old")
    refused = newsflow("export", str(path), "--what", "clusters", "--db", str(db))
    assert refused.returncode == 1 and path.read_bytes() == b"old"

    export(db, path, "--what", "clusters", "--force")

    assert read_back(path, "read_parquet") == query(db, "SELECT * FROM near_duplicate_clusters ORDER BY cluster_id")
    assert not list(tmp_path.glob(".*partial"))  # written beside, then renamed into place
