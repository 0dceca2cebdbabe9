"""The `newsflow` command as a person runs it: a real process, real output, real exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import GERMAN_SEED, REPO, RUSSIAN_SEED
from tests.flows.helpers import query

NEWSFLOW = str(Path(sys.executable).with_name("newsflow"))


def newsflow(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEWSFLOW, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, ingested once by `newsflow run`, for the reader commands to query."""
    path = tmp_path_factory.mktemp("cli") / "news.duckdb"
    result = newsflow("run", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "run 1 completed" in result.stdout
    assert "seen 5 = loaded 5 + unchanged 0 + quarantined 0" in result.stdout
    assert "read 65, unique 61" in result.stdout
    return path


def test_sql_prints_a_table(db: Path) -> None:
    result = newsflow("sql", "SELECT language, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "language" in result.stdout and "3 rows" in result.stdout
    for language, n in (("de", "1"), ("kk", "2"), ("ru", "2")):
        assert any(language in line and n in line for line in result.stdout.splitlines())


def test_sql_csv_and_json_are_for_scripts(db: Path) -> None:
    query = "SELECT source_path, paragraphs_raw, paragraphs_unique FROM articles ORDER BY source_path"
    as_csv = list(csv.reader(io.StringIO(newsflow("sql", query, "--db", str(db), "--format", "csv").stdout)))
    as_json = json.loads(newsflow("sql", query, "--db", str(db), "--format", "json").stdout)
    assert as_csv[0] == ["source_path", "paragraphs_raw", "paragraphs_unique"]
    assert len(as_csv) == 6 and len(as_json) == 5
    assert as_json[2] == {"source_path": GERMAN_SEED, "paragraphs_raw": 9, "paragraphs_unique": 5}
    assert as_csv[3] == [GERMAN_SEED, "9", "5"]


def test_search_stems_russian(db: Path) -> None:
    # "президенту" shares its stem with "Президент" and "президента" in the seeds.
    result = json.loads(newsflow("search", "президенту", "--lang", "ru", "--db", str(db), "--format", "json").stdout)
    assert result, "no match"
    assert all(row["language"] == "ru" for row in result)
    assert any("Президент Беларуси" in row["text"] for row in result)
    assert [row["score"] for row in result] == sorted((row["score"] for row in result), reverse=True)
    assert {row["source_path"] for row in result} <= {RUSSIAN_SEED, "004_01c0abb4a0e72e83.txt"}


def test_search_stems_german_and_finds_kazakh_words_across_languages(db: Path) -> None:
    german = json.loads(newsflow("search", "Zusammenarbeiten", "--db", str(db), "--format", "json").stdout)
    assert german and all(row["language"] == "de" and "Zusammenarbeit" in row["text"] for row in german)
    kazakh = json.loads(newsflow("search", "ынтымақтастық", "--db", str(db), "--format", "json").stdout)
    assert kazakh and {row["language"] for row in kazakh} == {"kk"}


def test_search_hits_read_well_at_80_columns(db: Path) -> None:
    result = newsflow("search", "Zusammenarbeit Kasachstan", "--db", str(db), env=os.environ | {"COLUMNS": "80"})

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines), lines
    heads = [n for n, line in enumerate(lines) if re.match(r" ?\d+\. \S+\.txt ¶\d+  (de|kk|ru)  score \d+\.\d\d", line)]
    assert heads and lines[heads[0]].startswith(f" 1. {GERMAN_SEED} ¶")
    for head, following in zip(heads, [*heads[1:], len(lines) - 1], strict=True):
        snippet = lines[head + 1 : following - 1]  # then a blank line
        assert 1 <= len(snippet) <= 2 and all(line.startswith("    ") for line in snippet), snippet
    assert lines[-1].startswith(f"{len(heads)} hits, best first")


def test_search_highlights_the_matched_forms_on_a_terminal(db: Path) -> None:
    colour = os.environ | {"COLUMNS": "80", "FORCE_COLOR": "1"}
    result = newsflow("search", "Президенту", "--lang", "ru", "--limit", "1", "--db", str(db), env=colour)

    assert result.returncode == 0, result.stderr
    assert re.search(r"\x1b\[1;33m[Пп]резидент[а-я]*\x1b\[0m", result.stdout), result.stdout


def test_search_as_csv_prints_the_full_text(db: Path) -> None:
    result = newsflow(
        "search", "Zusammenarbeit", "--db", str(db), "--format", "csv", env=os.environ | {"COLUMNS": "80"}
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    texts = set(query(db, "SELECT text FROM paragraph_occurrences WHERE language = 'de'"))
    assert rows and all((row["text"],) in texts for row in rows)
    assert max(len(row["text"]) for row in rows) > 160  # longer than any snippet


def test_search_for_an_absent_language_says_which_exist(db: Path) -> None:
    assert_one_line_error(
        newsflow("search", "Haus", "--lang", "fr", "--db", str(db)), "no paragraphs in language 'fr'", "de, kk, ru"
    )


def test_bad_sql_is_one_line(db: Path) -> None:
    assert_one_line_error(newsflow("sql", "SELEC 1", "--db", str(db)), "SQL error", "syntax error")


def test_missing_source_folder_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(
        newsflow("run", "--source", str(tmp_path / "nowhere"), "--db", str(tmp_path / "w.duckdb")),
        "nowhere: no such folder",
    )


def test_unwritable_database_path_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert_one_line_error(newsflow("run", "--db", str(blocker / "w.duckdb")), "cannot write here", "--db")


def test_querying_a_missing_warehouse_says_how_to_build_it(tmp_path: Path) -> None:
    assert_one_line_error(newsflow("sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")), "newsflow run")


def test_unknown_format_is_one_line(db: Path) -> None:
    assert_one_line_error(newsflow("sql", "SELECT 1", "--db", str(db), "--format", "xml"), "--format 'xml'")


def hold(code: str, *args: str) -> subprocess.Popen[str]:
    """Another process that does `code` and then waits; returns once it has."""
    holder = subprocess.Popen([sys.executable, "-c", f"{code}; print('held', flush=True); time.sleep(120)", *args],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    return holder


def release(holder: subprocess.Popen[str]) -> None:
    holder.kill()
    holder.communicate()


def test_a_run_publishes_while_a_reader_holds_the_warehouse(db: Path, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(REPO / "seeds", articles)
    (articles / "new.txt").write_text("Ein neuer Absatz über die Zusammenarbeit.\n", encoding="utf-8")
    reader = hold("import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True)", str(db))
    try:
        result = newsflow("run", "--source", str(articles), "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert "completed" in result.stdout
        assert newsflow("sql", "SELECT count(*) FROM runs", "--db", str(db), "--format", "csv").stdout.split() == [
            "count_star()", "2",
        ]  # fmt: skip
    finally:
        release(reader)


def test_a_run_with_nothing_new_needs_no_prefect_and_leaves_the_file_untouched(db: Path) -> None:
    before = (db.stat().st_mtime_ns, db.read_bytes())
    # Nothing listens on port 9: had the run asked Prefect anything, it would have failed.
    result = newsflow("run", "--db", str(db), env=os.environ | {"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"nothing changed since run \d+ \(completed, ", result.stdout), result.stdout
    assert "seen 5 = loaded 0 + unchanged 5 + quarantined 0" in result.stdout
    assert "the warehouse by language" in result.stdout
    assert (db.stat().st_mtime_ns, db.read_bytes()) == before


def test_a_second_writer_fails_fast_with_one_line(db: Path) -> None:
    lock = f"{db}.lock"
    writer = hold("import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX)", lock)
    try:
        assert_one_line_error(newsflow("run", "--db", str(db)), "another run is writing", "--wait")
    finally:
        release(writer)


def test_report_prints_the_verdict_and_writes_html(db: Path, tmp_path: Path) -> None:
    page = tmp_path / "quality.html"
    result = newsflow("report", "--db", str(db), "--html", str(page))
    assert result.returncode == 0, result.stderr
    assert "quality of run" in result.stdout
    assert "Data Docs" in result.stdout and "data-docs" in result.stdout
    assert "newsflow quality report" in page.read_text(encoding="utf-8")


def test_report_on_a_run_that_does_not_exist_is_one_line(db: Path) -> None:
    assert_one_line_error(newsflow("report", "--run", "999", "--db", str(db)), "no run 999")


def test_status_shows_the_last_runs_and_where_things_are(db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    result = subprocess.run([NEWSFLOW, "status", "--db", str(db)], capture_output=True, text=True, env=env, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "last runs" in result.stdout and "completed" in result.stdout
    assert "no schedule: PREFECT_API_URL is not set" in result.stdout
    assert str(db) in result.stdout.replace("\n", "")
    assert "data-docs" in result.stdout


def test_serve_without_a_server_says_how_to_start_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    result = subprocess.run(
        [NEWSFLOW, "serve", "--cron", "0 * * * *", "--db", str(tmp_path / "w.duckdb")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert_one_line_error(result, "prefect server start --host 127.0.0.1", "PREFECT_API_URL")


def test_a_bad_memory_limit_is_one_line(tmp_path: Path) -> None:
    result = newsflow("run", "--db", str(tmp_path / "w.duckdb"), env=os.environ | {"NEWSFLOW_MEMORY_LIMIT": "lots"})
    assert_one_line_error(result, "NEWSFLOW_MEMORY_LIMIT='lots'", "1GB")
