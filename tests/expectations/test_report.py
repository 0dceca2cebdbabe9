"""The quality report, rendered by a real browser (Debian's chromium, headless)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from expectations.config import QualityConfig, data_docs_index
from expectations.data_docs import ASSETS, VENDORED
from expectations.report import load_report, render_html
from expectations.suites import build_suites
from flows.ingest import ingest_flow
from flows.settings import DEFAULT_LANGUAGES
from tests.corpus import GERMAN_SEED
from tests.flows.helpers import damage_published_text, flow_settings, ingest
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
    state = ingest_flow(flow_settings(articles, db, audit_all=True), return_state=True)
    assert state.is_failed()
    return db


# No name resolves and every request goes to a closed port: a page that needs the network shows it.
OFFLINE_FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"]


def browser(*args: str, user_data: Path, offline: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM, *BROWSER_FLAGS, *(OFFLINE_FLAGS if offline else []), f"--user-data-dir={user_data}", *args],
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
    # ... with the file and position it is at
    assert re.search(r"<b>\S+\.txt ¶\d+</b> \{\"paragraph_id\"", dom), dom
    assert 'class="verdict bad"' in dom
    assert dom.count("<svg") == 3
    assert "<polyline" in dom  # duplicate ratio per published run
    # articles per published run: runs 1 and 2, not the failed run 3; then the duration of all three
    assert dom.count("<rect") == 2 + 3
    for axis in ("run", "duplicate ratio", "articles", "seconds"):  # every chart's axes are labelled
        assert 'class="axis"' in dom and re.search(rf'class="axis"[^>]*>{axis}</text>', dom), axis
    assert "started (UTC)" in text and re.search(r"Run 3\s+failed\s*, started \d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
    headings = ("Expectations by suite", "Failing expectations", "Articles by language", "Latest runs")
    for heading in (*headings, "Largest near-duplicate clusters", "Boilerplate by source folder"):
        assert heading in text
    # Seed 003's teasers: 12 of the 65 + 9 (the copy) paragraphs published; its bullet dates among the lines.
    assert "Most frequent boilerplate lines" in text
    assert re.search(r"articles\s*</code>\s*</td>\s*<td>12</td>\s*<td>74</td>\s*<td>16\.2%", dom), dom
    assert "• 07.11.2025" in text and "teaser" in text
    # Seed 001 quotes its headline again: the member beside the canonical text, what it adds marked.
    assert "<ins>деді</ins>" in dom and "<del>қалдық</del>" in dom

    screenshot = tmp_path / "report.png"
    browser("--window-size=1000,1400", f"--screenshot={screenshot}", page.as_uri(), user_data=tmp_path / "profile")
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_a_passing_run_says_it_was_published(three_runs: Path) -> None:
    page = html_report(three_runs, run_id=2)
    assert '<p class="verdict ok">Every expectation passed; the run was published.' in page
    assert "<p>None.</p>" in page  # no failing expectations


def test_every_expectation_is_listed_with_what_it_observed_and_expected(three_runs: Path) -> None:
    page = html_report(three_runs, run_id=2)
    table = page.split("<h2>Every expectation</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class='passed'><td>([a-z_]+\.[a-z_]+)</td><td>(\w+)</td><td>passed</td><td>([^<]*)</td>"
                      r"<td>([^<]*)</td></tr>", table)  # fmt: skip
    suites = build_suites(QualityConfig(languages=DEFAULT_LANGUAGES))
    assert len(rows) == sum(len(checks) for checks in suites.values()), table
    observed = {name: (seen, expected) for name, _, seen, expected in rows}
    # Run 2 audits what it changed: the copy's occurrences, and no new paragraph.
    seen, expected = observed["document_paragraphs.occurrence_keys_unique"]
    assert re.fullmatch(r"0 of [1-9]\d* rows break it \(0\.00%\)", seen), seen
    assert expected == "every (document_id, position) distinct"
    assert observed["documents.paragraph_counts_match_occurrences"][0] == "0 offending rows"
    # A ratio as a percent, never in parts per million; the range waits for three completed runs.
    _seen, expected = observed["history.duplicate_ratio_within_history"]
    assert re.fullmatch(r"\d+\.\d%, not checked: 1 of the 3 completed runs it needs", expected), expected
    assert "ppm" not in page and "per million" not in page


def test_failing_warnings_make_the_verdict_amber(three_runs: Path) -> None:
    con = connect(three_runs, read_only=True)
    try:
        report = load_report(con, 2, None)
    finally:
        con.close()
    warned = replace(report.results[0], severity="warning", success=False, unexpected_count=1)
    page = render_html(replace(report, results=[warned, *report.results[1:]]))
    assert re.search(r'<p class="verdict warn">Published, but 1 warning failed: \w+\.\w+\.</p>', page)
    assert "Every expectation passed" not in page


@needs_chromium
def test_data_docs_list_the_validation_results_offline(three_runs: Path, tmp_path: Path) -> None:
    index = data_docs_index(three_runs)
    assert not re.search(r'(?:src|href)="https://[^"]+\.(?:js|css)"', index.read_text(encoding="utf-8"))

    dom = browser("--dump-dom", index.as_uri(), user_data=tmp_path / "profile", offline=True).stdout

    # bootstrap-table draws the list from the page's data: without its script the table stays empty.
    results = re.findall(r'data-href="(validations/[^"]+)" data-index="\d+"', dom)
    pages = list((index.parent / "validations").rglob("*.html"))
    assert len(pages) >= 10  # one per suite and kind of check (columns, rows)
    assert len(results) == min(len(pages), 10), results  # GX's table shows 10 a page
    assert len(pages) <= 10 or 'class="pagination' in dom
    assert all("newsflow%20run%203" in href for href in results), results


@needs_chromium
def test_a_data_docs_result_page_is_styled_offline(three_runs: Path, tmp_path: Path) -> None:
    site = data_docs_index(three_runs).parent
    page = next((site / "validations" / "paragraphs" / "rows").rglob("*.html"))
    # A copy beside the page, so its relative links hold, that writes what the browser computed into the DOM.
    probe = page.with_name("probe.html")
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", f"<script>{STYLE_PROBE}</script></body>"),
        encoding="utf-8",
    )
    try:
        dom = browser("--dump-dom", probe.as_uri(), user_data=tmp_path / "profile", offline=True).stdout
    finally:
        probe.unlink()

    styles = dict(re.findall(r'<meta name="probe-([a-z]+)" content="([^"]*)"', dom))
    assert styles["row"] == "flex"  # bootstrap's grid
    assert styles["success"] == "rgb(40, 167, 69)"  # bootstrap's .text-success
    assert styles["icon"] not in ("", "none", "normal")  # font-awesome's glyph before .fas


STYLE_PROBE = """
for (const [name, value] of [
  ["row", getComputedStyle(document.querySelector(".row")).display],
  ["success", getComputedStyle(document.querySelector(".text-success")).color],
  ["icon", getComputedStyle(document.querySelector(".fas"), "::before").content],
]) {
  const meta = document.createElement("meta");
  meta.name = "probe-" + name;
  meta.content = value;
  document.body.appendChild(meta);
}
"""


def test_every_cdn_link_in_gx_templates_is_vendored() -> None:
    """A Great Expectations upgrade that loads another file from a CDN fails here, not offline."""
    import great_expectations

    templates = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
    urls = {
        url
        for template in templates.rglob("*.j2")
        for url in re.findall(r'<(?:script|link)[^>]*(?:src|href)="(https://[^"]+)"', template.read_text())
    }
    assert urls, templates
    assert urls <= set(VENDORED), sorted(urls - set(VENDORED))
    assert all((ASSETS / path).is_file() for path in VENDORED.values())
