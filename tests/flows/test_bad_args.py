"""Every command, given arguments it cannot use, answers in one line: `newsflow <command>: <what is
wrong>; <what to do>` on stderr, a non-zero exit, and no traceback. Real processes, as a person runs them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.flows.processes import publish_seeds
from tests.flows.test_cli import hold, newsflow, release

pytestmark = pytest.mark.slow

# (command and arguments, environment added, a fragment the line must hold); {db} is a published
# warehouse, {missing} a path where none is, {tmp} a scratch folder.
BAD = [
    (["run", "--source", "{tmp}/nowhere", "--db", "{missing}"], {}, "nowhere: no such folder; pass --source"),
    (["run", "--include", "", "--db", "{missing}"], {}, "--include '': give a glob pattern"),
    (["run", "--db", "{missing}"], {"NEWSFLOW_INCLUDE": ","}, "NEWSFLOW_INCLUDE"),
    (["run", "--db", "{missing}"], {"NEWSFLOW_BATCH_FILES": "0"}, "NEWSFLOW_BATCH_FILES='0': use a whole number"),
    (["run", "--db", "{missing}"], {"NEWSFLOW_LANGUAGES": "xx,de"}, "'xx' (NEWSFLOW_LANGUAGES)"),
    (["run", "--bogus"], {}, "no such option: --bogus; see `newsflow run --help`"),
    (["sql", "", "--db", "{db}"], {}, "no SQL statement given"),
    (["sql", "SELEC 1", "--db", "{db}"], {}, "SQL error: Parser Error: syntax error"),
    (["sql", "SELECT 1", "--db", "{db}", "--format", "xml"], {}, "--format 'xml': choose one of table, csv, json"),
    (["sql", "SELECT 1", "--db", "{missing}"], {}, "no warehouse here yet; run `newsflow run`"),
    (["sql"], {}, "missing argument 'QUERY'; see `newsflow sql --help`"),
    (["search", "", "--db", "{db}"], {}, "'' holds no word to search for; give words"),
    (["search", "«—»!?", "--db", "{db}"], {}, "holds no word to search for"),
    (["search", "Haus", "--limit", "0", "--db", "{db}"], {}, "invalid value for '--limit'"),
    (["search", "Haus", "--lang", "fr", "--db", "{db}"], {}, "no paragraphs in language 'fr'; indexed: de, kk, ru"),
    (["search", "Haus", "--format", "table", "--db", "{db}"], {}, "--format 'table': choose one of text, csv, json"),
    (["serve", "--cron", "every hour"], {}, "--cron 'every hour' is not a cron schedule: give five fields"),
    (["serve", "--cron", "61 * * * *"], {}, "is not a cron schedule"),
    (["serve"], {}, "give exactly one of --cron and --interval"),
    (["serve", "--interval", "0"], {}, "invalid value for '--interval'"),
    (["serve", "--interval", "60"], {"PREFECT_API_URL": ""}, "schedules need a running Prefect server"),
    (["status", "--db", "{missing}"], {}, "no warehouse here yet; run `newsflow run` to build it"),
    (["status", "--db", "{tmp}"], {}, "is a folder"),
    (["report", "--run", "999", "--db", "{db}"], {}, "no run 999"),
    (["report", "--html", "{tmp}/nowhere/r.html", "--db", "{db}"], {}, "cannot write the report"),
    (["report", "--run", "one"], {}, "invalid value for '--run'"),
    (["rollback", "--db", "{db}"], {"NEWSFLOW_KEEP_PREVIOUS": "x"}, "NEWSFLOW_KEEP_PREVIOUS='x'"),
    (["rollback", "--db", "{missing}"], {}, "no previous version to restore"),
    (["export", "{db}", "--db", "{db}"], {}, "that is the warehouse or one of its files; export to another path"),
    (["export", "{db}.previous", "--format", "csv", "--db", "{db}"], {}, "that is the warehouse or one of its files"),
    (["export", "{tmp}/a.xml", "--db", "{db}"], {}, "no --format given and its suffix names none"),
    (["export", "{tmp}/a.csv", "--what", "words", "--db", "{db}"], {}, "--what 'words': choose one of articles"),
    (["export", "{tmp}/nowhere/a.csv", "--db", "{db}"], {}, "no such folder; create it first"),
    (["export", "{tmp}/a.csv", "--db", "{missing}"], {}, "no warehouse here yet"),
    (["export"], {}, "missing argument 'PATH'"),
    (["bogus"], {}, "no such command 'bogus'; see `newsflow --help`"),
]


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("bad-args")
    return {"db": str(publish_seeds(folder)), "missing": str(folder / "none.duckdb"), "tmp": str(folder)}


@pytest.mark.parametrize(("args", "env", "fragment"), BAD, ids=[" ".join(case[0]) or "-" for case in BAD])
def test_bad_arguments_are_one_line_naming_the_command(
    places: dict[str, str], args: list[str], env: dict[str, str], fragment: str
) -> None:
    result = newsflow(*(arg.format(**places) for arg in args), env=os.environ | env)

    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    command = args[0] if args[0] != "bogus" else ""
    assert re.match(rf"newsflow{' ' + command if command else ''}: \S", lines[0]), lines[0]
    assert fragment.format(**places) in lines[0]


def test_a_locked_warehouse_is_one_line(places: dict[str, str]) -> None:
    holder = hold("import duckdb, sys, time; con = duckdb.connect(sys.argv[1])", places["db"])
    try:
        for args in (["sql", "SELECT 1"], ["search", "Haus"], ["status"], ["export", f"{places['tmp']}/l.csv"]):
            result = newsflow(*args, "--db", places["db"])
            assert result.returncode == 1 and "Traceback" not in result.stderr
            assert result.stderr.count("\n") == 1
            assert f"newsflow {args[0]}: {places['db']} is held by another process" in result.stderr
    finally:
        release(holder)


@pytest.mark.parametrize("command", ["run", "sql", "search", "serve", "status", "report", "rollback", "export"])
def test_help_shows_defaults_and_no_type_noise(command: str) -> None:
    result = newsflow(command, "--help")

    assert result.returncode == 0, result.stderr
    assert "<bool>" not in result.stdout and "╭" not in result.stdout
    assert "--db PATH" in result.stdout
    assert "[default: (warehouse/newsflow.duckdb, or NEWSFLOW_DB)]" in " ".join(result.stdout.split())


def test_an_existing_file_is_kept_unless_forced(places: dict[str, str]) -> None:
    target = Path(places["tmp"]) / "kept.csv"
    target.write_text("mine\n", encoding="utf-8")

    refused = newsflow("export", str(target), "--db", places["db"])

    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert f"{target} exists; pass --force to replace it" in refused.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"
