"""Words for a run's quality verdict: the markdown of the Prefect artifact."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from expectations.report import short_json


def quality_markdown(
    run_id: int,
    counts: Mapping[str, int],
    results: Iterable[Any],
    failure: str | None,
    held_back: Mapping[str, str] | None = None,
) -> str:
    results = list(results)
    if failure:
        verdict = f"**Failed.** {failure}"
    elif warned := [r for r in results if not r.success]:
        verdict = f"**Published, with {len(warned)} failing warning{'s' * (len(warned) != 1)}** (below)."
    elif results:
        verdict = "**Published.** Every expectation passed."
    else:
        verdict = "**Nothing changed.** No file to read or delete: the published warehouse stands as validated."
    lines = [
        f"# newsflow run {run_id}",
        "",
        verdict,
        "",
        f"Files seen {counts.get('files_seen')}: loaded {counts.get('files_loaded')}, "
        f"unchanged {counts.get('files_unchanged')}, quarantined {counts.get('files_quarantined')}. "
        f"Paragraphs read {counts.get('paragraphs_read')}, unique {counts.get('paragraphs_unique')}.",
        "",
        "| suite | passed | failed (critical) | failed (warning) |",
        "|---|---:|---:|---:|",
    ]
    for suite in dict.fromkeys(r.suite for r in results):
        mine = [r for r in results if r.suite == suite]
        lines.append(
            f"| {suite} | {sum(r.success for r in mine)} "
            f"| {sum(not r.success and r.severity == 'critical' for r in mine)} "
            f"| {sum(not r.success and r.severity == 'warning' for r in mine)} |"
        )
    failed = [r for r in results if not r.success]
    if failed:
        lines += ["", "## Failed expectations", ""]
        for r in failed:
            examples = json.loads(r.details).get("examples", [])
            lines.append(f"- `{r.suite}.{r.expectation}` ({r.severity}): {r.unexpected_count} unexpected")
            lines += [f"  - `{short_json(example)}`" for example in examples]
    if held_back:
        lines += ["", "## Files held back (quarantined) by the quality gate", ""]
        lines += [f"- `{path}`: {reason}" for path, reason in held_back.items()]
    return "\n".join(lines) + "\n"
