"""Blame: the files of this run whose rows fail a critical expectation.

Rows published before this run passed the gate then; what fails now and belongs to a document
version this run loaded is blamed on that version's file. A check names its offending rows by
document or by paragraph (`Check.blame`); a paragraph is blamed on every file of this run whose
current document holds it. Checks with no such column (the files accounting, uniqueness of keys)
blame no file: their failure blocks the whole run.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from expectations.config import QualityConfig
from expectations.results import QualityResult
from expectations.suites import asset_queries, build_suites
from warehouse.connection import connect
from warehouse.culprits import files_holding
from warehouse.runs import HELD_BACK_REASON


def find_culprits(path: Path, run_id: int, config: QualityConfig, results: list[QualityResult]) -> dict[str, str]:
    """source_path -> quarantine reason (`quality gate: suite.expectation, ...`) for the files of run
    `run_id` that the failed critical expectations of `results` blame, in the warehouse at `path`."""
    failed = {r.expectation for r in results if r.blocks_publishing}
    assets = asset_queries(run_id, config)
    blamed: defaultdict[str, list[str]] = defaultdict(list)
    con = connect(path, read_only=True, memory_limit=config.memory_limit)
    try:
        for suite, checks in build_suites(config).items():
            for check in checks:
                if check.name not in failed or check.blame is None:
                    continue
                offending = check.expectation.unexpected_rows_query.format(batch=f"({assets[suite]})")
                for source_path in files_holding(con, run_id, check.blame, offending):
                    blamed[source_path].append(f"{suite}.{check.name}")
    finally:
        con.close()
    return {source_path: HELD_BACK_REASON + ", ".join(names) for source_path, names in sorted(blamed.items())}
