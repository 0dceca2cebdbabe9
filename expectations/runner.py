"""Validate a warehouse file: run every suite inside DuckDB, return one result per expectation,
and (optionally) write Great Expectations' Data Docs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations import gx_duckdb
from expectations.config import QualityConfig
from expectations.data_docs import make_offline
from expectations.results import QualityResult
from expectations.suites import Check, asset_queries, build_suites
from warehouse.connection import capped

MAX_EXAMPLES = 5


def validate_warehouse(
    path: Path, run_id: int, config: QualityConfig, docs_dir: Path | None = None
) -> list[QualityResult]:
    gx_duckdb.install()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        context.update_data_docs_site("local_site", data_docs_site(docs_dir))
    datasource = context.data_sources.add_sql(
        "warehouse",
        connection_string=f"duckdb:///{path}",
        kwargs={"connect_args": {"read_only": True, "config": capped(config.memory_limit)}},
    )
    suites = build_suites(config)
    queries = asset_queries(run_id, config)
    # Column checks report a few unexpected values (SUMMARY); row queries report their rows
    # (COMPLETE, which GX caps at 200 rows). COMPLETE on a column check would fetch every value.
    formats = {"SUMMARY": [], "COMPLETE": []}
    try:
        for name, checks in suites.items():
            batch = datasource.add_query_asset(name, query=queries[name]).add_batch_definition_whole_table("all")
            for result_format, part in (("SUMMARY", "columns"), ("COMPLETE", "rows")):
                mine = [c for c in checks if is_rows_check(c) == (part == "rows")]
                if not mine:
                    continue
                suite = context.suites.add(
                    gx.ExpectationSuite(name=f"{name}.{part}", expectations=[c.expectation for c in mine])
                )
                formats[result_format].append(
                    context.validation_definitions.add(
                        gx.ValidationDefinition(name=suite.name, data=batch, suite=suite)
                    )
                )
        outcomes = [
            context.checkpoints.add(
                gx.Checkpoint(
                    name=f"run_{run_id}_{result_format.lower()}",
                    validation_definitions=definitions,
                    result_format={"result_format": result_format, "partial_unexpected_count": MAX_EXAMPLES},
                )
            ).run(run_id=gx.RunIdentifier(run_name=f"newsflow run {run_id}"))
            for result_format, definitions in formats.items()
        ]
        if docs_dir is not None:
            shutil.rmtree(docs_dir, ignore_errors=True)  # the site shows the latest run only
            context.build_data_docs()
            make_offline(docs_dir)  # GX's pages load their styles and scripts from CDNs
    finally:
        gx_duckdb.close(datasource)
    by_name = {check.name: (suite, check) for suite, checks in suites.items() for check in checks}
    results = [
        to_result(by_name[r.expectation_config.meta["name"]], r)
        for outcome in outcomes
        for validation in outcome.run_results.values()
        for r in validation.results
    ]
    order = {name: position for position, name in enumerate(by_name)}
    return sorted(results, key=lambda r: order[r.expectation])


def to_result(found: tuple[str, Check], result: Any) -> QualityResult:
    suite, check = found
    out = result.result or {}
    details: dict[str, Any] = {"expected": check.expected}
    if description := getattr(check.expectation, "description", None):
        details["description"] = description
    examples = out.get("partial_unexpected_list") or (out.get("details") or {}).get("unexpected_rows")
    if examples:
        details["examples"] = examples[:MAX_EXAMPLES]
    if error := exception_message(result.exception_info or {}):
        details["error"] = error
    observed = out.get("observed_value")
    if observed is None and "element_count" in out:  # a column map: how many rows it looked at
        observed = {"element_count": out["element_count"], "unexpected_percent": out.get("unexpected_percent")}
    unexpected = out.get("unexpected_count")
    if unexpected is None and is_rows_check(check):
        unexpected = observed if isinstance(observed, int) else None
    return QualityResult(
        suite=suite,
        expectation=check.name,
        expectation_type=result.expectation_config.type,
        column_name=check.column,
        severity=check.severity,
        success=bool(result.success),
        observed_value=None if observed is None else json.dumps(observed, default=str, ensure_ascii=False),
        unexpected_count=unexpected,
        details=json.dumps(details, default=str, ensure_ascii=False),
    )


def is_rows_check(check: Check) -> bool:
    return check.expectation.expectation_type == "unexpected_rows_expectation"


def exception_message(info: dict[str, Any]) -> str | None:
    """GX reports an expectation that raised in one of two shapes; either way, its message."""
    if "raised_exception" in info:
        return info.get("exception_message") if info["raised_exception"] else None
    messages = [v.get("exception_message") for v in info.values() if isinstance(v, dict)]
    return "; ".join(m for m in messages if m) or None


def data_docs_site(folder: Path) -> dict[str, Any]:
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
