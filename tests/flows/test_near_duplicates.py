"""Near-duplicate paragraphs through the real flow and a real DuckDB file: syndicated copies with
edits land in one cluster, the facts that differ stay apart, and runs equal a fresh build."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from flows.ingest import ingest_flow
from tasks.fingerprint import NORMALIZATION_VERSION
from tasks.near_config import NearDupConfig
from tasks.near_dedup import config_label
from tasks.near_verify import measure_pairs
from tests.corpus import RUSSIAN_SEED, SHARED_DATA, read_seed
from tests.flows.helpers import flow_settings, ingest, query
from warehouse.connection import connect
from warehouse.search import search_paragraphs

pytestmark = pytest.mark.usefixtures("prefect_api")

KAZAKH_SEED = "001_df5f3955e2b92ea9.txt"
RUSSIAN_NEWS = SHARED_DATA / "ru-news-corus-samples" / "txt"
NEAR_OCCURRENCES = """
SELECT o.source_path, o.position, o.near_duplicate_cluster_id, o.is_near_repeat_in_document,
       o.is_near_duplicate_of_earlier_document, k.source_path, o.near_kept_position, round(o.similarity, 6)
FROM paragraph_occurrences AS o JOIN articles AS k ON k.document_id = o.near_kept_document_id
ORDER BY 1, 2
"""


def test_a_near_repeat_inside_an_article_leaves_its_text(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    # Seed 001 quotes its headline again at paragraph 11, with ", - деді" (said) added.
    repeats = query(
        db,
        "SELECT position, similarity FROM paragraph_occurrences "
        "WHERE source_path = ? AND is_near_repeat_in_document AND NOT is_repeat_in_document",
        [KAZAKH_SEED],
    )
    assert [position for position, _ in repeats] == [11]
    assert 0.6 <= repeats[0][1] < 1
    (raw, distinct, text), = query(
        db, "SELECT paragraphs_raw, paragraphs_distinct, text FROM articles WHERE source_path = ?", [KAZAKH_SEED]
    )  # fmt: skip
    assert (raw, distinct) == (16, 15)
    assert "- деді Беларусь" not in text
    (clusters,) = query(db, "SELECT count(*) FROM near_duplicate_clusters")[0]
    assert clusters == 1
    # The German seed's exact repeats are near repeats too: near flags include the exact ones.
    assert query(
        db, "SELECT count(*) FROM paragraph_occurrences WHERE is_repeat_in_document AND NOT is_near_repeat_in_document"
    ) == [(0,)]


def edited_copy(text: str, rng: random.Random) -> str:
    """A syndicated copy of a real article: each paragraph with one of the edits wire copy travels with."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    edited = []
    for paragraph in paragraphs:
        kind = rng.choice(("agency", "quotes", "cut", "typo"))
        sentences = paragraph.split(". ")
        if kind == "agency":
            paragraph = paragraph.rstrip(".") + " — передает БЕЛТА."
        elif kind == "quotes":
            paragraph = paragraph.replace("«", '"').replace("»", '"').replace("—", "-").replace("ё", "е")
        elif kind == "cut" and len(sentences) > 2:
            paragraph = ". ".join(sentences[:-1]) + "."
        elif len(paragraph) > 40:
            at = rng.randrange(10, len(paragraph) - 10)
            paragraph = paragraph[:at] + paragraph[at + 1 :]
        edited.append(paragraph)
    return "\n\n".join(edited)


