"""`newsflow sql` and `search` are readers: whatever a person types, no file changes or appears,
nothing is attached, installed or fetched, and a refusal is one line. Real processes, real files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.flows.processes import publish_seeds
from tests.flows.test_cli import assert_one_line_error, newsflow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, ingested once by `newsflow run`; each test attacks its own copy."""
    return publish_seeds(tmp_path_factory.mktemp("readers"), "news.duckdb")


@pytest.fixture
def place(built: Path, tmp_path: Path) -> Path:
    """A folder holding a copy of the warehouse (`news.duckdb`) and another database (`other.duckdb`, table t)."""
    shutil.copyfile(built, tmp_path / "news.duckdb")
    con = duckdb.connect(str(tmp_path / "other.duckdb"))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    (tmp_path / "home").mkdir()
    return tmp_path


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def reader(place: Path, *args: str) -> tuple[dict[str, bytes], object]:
    """Run `newsflow ARGS --db news.duckdb` in `place` with HOME inside it; the files before, and the result."""
    before = files(place)
    env = os.environ | {"HOME": str(place / "home")}
    result = newsflow(*args, "--db", str(place / "news.duckdb"), cwd=place, env=env)
    return before, result


ATTACKS = {
    "copy onto the warehouse": "COPY (SELECT 1) TO '{place}/news.duckdb'",
    "copy beside it": "COPY (SELECT * FROM articles) TO '{place}/out.csv'",
    "export the database": "EXPORT DATABASE '{place}/export'",
    "attach read-write and drop": "ATTACH '{place}/other.duckdb' AS x (READ_WRITE); DROP TABLE x.t",
    "attach in a later statement": "SELECT 1; ATTACH '{place}/other.duckdb' AS x",
    "install": "INSTALL fts",
    "force install from the network": "FORCE INSTALL httpfs FROM 'http://127.0.0.1:9'",
    "load": "LOAD fts",
    "undo the lock": "SET enable_external_access = true; COPY (SELECT 1) TO '{place}/out.csv'",
    "reset the lock": "RESET lock_configuration",
    "create a table": "CREATE TABLE core.extra (x INTEGER)",
    "create a temporary table": "CREATE TEMP TABLE t AS SELECT 1",
    "delete rows": "DELETE FROM core.runs",
    "checkpoint": "CHECKPOINT",
    "a persistent secret": "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')",
    "logging to a file": "CALL enable_logging(storage = 'file', storage_path = '{place}/logs')",
    "logging to a file from a query": "SELECT * FROM enable_logging(storage = 'file', storage_path = '{place}/logs')",
    "sql given as a string": "SELECT * FROM query('SELECT 1')",
    "read a local file": "SELECT * FROM read_text('{place}/other.duckdb')",
    "list local files": "SELECT * FROM glob('{place}/*')",
    "reach the network": "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')",
    "profile to a file": "PRAGMA enable_profiling = 'json'; SET profiling_output = '{place}/profile.json'",
}


@pytest.mark.parametrize("statement", ATTACKS.values(), ids=ATTACKS.keys())
def test_sql_refuses_to_change_or_reach_anything(place: Path, statement: str) -> None:
    before, result = reader(place, "sql", statement.format(place=place))
    assert_one_line_error(result)
    assert result.stdout == ""  # refused as a whole: no statement's result printed either
    assert files(place) == before  # the warehouse, the other database: same bytes; no new file
    con = duckdb.connect(str(place / "other.duckdb"), read_only=True)
    assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
    con.close()


@pytest.mark.parametrize("statement", ["", ";", " ; ;", "\n-- only a comment"])
def test_an_empty_statement_is_one_line(place: Path, statement: str) -> None:
    assert_one_line_error(reader(place, "sql", statement)[1], "no SQL statement given")


def test_several_statements_print_every_result(place: Path) -> None:
    query = "SELECT count(*) AS runs FROM runs; SELECT language FROM articles ORDER BY 1 LIMIT 1"
    table = reader(place, "sql", query)[1]
    assert table.returncode == 0, table.stderr
    assert "runs" in table.stdout and "language" in table.stdout and table.stdout.count("1 row") == 2
    as_json = reader(place, "sql", query, "--format", "json")[1].stdout.splitlines()
    assert [json.loads(line) for line in as_json] == [[{"runs": 1}], [{"language": "de"}]]
    as_csv = reader(place, "sql", query, "--format", "csv")[1].stdout
    assert as_csv.replace("\r\n", "\n") == "runs\n1\n\nlanguage\nde\n"


def test_a_bad_statement_among_several_prints_nothing(place: Path) -> None:
    before, result = reader(place, "sql", "SELECT 1 AS a; SELEC 2")
    assert_one_line_error(result, "SQL error")
    assert result.stdout == "" and files(place) == before


INJECTIONS = {
    "words": ("search", "x'); COPY (SELECT 1) TO '{place}/news.duckdb'; --"),
    "language": ("search", "Haus", "--lang", "de'); ATTACH '{place}/other.duckdb' AS x (READ_WRITE); --"),
}


@pytest.mark.parametrize("args", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_search_input_is_only_ever_a_value(place: Path, args: tuple[str, ...]) -> None:
    before, result = reader(place, *(arg.format(place=place) for arg in args))
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1) and len(result.stderr.splitlines()) <= 1
    assert files(place) == before


def test_readers_still_read(place: Path) -> None:
    before, result = reader(place, "search", "Zusammenarbeit", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) and files(place) == before
    for command in ("report", "status"):
        result = reader(place, command)[1]
        assert result.returncode == 0, result.stderr
    assert files(place) == before
