"""The quality report, rendered by a real browser (Debian's chromium, headless)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from expectations.config import data_docs_index
from expectations.report import load_report, render_html
from flows.ingest import ingest_flow
from flows.settings import DEFAULT_LANGUAGES
from tests.corpus import GERMAN_SEED
from tests.flows.helpers import TEST_BATCH_FILES, damage_published_text, ingest
from warehouse.connection import connect

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)"
)
BROWSER_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> Path:
    """Seeds, then a syndicated copy, then a broken character in the warehouse, which a run that audits
    every row finds: two published runs, one failed."""
    folder = tmp_path_factory.mktemp("report")
    articles = folder / "articles"
    shutil.copytree(Path(__file__).resolve().parents[2] / "seeds", articles)
    db = folder / "w.duckdb"
    ingest(articles, db)
    shutil.copy(articles / GERMAN_SEED, articles / "zz_copy.txt")
    ingest(articles, db)
    damage_published_text(db, "Die Zusammenarbeit w\ufffdchst.")
    (articles / "new.txt").write_text("Ein neuer Artikel.\n", encoding="utf-8")
    state = ingest_flow(articles.resolve(), db, DEFAULT_LANGUAGES, TEST_BATCH_FILES, audit_all=True, return_state=True)
    assert state.is_failed()
    return db


def browser(*args: str, user_data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM, *BROWSER_FLAGS, f"--user-data-dir={user_data}", *args],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


def html_report(db: Path, run_id: int | None = None) -> str:
    con = connect(db, read_only=True)
    try:
        return render_html(load_report(con, run_id, data_docs_index(db)))
    finally:
        con.close()


def test_the_page_is_self_contained(three_runs: Path) -> None:
    page = html_report(three_runs)
    references = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(ref.startswith("file://") for ref in references), references  # only the local Data Docs link
    assert "<script" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page


@needs_chromium
def test_a_browser_renders_the_verdict_charts_and_failing_examples(three_runs: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html_report(three_runs), encoding="utf-8")

    dom = browser("--dump-dom", page.as_uri(), user_data=tmp_path / "profile").stdout

    text = re.sub(r"<[^>]+>", " ", dom)
    assert "Run 3" in text and "failed" in text
    assert "paragraphs.text_has_no_replacement_character" in text
    assert "Die Zusammenarbeit w\ufffdchst." in text  # the example the gate caught
    assert dom.count("<svg") == 2
    assert "<polyline" in dom  # duplicate ratio per published run
    assert dom.count("<rect") == 2  # articles per published run: runs 1 and 2, not the failed run 3
    headings = ("Expectations by suite", "Failing expectations", "Articles by language", "Latest runs")
    for heading in (*headings, "Largest near-duplicate clusters"):
        assert heading in text
    # Seed 001 quotes its headline again: the member beside the canonical text, what it adds marked.
    assert "<ins>деді</ins>" in dom and "<del>қалдық</del>" in dom

    screenshot = tmp_path / "report.png"
    browser("--window-size=1000,1400", f"--screenshot={screenshot}", page.as_uri(), user_data=tmp_path / "profile")
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_a_passing_run_says_it_was_published(three_runs: Path) -> None:
    page = html_report(three_runs, run_id=2)
    assert "Every critical expectation passed; the run was published." in page
    assert "<p>None.</p>" in page  # no failing expectations