@pytest.mark.slow
@pytest.mark.skipif(not RUSSIAN_NEWS.is_dir(), reason="needs ../shared/data/ru-news-corus-samples (absent here)")
def test_runs_over_edits_deletions_and_additions_equal_a_fresh_build(tmp_path: Path) -> None:
    rng = random.Random(13)
    folder = tmp_path / "news"
    folder.mkdir()
    originals = sorted(RUSSIAN_NEWS.glob("*.txt"))
    for path in originals[:80]:
        shutil.copyfile(path, folder / path.name)
    db = tmp_path / "w.duckdb"
    ingest(folder, db)

    # Syndicated copies of some articles arrive, others are edited, deleted, or come in for the first time.
    for path in originals[:25]:
        (folder / f"copy-{path.name}").write_text(edited_copy(path.read_text(encoding="utf-8"), rng), encoding="utf-8")
    for path in originals[25:30]:
        (folder / path.name).write_text(edited_copy(path.read_text(encoding="utf-8"), rng), encoding="utf-8")
    for path in originals[30:35]:
        (folder / path.name).unlink()
    for path in originals[80:]:
        shutil.copyfile(path, folder / path.name)
    ingest(folder, db)
    # The copy with the most near copies of its original goes: those originals' clusters break up.
    (gone, near_copies) = query(
        db,
        """
        SELECT o.source_path, count(*) AS n
        FROM paragraph_occurrences AS o
        JOIN near_duplicate_clusters AS c ON c.cluster_id = o.near_duplicate_cluster_id AND c.paragraphs > 1
        WHERE o.source_path LIKE 'copy-%'
        GROUP BY ALL ORDER BY n DESC, o.source_path LIMIT 1
        """,
    )[0]
    assert near_copies > 0
    (folder / gone).unlink()
    shutil.copyfile(originals[30], folder / originals[30].name)  # a deleted article comes back, pairs and all
    ingest(folder, db)
    # Members keep the similarity measured in earlier runs: only those new to their canonical one are
    # measured; and only the parts of the pair graph the run touched are clustered again.
    last_run = "SELECT value FROM run_steps WHERE counter = ? AND run_id = (SELECT max(run_id) FROM runs)"
    measured, touched = (query(db, last_run, [name])[0][0] for name in ("members_measured", "touched_paragraphs"))
    clustered = query(db, "SELECT count(*) FROM core.near_clusters")[0][0]
    assert measured < clustered / 4
    assert 0 < touched < clustered / 2

    fresh = tmp_path / "fresh.duckdb"
    ingest(folder, fresh)
    incremental = query(db, NEAR_OCCURRENCES)
    assert incremental == query(fresh, NEAR_OCCURRENCES)
    for table in ("near_duplicate_clusters", "core.near_clusters"):  # no stale row left behind either
        assert query(db, f"SELECT * FROM {table} ORDER BY ALL") == query(fresh, f"SELECT * FROM {table} ORDER BY ALL")
    # Every similarity, carried from a verified pair or an earlier run or measured now, is the Jaccard
    # similarity of the member and its canonical paragraph.
    members = pl.DataFrame(
        query(
            db,
            """
            SELECT c.paragraph_id, c.cluster_id, p.text, k.text, c.similarity
            FROM core.near_clusters AS c
            JOIN core.paragraphs AS p USING (paragraph_id) JOIN core.paragraphs AS k ON k.paragraph_id = c.cluster_id
            """,
        ),
        schema=["left_id", "right_id", "left_text", "right_text", "stored"],
        orient="row",
    )
    assert members.height > 50
    checked = measure_pairs(members)  # the pairs with their similarity, in an order of its own
    assert checked.height == members.height
    assert checked["similarity"].to_list() == checked["stored"].to_list()
    # The copies were found: the edited paragraphs share a cluster with their original's paragraph
    # (paragraphs under 8 words match only exactly: a cut that leaves fewer is a paragraph of its own).
    (clustered, copies) = query(
        db,
        """
        SELECT count(*) FILTER (WHERE o.near_duplicate_cluster_id = k.near_duplicate_cluster_id), count(*)
        FROM paragraph_occurrences AS o
        JOIN paragraph_occurrences AS k ON k.source_path = substr(o.source_path, 6) AND k.position = o.position
        WHERE o.source_path LIKE 'copy-%' AND len(string_split(k.text, ' ')) >= 8
          AND len(string_split(o.text, ' ')) >= 8
        """,
    )[0]
    assert copies > 25
    assert clustered >= 0.95 * copies


def test_the_index_records_its_config_and_is_rebuilt_when_it_changes(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    stored = query(db, "SELECT value FROM core.warehouse_meta WHERE key = 'near_duplicate_config'")
    assert stored == [(config_label(NearDupConfig()),)]
    before = query(db, NEAR_OCCURRENCES)

    con = connect(db)  # as a warehouse signed with an older signature version would be
    try:
        con.execute("UPDATE core.warehouse_meta SET value = 'signature 0' WHERE key = 'near_duplicate_config'")
        con.execute("UPDATE core.near_bands SET band_key = band_key + 1")
    finally:
        con.close()
    (articles / "new.txt").write_text("Eine neue Meldung aus Berlin über das Wetter am Wochenende.\n", encoding="utf-8")
    ingest(articles, db)
    (rebuilt,) = query(db, "SELECT value FROM run_steps WHERE counter = 'index_rebuilt' ORDER BY run_id DESC")[0]
    assert rebuilt == 1
    assert [row for row in query(db, NEAR_OCCURRENCES) if row[0] != "new.txt"] == before


def test_a_warehouse_built_with_another_normalization_is_refused_with_what_to_do(
    articles: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    assert query(db, "SELECT value FROM core.warehouse_meta WHERE key = 'normalization_version'") == [
        (str(NORMALIZATION_VERSION),)
    ]
    con = connect(db)
    try:
        con.execute("UPDATE core.warehouse_meta SET value = '0' WHERE key = 'normalization_version'")
    finally:
        con.close()
    (articles / "new.txt").write_text("Eine neue Meldung aus Berlin über das Wetter am Wochenende.\n", encoding="utf-8")
    run = ingest_flow(flow_settings(articles, db), return_state=True)
    assert run.is_failed()
    assert re.search(r"normalization_version 0, and this newsflow uses 1.*Rebuild it", run.message)
    assert query(db, "SELECT count(*) FROM articles") == [(5,)]


def test_search_shows_one_hit_per_cluster_with_its_near_copies(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    paragraph = next(line for line in read_seed(RUSSIAN_SEED).splitlines() if len(line.split()) > 12)
    (articles / "zz_copy.txt").write_text(paragraph.rstrip(".") + " — передает БЕЛТА.\n", encoding="utf-8")
    ingest(articles, db)
    word = max(paragraph.split(), key=len).strip(".,«»")
    con = connect(db, read_only=True)
    try:
        hits = search_paragraphs(con, word, limit=10)[0].fetchall()
    finally:
        con.close()
    texts = [hit[4] for hit in hits]
    assert sum(paragraph.rstrip(".") in text for text in texts) == 1  # the copy is not a hit of its own
    (copies,) = [hit[-1] for hit in hits if paragraph.rstrip(".") in hit[4]]
    assert copies == 1
