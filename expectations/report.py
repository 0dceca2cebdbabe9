"""The quality report: what the last runs did and what the gate said, for a terminal or a browser.

The HTML page is one self-contained file: inline CSS, charts drawn as inline SVG, no scripts and
nothing fetched, so it renders the same offline, attached to an email or opened years later.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb
from rich.console import Group
from rich.table import Table
from rich.text import Text

from expectations.config import HISTORY_SLACK, QualityConfig
from warehouse.quality_report import (
    HISTORY_RUNS,
    boilerplate_lines,
    boilerplate_share,
    document_place,
    largest_clusters,
    metric_history,
    paragraph_places,
    recent_runs,
    run_languages,
    run_results,
)
from warehouse.runs import held_back_files

HELD_BACK_SHOWN = 20


class ReportError(ValueError):
    """The report cannot be made as asked."""


@dataclass(frozen=True)
class Run:
    run_id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    files_seen: int | None
    files_loaded: int | None
    files_quarantined: int | None
    paragraphs_read: int | None
    message: str | None
    duplicate_ratio: float | None
    articles: int | None

    @property
    def seconds(self) -> float | None:
        return None if self.finished_at is None else (self.finished_at - self.started_at).total_seconds()

    @property
    def started(self) -> str:
        return f"{self.started_at.astimezone(UTC):%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Result:
    suite: str
    expectation: str
    severity: str
    success: bool
    unexpected_count: int | None
    observed_value: str | None
    details: str

    # Where the failing examples are (file and position), in the order of `examples`.
    places: list[str] = field(default_factory=list)
    # For the history checks: this run's metrics and the range they had to stay in, in human units.
    history: str | None = None

    @property
    def examples(self) -> list[object]:
        return json.loads(self.details or "{}").get("examples", [])

    @property
    def expected(self) -> str:
        details = json.loads(self.details or "{}")
        return details.get("expected") or details.get("description") or ""

    @property
    def observed(self) -> str:
        """What the check found, in words."""
        value = json.loads(self.observed_value) if self.observed_value else None
        if isinstance(value, dict) and "element_count" in value:
            total, share = value["element_count"], value.get("unexpected_percent") or 0.0
            return f"{self.unexpected_count or 0:,} of {total:,} rows break it ({share:.2f}%)"
        if isinstance(value, int):
            return f"{value:,} offending row{'s' * (value != 1)}"
        return "-" if value is None else short_json(value)


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    canonical_text: str
    paragraphs: int
    occurrences: int
    documents: int
    members: list[list[str]]  # [text, similarity to the canonical text]


@dataclass(frozen=True)
class Report:
    runs: list[Run]  # oldest first
    run: Run  # the run the report is about
    results: list[Result]
    languages: list[tuple]
    data_docs: Path | None
    held_back: list[tuple[str, str]]  # (source_path, reason): the files the run's quality gate quarantined
    clusters: list[Cluster]  # the largest near-duplicate clusters
    boilerplate_sources: list[tuple]  # (source_root, boilerplate occurrences, occurrences, share)
    boilerplate_lines: list[tuple]  # (text, reason, occurrences, documents), most frequent first


def load_report(con: duckdb.DuckDBPyConnection, run_id: int | None, data_docs: Path | None) -> Report:
    runs = [Run(*row) for row in recent_runs(con)][::-1]
    if not runs:
        raise ReportError("the warehouse has no runs yet; run `newsflow run` first")
    chosen = runs[-1] if run_id is None else next((r for r in runs if r.run_id == run_id), None)
    if chosen is None:
        raise ReportError(f"no run {run_id} among the last {HISTORY_RUNS}; see `newsflow sql 'SELECT * FROM runs'`")
    history = history_bounds(con, chosen.run_id, QualityConfig(languages=()))
    results = []
    for *row, column in run_results(con, chosen.run_id):
        result = Result(*row, history=history.get(column) if row[0] == "history" else None)
        results.append(replace(result, places=[place(con, example) for example in result.examples]))
    languages = run_languages(con)
    clusters = [Cluster(*row) for row in largest_clusters(con)]
    docs = data_docs if data_docs and data_docs.is_file() else None
    return Report(
        runs, chosen, results, languages, docs, held_back_files(con, chosen.run_id), clusters,
        boilerplate_share(con), boilerplate_lines(con),
    )  # fmt: skip


def place(con: duckdb.DuckDBPyConnection, example: object) -> str:
    """Where a failing example is, by file and position ("" if it names neither a paragraph nor a
    document, or they are not in the published warehouse: a failed run published nothing)."""
    if not isinstance(example, dict):
        return ""
    if path := example.get("source_path"):
        return str(path)
    if "paragraph_id" in example and "position" not in example:
        found = paragraph_places(con, str(example["paragraph_id"]))
        return ", ".join(f"{path} ¶{position}" for path, position in found)
    if "document_id" in example:
        found = document_place(con, str(example["document_id"]))
        if found:
            return found[0] + (f" ¶{example['position']}" if "position" in example else "")
    return ""


def history_bounds(con: duckdb.DuckDBPyConnection, run_id: int, config: QualityConfig) -> dict[str, str]:
    """Per watched metric (HISTORY_SLACK), this run's values and the range the history checks allowed."""
    found: dict[str, list[str]] = {}
    for counter, value, low, high, runs in metric_history(con, run_id, config.history_runs):
        # Per-language and per-folder metrics are named `articles_de`, `boilerplate_share_ppm /news`.
        metric = next((m for m in HISTORY_SLACK if counter == m or counter[len(m) : len(m) + 1] in ("_", " ")), None)
        if metric is None or not counter.startswith(metric):
            continue
        name = counter[len(metric) + 1 :]
        if runs < config.history_min_runs:
            bound = f"not checked: {runs} of the {config.history_min_runs} completed runs it needs"
        else:
            slack, tolerance = HISTORY_SLACK[metric], config.history_tolerance
            allowed = max(0.0, low * (1 - tolerance) - slack), high * (1 + tolerance) + slack
            bound = f"allowed {metric_text(metric, allowed[0])} to {metric_text(metric, allowed[1])}"
        found.setdefault(metric, []).append(f"{name} {metric_text(metric, value)}, {bound}".strip())
    return {metric: "; ".join(parts) for metric, parts in found.items()}


