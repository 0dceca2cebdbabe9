"""A damaged or foreign warehouse file: every command says so in one line naming the file and exits
1, nothing is written into it or copied from it, and `newsflow rollback` puts the previous version
back. Real files of each kind, real `newsflow` processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest_flow
from tasks.publish import record_early_end
from tests.flows.helpers import flow_settings, query
from tests.flows.processes import publish_seeds
from tests.flows.test_cli import assert_one_line_error, newsflow
from warehouse.connection import CorruptWarehouseError
from warehouse.snapshot import previous_path

pytestmark = pytest.mark.slow
BLOCK_SIZE, HEADERS = 262_144, 3 * 4096  # DuckDB's storage layout: three 4 KiB headers, then the blocks


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, ingested once by `newsflow run`."""
    return publish_seeds(tmp_path_factory.mktemp("damaged"), "news.duckdb")


def truncated(healthy: Path, db: Path) -> None:
    db.write_bytes(healthy.read_bytes()[: healthy.stat().st_size // 2])


def garbage_in_the_middle(healthy: Path, db: Path) -> None:
    """Random bytes inside a block that holds paragraph texts: only reading that block notices."""
    con = duckdb.connect(str(healthy), read_only=True)
    block = con.execute(
        "SELECT max(block_id) FROM pragma_storage_info('core.paragraphs') WHERE column_name = 'text'"
    ).fetchone()[0]
    con.close()
    data = bytearray(healthy.read_bytes())
    start = HEADERS + block * BLOCK_SIZE + 1000
    data[start : start + 2000] = os.urandom(2000)
    db.write_bytes(bytes(data))


def csv_file(healthy: Path, db: Path) -> None:
    db.write_text("run_id,status\n1,completed\n", encoding="utf-8")


def sqlite_file(healthy: Path, db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE runs (run_id INTEGER)")
    con.commit()
    con.close()


def folder(healthy: Path, db: Path) -> None:
    db.mkdir()
    (db / "note.txt").write_text("a folder where the warehouse should be", encoding="utf-8")


def empty_file(healthy: Path, db: Path) -> None:
    db.write_bytes(b"")


def another_programs_duckdb(healthy: Path, db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE sales AS SELECT 1 AS amount")
    con.close()


DAMAGE: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "truncated": (truncated, "is truncated"),
    "garbage in the middle": (garbage_in_the_middle, "is damaged"),
    "a CSV file": (csv_file, "is not a DuckDB database"),
    "a SQLite file": (sqlite_file, "is a SQLite database"),
    "a folder": (folder, "is a folder"),
    "an empty file": (empty_file, "is an empty file"),
    "another program's DuckDB": (another_programs_duckdb, "not a newsflow warehouse"),
}
COMMANDS = {
    "run": ("run",),
    "sql": ("sql", "SELECT max(text) FROM paragraph_occurrences"),
    "search": ("search", "Zusammenarbeit"),
    "report": ("report",),
    "status": ("status",),
}


def state(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a folder); the writer's lock file aside."""
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
        if not p.name.endswith(".lock")
    }


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("kind", DAMAGE.values(), ids=DAMAGE.keys())
def test_every_command_names_the_file_and_what_is_wrong(
    built: Path, tmp_path: Path, kind: tuple[Callable[[Path, Path], None], str], command: tuple[str, ...]
) -> None:
    damage, what = kind
    place = tmp_path / "place"
    place.mkdir()
    db = place / "news.duckdb"
    damage(built, db)
    before = state(place)
    assert_one_line_error(newsflow(*command, "--db", str(db)), str(db), what)
    assert state(place) == before  # not written, not copied to a candidate, no failed-run row


def test_a_failed_run_is_not_recorded_into_a_damaged_file(built: Path, tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    garbage_in_the_middle(built, db)
    before = state(tmp_path)
    with pytest.raises(CorruptWarehouseError, match="is damaged"):
        record_early_end(db, None, "/articles", datetime.now(UTC), "failed", "RuntimeError: the run broke", {})
    assert state(tmp_path) == before


def test_the_flow_refuses_a_damaged_file_before_it_copies_it(prefect_api: None, built: Path, tmp_path: Path) -> None:
    """As a scheduled run (`newsflow serve`) meets it: no CLI check before the flow."""
    db = tmp_path / "news.duckdb"
    garbage_in_the_middle(built, db)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "new.txt").write_text("Ein neuer Absatz.\n", encoding="utf-8")
    before = state(tmp_path)
    run = ingest_flow(flow_settings(tmp_path / "articles", db), return_state=True)
    assert run.is_failed() and "is damaged: a block's checksum does not match" in run.message
    assert state(tmp_path) == before


def test_rollback_puts_the_previous_version_back(built: Path, tmp_path: Path) -> None:
    """The recovery story of the README: a run publishes, the file gets damaged, rollback restores."""
    db = tmp_path / "news.duckdb"
    shutil.copyfile(built, db)
    articles = tmp_path / "articles"
    shutil.copytree(Path(__file__).parents[2] / "seeds", articles)
    (articles / "new.txt").write_text("Ein neuer Absatz über die Zusammenarbeit.\n", encoding="utf-8")
    run_2 = newsflow("run", "--source", str(articles), "--db", str(db))
    assert run_2.returncode == 0, run_2.stderr
    previous = previous_path(db)
    assert previous.read_bytes() == built.read_bytes()  # what run 2 replaced
    assert "news.duckdb.previous (published" in newsflow("status", "--db", str(db)).stdout.replace("\n", " ")
    truncated(previous, db)  # run 2's file, damaged after it was published

    assert_one_line_error(newsflow("status", "--db", str(db)), str(db), "is truncated")
    result = newsflow("rollback", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert f"restored {db} from news.duckdb.previous (run 1, completed " in result.stdout
    assert "kept as news.duckdb.rolled-back" in result.stdout
    assert db.read_bytes() == built.read_bytes() and not previous.exists()
    assert query(db, "SELECT run_id FROM runs") == [(1,)]
    assert newsflow("status", "--db", str(db)).returncode == 0

    assert_one_line_error(newsflow("rollback", "--db", str(db)), "no previous version to restore")
    again = newsflow("run", "--source", str(articles), "--db", str(db))  # run 2's work, done again
    assert again.returncode == 0, again.stderr
    assert "run 2 completed" in again.stdout
    assert (
        files_line(again.stdout) == files_line(run_2.stdout) == "files seen 6 = loaded 6 + unchanged 0 + quarantined 0;"
    )


def files_line(summary: str) -> str:
    return " ".join(next(line for line in summary.splitlines() if line.startswith("files")).split()[:12])


def test_a_bad_keep_previous_setting_is_one_line(tmp_path: Path) -> None:
    env = os.environ | {"NEWSFLOW_KEEP_PREVIOUS": "all"}
    result = newsflow("rollback", "--db", str(tmp_path / "w.duckdb"), env=env)
    assert_one_line_error(result, "NEWSFLOW_KEEP_PREVIOUS='all'", "0 or more")
