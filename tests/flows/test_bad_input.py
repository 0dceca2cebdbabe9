"""A folder of real-world bad input through the real `newsflow run`: every file ends loaded or
quarantined with its reason, the run completes for the rest, and fixed files are picked up again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.corpus import GERMAN_SEED, KAZAKH_SEEDS, RUSSIAN_SEEDS, read_seed
from tests.flows.helpers import query
from tests.flows.test_cli import assert_one_line_error, newsflow

pytestmark = pytest.mark.slow
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
NOT_UTF8_NAME = b"nachrichten-\xe4.txt"
FILE_MAX_BYTES = 64_000
FOLLOW_OUTSIDE = os.environ | {"NEWSFLOW_FOLLOW_SYMLINKS_OUTSIDE": "1"}

EXPECTED_QUARANTINE = {
    "empty.txt": "empty: the file has 0 bytes",
    "blank.txt": "empty: the file holds only whitespace",
    "image.txt": "binary: NUL byte at offset 8; content looks like image/png",
    "nul.txt": "binary: NUL byte at offset 11",
    "damaged.txt": "damaged: 1 U+FFFD replacement character(s), the first on line 2",
    "huge.txt": f"too large: over NEWSFLOW_FILE_MAX_BYTES={FILE_MAX_BYTES}",
    "broken-link.txt": "broken symlink: its target",
    "loop-a.txt": "symlink loop: the link points back to itself",
    "loop-b.txt": "symlink loop: the link points back to itself",
    "pipe.txt": "not a regular file: a FIFO",
    "again/up": "symlink loop: this folder is already listed as .",
}
LOADED_ENCODINGS = {
    "legacy/ru-cp1251.txt": "cp1251",
    "legacy/ru-koi8.txt": "koi8_r",
    "legacy/ru-cp866.txt": "cp866",
    "legacy/ru-maccyrillic.txt": "mac_cyrillic",
    "legacy/kk-kz1048.txt": "kz1048",
    "legacy/de-cp1252.txt": "cp1252",
    "legacy/de-utf16.txt": "utf-16-le",
    "legacy/mixed-eol.txt": "utf-8",
}


def make_bad_folder(folder: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"  \r\n\t\n")
    (folder / "image.txt").write_bytes(PNG)
    (folder / "nul.txt").write_bytes(b"Eine Zeile\n\x00 und NUL")
    (folder / "damaged.txt").write_text("Erste Zeile.\nZweite \ufffd Zeile.\n", encoding="utf-8")
    (folder / "huge.txt").write_text("Sehr lang. " * 10_000, encoding="utf-8")
    (folder / "broken-link.txt").symlink_to(folder / "gone.txt")
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / os.fsdecode(NOT_UTF8_NAME)).write_bytes(b"Ein Artikel mit einem Namen in Latin-1.")
    (folder / "again").mkdir()
    (folder / "again" / "up").symlink_to(folder)
    legacy = folder / "legacy"
    legacy.mkdir()
    russian, german = read_seed(RUSSIAN_SEEDS[1]), read_seed(GERMAN_SEED)  # 004 has no character beyond KOI8-R
    russian_files = {"cp1251": "cp1251", "koi8": "koi8_r", "cp866": "cp866", "maccyrillic": "mac_cyrillic"}
    for name, encoding in russian_files.items():
        (legacy / f"ru-{name}.txt").write_bytes(russian.encode(encoding))
    (legacy / "kk-kz1048.txt").write_bytes(read_seed(KAZAKH_SEEDS[0]).encode("kz1048"))
    (legacy / "de-cp1252.txt").write_bytes(german.encode("cp1252"))
    (legacy / "de-utf16.txt").write_bytes(b"\xff\xfe" + german.encode("utf-16-le"))
    lines = german.split("\n")
    (legacy / "mixed-eol.txt").write_bytes(
        "".join(line + ("\r\n" if i % 3 == 0 else "\n") for i, line in enumerate(lines)).encode()
    )


def test_bad_files_are_quarantined_with_reasons_and_the_run_completes_for_the_rest(
    articles: Path, tmp_path: Path
) -> None:
    make_bad_folder(articles)
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "NEWSFLOW_FILE_MAX_BYTES": str(FILE_MAX_BYTES)}

    result = newsflow("run", "--source", str(articles), "--db", str(db), env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    quarantine = dict(query(db, "SELECT source_path, reason FROM quarantine"))
    assert set(quarantine) == set(EXPECTED_QUARANTINE)
    for path, reason in EXPECTED_QUARANTINE.items():
        assert quarantine[path].startswith(reason), path
        assert f"quarantined {path}: {reason}" in " ".join(result.stdout.split()), path
    [(seen, loaded, unchanged, quarantined)] = query(
        db, "SELECT files_seen, files_loaded, files_unchanged, files_quarantined FROM runs"
    )
    assert (seen, loaded, unchanged, quarantined) == (5 + 9 + 11, 5 + 9, 0, 11)
    encodings = dict(query(db, "SELECT source_path, encoding FROM source_files WHERE source_path LIKE 'legacy/%'"))
    assert encodings == LOADED_ENCODINGS
    # A name in Latin-1 is shown escaped, and the article loaded.
    assert query(db, "SELECT status FROM source_files WHERE source_path = 'nachrichten-\\344.txt'") == [("loaded",)]

    # Re-encoded, each legacy file is paragraph for paragraph a copy of its UTF-8 original.
    copies = query(
        db,
        """
        SELECT o.source_path, bool_and(o.is_duplicate_of_earlier_document OR o.is_boilerplate), count(*)
        FROM paragraph_occurrences AS o WHERE o.source_path LIKE 'legacy/%'
        GROUP BY 1 ORDER BY 1
        """,
    )
    assert all(all_copies for _, all_copies, _ in copies), copies
    assert len(copies) == len(LOADED_ENCODINGS)
    # Seed 004's speaker line, in more than four copies of the article in one folder, passes for a line
    # recurring across the folder: the one paragraph of them taken for boilerplate (a known limit of
    # the recurring rule, which counts documents, not distinct articles).
    recurring = "SELECT DISTINCT text FROM paragraph_occurrences WHERE boilerplate_reason = 'recurring_in_source'"
    assert query(db, recurring) == [("Алексей Богданов:",)]

    # Fix two files and rename one: they are picked up; the rest stay quarantined, unread; nothing is lost.
    (articles / "image.txt").write_text("Jetzt ein Text statt eines Bildes.", encoding="utf-8")
    (articles / "gone.txt").write_text("Das Ziel des Links ist da.", encoding="utf-8")
    (articles / os.fsdecode(NOT_UTF8_NAME)).rename(articles / "nachrichten-a.txt")
    shutil.rmtree(articles / "again")

    result = newsflow("run", "--source", str(articles), "--db", str(db), env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    [(seen, loaded, unchanged, quarantined, deleted)] = query(
        db,
        "SELECT files_seen, files_loaded, files_unchanged, files_quarantined, files_deleted FROM runs WHERE run_id = 2",
    )
    assert seen == loaded + unchanged + quarantined
    # loaded: image.txt, gone.txt, broken-link.txt (it resolves now), the renamed file; deleted: the old name, again/up
    assert (loaded, quarantined, deleted) == (4, 11 - 3, 2)
    assert "image.txt" not in dict(query(db, "SELECT source_path, reason FROM quarantine"))
    assert query(db, "SELECT count(*) FROM articles WHERE source_path IN ('image.txt', 'nachrichten-a.txt')") == [(2,)]


def test_symlinks_out_of_the_source_folder_are_quarantined_unless_the_setting_allows_them(
    articles: Path, tmp_path: Path
) -> None:
    outside = (tmp_path / "outside").resolve()  # the reason names where the link really leads
    (outside / "private").mkdir(parents=True)
    (outside / "secret.txt").write_text("Nicht für die Zeitung bestimmt.", encoding="utf-8")
    (outside / "private" / "notes.txt").write_text("Notizen, auch nicht für die Zeitung.", encoding="utf-8")
    (articles / "secret.txt").symlink_to(outside / "secret.txt")
    (articles / "private").symlink_to(outside / "private")
    (articles / "inside.txt").symlink_to(articles / GERMAN_SEED)
    db = tmp_path / "w.duckdb"

    result = newsflow("run", "--source", str(articles), "--db", str(db))

    assert result.returncode == 0, result.stdout + result.stderr
    quarantine = dict(query(db, "SELECT source_path, reason FROM quarantine"))
    assert quarantine == {
        "secret.txt": f"outside the source folder: the symlink leads to {outside / 'secret.txt'}; "
        "set NEWSFLOW_FOLLOW_SYMLINKS_OUTSIDE=1 to follow it",
        "private": f"outside the source folder: the symlink leads to {outside / 'private'}; "
        "set NEWSFLOW_FOLLOW_SYMLINKS_OUTSIDE=1 to follow it",
    }
    assert query(db, "SELECT files_seen, files_loaded, files_quarantined FROM runs") == [(5 + 3, 5 + 1, 2)]
    assert query(db, "SELECT count(*) FROM articles WHERE text LIKE '%Zeitung%'") == [(0,)]

    result = newsflow("run", "--source", str(articles), "--db", str(db), env=FOLLOW_OUTSIDE)

    assert result.returncode == 0, result.stdout + result.stderr
    assert query(db, "SELECT files_loaded, files_quarantined, files_deleted FROM runs WHERE run_id = 2") == [(2, 0, 1)]
    assert query(db, "SELECT source_path FROM articles WHERE text LIKE '%Zeitung%' ORDER BY 1") == [
        ("private/notes.txt",),
        ("secret.txt",),
    ]


def test_a_bad_value_for_following_symlinks_is_one_line(tmp_path: Path) -> None:
    env = os.environ | {"NEWSFLOW_FOLLOW_SYMLINKS_OUTSIDE": "maybe"}
    result = newsflow("run", "--db", str(tmp_path / "w.duckdb"), env=env)
    assert_one_line_error(result, "NEWSFLOW_FOLLOW_SYMLINKS_OUTSIDE='maybe'", "use 1 (yes) or 0 (no)")