def metric_text(metric: str, value: float) -> str:
    """A warehouse metric in human units: the duplicate ratio (counted per million) as a percent."""
    return f"{value / 1e4:.1f}%" if metric.endswith("_ppm") else f"{value:,.0f}"


VERDICT_STYLES = {"ok": "bold green", "warn": "bold yellow", "bad": "bold red"}


def verdict(report: Report) -> tuple[str, str]:
    """The run's verdict at a glance: ("ok" | "warn" | "bad", the sentence)."""
    run = report.run
    if run.status != "completed":
        return "bad", run.message or run.status
    warnings = [r for r in report.results if not r.success]
    if warnings:
        names = ", ".join(f"{r.suite}.{r.expectation}" for r in warnings)
        return "warn", f"Published, but {len(warnings)} warning{'s' * (len(warnings) != 1)} failed: {names}."
    return "ok", "Every expectation passed; the run was published. " + (run.message or "")


def example_text(example: object) -> str:
    """A failing example as one line; a history check's duplicate ratio (per million) as a percent."""
    if isinstance(example, dict) and str(example.get("metric", "")).endswith("_ppm"):
        metric = example["metric"]
        example = {k: metric_text(metric, v) if k in ("value", "low", "high") else v for k, v in example.items()}
    return short_json(example)


def suite_verdicts(results: list[Result]) -> list[tuple[str, int, int, int]]:
    """(suite, passed, failed critical, failed warning) per suite."""
    suites = dict.fromkeys(r.suite for r in results)
    return [
        (
            suite,
            sum(r.success for r in results if r.suite == suite),
            sum(not r.success and r.severity == "critical" for r in results if r.suite == suite),
            sum(not r.success and r.severity == "warning" for r in results if r.suite == suite),
        )
        for suite in suites
    ]


