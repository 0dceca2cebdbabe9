"""What a source folder can hold beyond plain names and plain text, through the real ingest flow:
names that are not UTF-8 or hold a backslash, and text with bidirectional formatting characters
and Unicode line separators. (Symlinks out of the folder: tests/flows/test_bad_input.py.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tasks.source_path import path_bytes
from tests.flows.helpers import ingest, query, snapshot
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_api")

LATIN1_NAME = b"caf\xe9.txt"  # "café.txt" written by a Latin-1 system: not UTF-8
# Real names that the old escaping (undecodable bytes as \xNN, backslashes as they are) mapped
# onto the Latin-1 name above, or that hold a backslash of their own.
LITERAL_NAME = b"caf\\xe9.txt"
BACKSLASH_NAME = b"back\\slash.txt"
TEXTS = {
    LATIN1_NAME: "Ein Café in Minsk öffnet wieder.\nDie Gäste kommen am Morgen.",
    LITERAL_NAME: "Ein Dateiname mit einem Rückstrich.\nEr ist ein gültiger Name.",
    BACKSLASH_NAME: "Noch ein Rückstrich im Namen.\nAuch er wird geladen.",
}
OLD_REASON = "file name is not valid UTF-8 (its bytes are shown as \\xNN): rename it in UTF-8"


def test_names_that_are_not_utf8_or_hold_a_backslash_never_collide(articles: Path, tmp_path: Path) -> None:
    for name, text in TEXTS.items():
        (articles / os.fsdecode(name)).write_text(text, encoding="utf-8")
    db = tmp_path / "w.duckdb"

    counts = ingest(articles, db)

    assert (counts["files_seen"], counts["files_loaded"], counts["files_quarantined"]) == (8, 8, 0)
    assert query(db, "SELECT status, count(*) FROM runs GROUP BY ALL") == [("completed", 1)]
    assert query(db, "SELECT count(*) FROM quality_results WHERE NOT success") == [(0,)]  # the gate passed
    keys = dict(query(db, "SELECT source_path, status FROM source_files WHERE source_path LIKE '%.txt'"))
    assert {key: status for key, status in keys.items() if "\\" in key} == {
        "caf\\351.txt": "loaded",  # the Latin-1 byte, shown as `ls -b` shows it
        "caf\\\\xe9.txt": "loaded",  # a real backslash, doubled
        "back\\\\slash.txt": "loaded",
    }
    # Every key maps back to the exact bytes of its name, and each article to its own file's text.
    on_disk = {os.fsencode(path.name) for path in articles.iterdir()}
    assert {path_bytes(key) for key in keys} == on_disk
    texts = dict(query(db, "SELECT source_path, text FROM articles"))
    for key, text in texts.items():
        name = path_bytes(key)
        if name in TEXTS:
            assert text == TEXTS[name].replace("\n", "\n\n"), key

    before = snapshot(db)
    counts = ingest(articles, db)

    assert counts["skipped"] == 1
    assert (counts["files_seen"], counts["files_unchanged"]) == (8, 8)
    assert snapshot(db) == before


def test_a_name_quarantined_under_the_old_escaping_is_loaded_by_the_next_run(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(articles, db)
    latin1 = articles / os.fsdecode(LATIN1_NAME)
    latin1.write_text(TEXTS[LATIN1_NAME], encoding="utf-8")
    # The row the listing before issue 12 wrote for it.
    con = connect(db)
    con.execute(
        """INSERT INTO core.source_files (source_root, source_path, size_bytes, mtime_ns, status, reason,
                                          first_seen_run, last_changed_run)
           VALUES (?, 'caf\\xe9.txt', ?, ?, 'quarantined', ?, 1, 1)""",
        [str(articles.resolve()), latin1.stat().st_size, latin1.stat().st_mtime_ns, OLD_REASON],
    )
    con.close()

    counts = ingest(articles, db)

    assert (counts["files_seen"], counts["files_loaded"], counts["files_deleted"]) == (6, 1, 1)
    assert query(db, "SELECT source_path, status FROM source_files WHERE source_path LIKE 'caf%' ORDER BY 1") == [
        ("caf\\351.txt", "loaded"),
        ("caf\\xe9.txt", "deleted"),
    ]


def test_bidirectional_formatting_is_removed_and_unicode_separators_split_paragraphs(
    articles: Path, tmp_path: Path
) -> None:
    # Shown as "Der Preis stieg um 10%.", stored with the digits reversed.
    (articles / "trojan.txt").write_text(
        "Der Preis stieg um \u202e%01\u202c.\u2028Die Meldung kam \u2066aus Минск\u2069.\u2029Ende.",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"

    counts = ingest(articles, db)

    assert (counts["files_loaded"], counts["files_quarantined"]) == (6, 0)
    [(text, repairs)] = query(
        db,
        """SELECT a.text, f.repairs FROM articles AS a JOIN source_files AS f USING (source_root, source_path)
           WHERE a.source_path = 'trojan.txt'""",
    )
    assert text == "Der Preis stieg um %01.\n\nDie Meldung kam aus Минск.\n\nEnde."
    assert repairs == "4 bidirectional formatting character(s) removed"
    assert query(db, "SELECT value FROM run_steps WHERE step = 'decode' AND counter = 'repaired'") == [(1,)]