def render_terminal(report: Report) -> Group:
    runs = Table(title="latest runs (times in UTC)", title_justify="left")
    for header in ("run", "started", "took", "status", "files", "loaded", "quar.", "paras", "dup"):
        runs.add_column(header, justify="left" if header in ("started", "status") else "right")
    for r in report.runs[-10:]:
        runs.add_row(
            str(r.run_id),
            f"{r.started_at.astimezone(UTC):%m-%d %H:%M}",
            "-" if r.seconds is None else f"{r.seconds:.1f} s",
            Text(r.status, style="green" if r.status == "completed" else "red"),
            *(str(v) if v is not None else "-" for v in (r.files_seen, r.files_loaded, r.files_quarantined)),
            str(r.paragraphs_read) if r.paragraphs_read is not None else "-",
            f"{r.duplicate_ratio:.1%}" if r.duplicate_ratio is not None else "-",
        )
    suites = Table(title=f"quality of run {report.run.run_id}", title_justify="left")
    for header in ("suite", "passed", "failed critical", "failed warning"):
        suites.add_column(header, justify="left" if header == "suite" else "right")
    for suite, passed, critical, warning in suite_verdicts(report.results):
        suites.add_row(suite, str(passed), Text(str(critical), style="bold red" if critical else ""), str(warning))
    languages = Table(title="current articles by language", title_justify="left")
    for header in ("language", "articles", "paragraphs", "unique", "dup ratio"):
        languages.add_column(header, justify="left" if header == "language" else "right")
    for language, articles, read, unique, ratio in report.languages:
        languages.add_row(language, str(articles), str(read), str(unique), f"{ratio:.1%}")
    level, sentence = verdict(report)
    parts: list = [runs, Text(sentence, style=VERDICT_STYLES[level]), suites]
    for r in (r for r in report.results if not r.success):
        style = "bold red" if r.severity == "critical" else "yellow"
        parts.append(Text.assemble((f"{r.severity} ", style), f"{r.suite}.{r.expectation}: {r.observed}"))
        parts.append(Text(f"    expected {r.history or r.expected}", style="dim"))
        for example, where in zip(r.examples, r.places or [""] * len(r.examples), strict=False):
            parts.append(Text(f"    {where + ': ' if where else ''}{example_text(example)}", style="dim"))
    for path, reason in report.held_back[:HELD_BACK_SHOWN]:
        parts.append(Text.assemble(("held back ", "bold yellow"), f"{path}: {reason}"))
    if len(report.held_back) > HELD_BACK_SHOWN:
        parts.append(Text(f"held back and {len(report.held_back) - HELD_BACK_SHOWN} more: the quarantine view"))
    parts.append(languages)
    boilerplate = Table(title="boilerplate by source folder", title_justify="left")
    for header in ("source folder", "boilerplate", "paragraphs", "share"):
        boilerplate.add_column(header, justify="left" if header == "source folder" else "right")
    for root, flagged, total, share in report.boilerplate_sources:
        boilerplate.add_row(root, str(flagged), str(total), f"{share:.1%}")
    parts.append(boilerplate)
    if report.data_docs:
        parts.append(Text(f"Great Expectations Data Docs: {report.data_docs}"))
    return Group(*parts)


def render_html(report: Report) -> str:
    run = report.run
    level, sentence = verdict(report)
    failed = [r for r in report.results if not r.success]
    suites = "".join(
        f"<tr><td>{escape(s)}</td><td>{p}</td><td class='{'bad' if c else ''}'>{c}</td>"
        f"<td class='{'warning' if w else ''}'>{w}</td></tr>"
        for s, p, c, w in suite_verdicts(report.results)
    )
    expectations = "".join(
        f"<tr class='{'passed' if r.success else r.severity}'><td>{escape(r.suite)}.{escape(r.expectation)}</td>"
        f"<td>{r.severity}</td><td>{'passed' if r.success else 'FAILED'}</td><td>{escape(r.observed)}</td>"
        f"<td>{escape(r.history or r.expected)}</td></tr>"
        for r in report.results
    )
    failures = "".join(
        f"<li><b class='{r.severity}'>{r.severity}</b> <code>{escape(r.suite)}.{escape(r.expectation)}</code>: "
        f"{escape(r.observed)}; expected {escape(r.history or r.expected)}"
        + "".join(
            f"<pre>{f'<b>{escape(where)}</b> ' if where else ''}{escape(example_text(e))}</pre>"
            for e, where in zip(r.examples, r.places or [""] * len(r.examples), strict=False)
        )
        + "</li>"
        for r in failed
    )
    held_back = "".join(f"<li><code>{escape(path)}</code>: {escape(reason)}</li>" for path, reason in report.held_back)
    languages = "".join(
        f"<tr><td>{escape(lang)}</td><td>{a}</td><td>{n}</td><td>{u}</td><td>{ratio:.1%}</td></tr>"
        for lang, a, n, u, ratio in report.languages
    )
    runs = "".join(
        f"<tr><td>{r.run_id}</td><td>{r.started}</td><td>{'-' if r.seconds is None else f'{r.seconds:.1f} s'}</td>"
        f"<td class='{r.status}'>{r.status}</td>"
        f"<td>{_dash(r.files_seen)}</td><td>{_dash(r.files_loaded)}</td><td>{_dash(r.paragraphs_read)}</td></tr>"
        for r in reversed(report.runs)
    )
    boilerplate_sources = "".join(
        f"<tr><td><code>{escape(root)}</code></td><td>{flagged}</td><td>{total}</td><td>{share:.1%}</td></tr>"
        for root, flagged, total, share in report.boilerplate_sources
    )
    boilerplate_lines = "".join(
        f"<tr><td>{escape(text)}</td><td>{escape(reason)}</td><td>{occurrences}</td><td>{documents}</td></tr>"
        for text, reason, occurrences, documents in report.boilerplate_lines
    )
    published = [r for r in report.runs if r.status == "completed" and r.duplicate_ratio is not None]
    timed = [(r.run_id, r.seconds) for r in report.runs if r.seconds is not None]
    docs = (
        f'<p>Great Expectations Data Docs: <a href="{escape(report.data_docs.as_uri())}">'
        f"{escape(str(report.data_docs))}</a></p>"
        if report.data_docs
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>newsflow quality report: run {run.run_id}</title>
<style>{CSS}</style></head>
<body>
<h1>newsflow quality report</h1>
<h2>Run {run.run_id} <span class="{run.status}">{run.status}</span>, started {run.started} UTC</h2>
<p class="verdict {level}">{escape(sentence)}</p>
<section class="charts">
<figure><figcaption>Duplicate ratio per published run</figcaption>
{line_chart([(r.run_id, r.duplicate_ratio) for r in published], "duplicate ratio", percent=True)}</figure>
<figure><figcaption>Current articles per published run</figcaption>
{bar_chart([(r.run_id, r.articles or 0) for r in published], "articles")}</figure>
<figure><figcaption>Duration of each run, command to verdict</figcaption>
{bar_chart(timed, "seconds")}</figure>
</section>
<h2>Expectations by suite</h2>
<table><tr><th>suite</th><th>passed</th><th>failed (critical)</th><th>failed (warning)</th></tr>{suites}</table>
<h2>Failing expectations</h2>
{f"<ul class='failures'>{failures}</ul>" if failures else "<p>None.</p>"}
<h2>Files held back by the quality gate</h2>
{
        f"<p>Quarantined: their rows failed a critical expectation; the rest was published.</p><ul>{held_back}</ul>"
        if held_back
        else "<p>None.</p>"
    }
<h2>Every expectation</h2>
<table class="expectations"><tr><th>expectation</th><th>severity</th><th>result</th><th>observed</th>
<th>expected</th></tr>{expectations}</table>
<h2>Articles by language</h2>
<table><tr><th>language</th><th>articles</th><th>paragraphs</th><th>unique</th><th>duplicate ratio</th></tr>
{languages}</table>
<h2>Boilerplate by source folder</h2>
<p>Site chrome (teasers, menus, share and subscribe lines, legal and cookie notices, lines recurring
across a folder): kept as occurrences, left out of the article text, the duplicate counts and search.</p>
<table><tr><th>source folder</th><th>boilerplate</th><th>paragraphs</th><th>share</th></tr>
{boilerplate_sources}</table>
<h2>Most frequent boilerplate lines</h2>
{
        "<table><tr><th>line</th><th>rule</th><th>occurrences</th><th>articles</th></tr>"
        + boilerplate_lines
        + "</table>"
        if boilerplate_lines
        else "<p>None.</p>"
    }
<h2>Largest near-duplicate clusters</h2>
{cluster_sections(report.clusters)}
<h2>Latest runs</h2>
<table><tr><th>run</th><th>started (UTC)</th><th>took</th><th>status</th><th>files</th><th>loaded</th>
<th>paragraphs read</th></tr>
{runs}</table>
{docs}
</body></html>
"""


def cluster_sections(clusters: list[Cluster]) -> str:
    """Each cluster's canonical paragraph beside its members, words it lacks struck, words it adds marked."""
    if not clusters:
        return "<p>No near copies among the current articles.</p>"
    sections = []
    for cluster in clusters:
        rows = "".join(
            f"<tr><td>{marked_differences(cluster.canonical_text, text)}</td><td>{similarity}</td></tr>"
            for text, similarity in cluster.members
        )
        sections.append(
            f"<section class='cluster'><p><b>{cluster.paragraphs} paragraphs</b>, {cluster.occurrences} occurrences "
            f"in {cluster.documents} articles. Canonical (kept):</p><blockquote>{escape(cluster.canonical_text)}"
            f"</blockquote><table><tr><th>member, against the canonical text</th><th>similarity</th></tr>{rows}"
            "</table></section>"
        )
    return "".join(sections)


def marked_differences(canonical: str, member: str) -> str:
    """The member's words, with what the canonical text has instead in <del> and its own changes in <ins>."""
    old, new = canonical.split(), member.split()
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new[b1:b2]))}</ins>")
        if op == "equal":
            parts.append(escape(" ".join(new[b1:b2])))
    return " ".join(parts)


CSS = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #1d2733; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; min-width: 50%; }
th, td { padding: .3rem .8rem; border-bottom: 1px solid #dde3ea; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f5f8; font-weight: 600; }
.completed, .ok { color: #1a7f37; } .failed, .bad, .critical { color: #c62828; } .warning { color: #a86b00; }
.verdict { padding: .6rem .9rem; border-radius: 6px; font-weight: 600; }
.verdict.ok { background: #dafbe1; } .verdict.bad { background: #ffebe9; }
.verdict.warn { background: #fff8c5; color: #9a6700; }
.expectations { width: 100%; font-size: 13px; } .expectations td { text-align: left; vertical-align: top; }
.expectations td:first-child { overflow-wrap: anywhere; width: 30%; } .expectations td:nth-child(4) { width: 18%; }
tr.critical td { background: #ffebe9; }
tr.warning td { background: #fff8c5; } svg text.axis { font-weight: 600; fill: #1d2733; }
.charts { display: flex; gap: 2rem; flex-wrap: wrap; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: .3rem; }
svg text { font: 11px system-ui, sans-serif; fill: #57606a; }
pre { background: #f6f8fa; padding: .4rem .6rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.failures li { margin-bottom: .8rem; }
.cluster { border-left: 3px solid #8250df; padding-left: .8rem; margin-bottom: 1.2rem; }
.cluster td:first-child { text-align: left; } blockquote { margin: .3rem 0; color: #57606a; }
del { background: #ffebe9; color: #82071e; } ins { background: #dafbe1; color: #116329; text-decoration: none; }
"""

WIDTH, HEIGHT, PAD = 420, 180, 48


def line_chart(points: list[tuple[int, float | None]], y_label: str, percent: bool = False) -> str:
    values = [v for _, v in points if v is not None]
    if not values:
        return "<p>No published runs yet.</p>"
    top = max(values) or 1.0
    xs = _x_positions(len(points))
    coords = [(x, _y(v, top)) for x, (_, v) in zip(xs, points, strict=True) if v is not None]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0969da"/>' for x, y in coords)
    label = f"{top:.1%}" if percent else f"{top:g}"
    return _frame(
        f'<polyline points="{path}" fill="none" stroke="#0969da" stroke-width="2"/>{dots}',
        label,
        [run for run, _ in points],
        y_label,
    )


def bar_chart(points: list[tuple[int, float]], y_label: str) -> str:
    if not points:
        return "<p>No published runs yet.</p>"
    top = max(v for _, v in points) or 1
    xs = _x_positions(len(points))
    width = max(4.0, (WIDTH - 2 * PAD) / len(points) * 0.6)
    bars = "".join(
        f'<rect x="{x - width / 2:.1f}" y="{_y(v, top):.1f}" width="{width:.1f}" '
        f'height="{HEIGHT - PAD - _y(v, top):.1f}" fill="#8250df"><title>run {run}: {v:g} {y_label}</title></rect>'
        for x, (run, v) in zip(xs, points, strict=True)
    )
    return _frame(bars, f"{top:,.1f}".removesuffix(".0"), [run for run, _ in points], y_label)


def _frame(body: str, top_label: str, runs: list[int], y_label: str) -> str:
    xs = _x_positions(len(runs))
    step = max(1, len(runs) // 10)
    ticks = "".join(
        f'<text x="{x:.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle">{run}</text>'
        for i, (x, run) in enumerate(zip(xs, runs, strict=True))
        if i % step == 0
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" role="img">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - 8}" y2="{HEIGHT - PAD}" stroke="#8c959f"/>'
        f'<line x1="{PAD}" y1="12" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#8c959f"/>'
        f'<text x="{PAD - 4}" y="16" text-anchor="end">{escape(top_label)}</text>'
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end">0</text>'
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 6}" text-anchor="middle" class="axis">run</text>'
        f'<text x="12" y="{(HEIGHT - PAD) / 2}" text-anchor="middle" class="axis" '
        f'transform="rotate(-90 12 {(HEIGHT - PAD) / 2})">{escape(y_label)}</text>'
        f"{ticks}{body}</svg>"
    )


def _x_positions(n: int) -> list[float]:
    span = WIDTH - 2 * PAD
    return [PAD + span * (i + 0.5) / n for i in range(n)]


def _y(value: float, top: float) -> float:
    return HEIGHT - PAD - (HEIGHT - PAD - 12) * (value / top)


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


def short_json(value: object, limit: int = 160) -> str:
    """A value as one line of JSON, cut to `limit` characters."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
