"""The quality gate's settings; free of Great Expectations, so flows can pass it around cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def quality_folder(db: Path) -> Path:
    """Where the quality report and the Data Docs of the warehouse `db` are written."""
    return db.with_name(f"{db.stem}-quality")


def data_docs_index(db: Path) -> Path:
    return quality_folder(db) / "data-docs" / "index.html"


# The history checks: each warehouse counter they watch, and the absolute slack added to the allowed
# range (so a small warehouse's few articles may move by a few). The duplicate ratio is counted in
# parts per million; reports show it as a percent.
HISTORY_SLACK = {
    "duplicate_ratio_ppm": 20_000,
    "near_cluster_paragraphs_max": 5,
    "articles": 2,
    "boilerplate_share_ppm": 20_000,  # per source folder: "boilerplate_share_ppm <folder>"
}


@dataclass(frozen=True)
class QualityConfig:
    languages: tuple[str, ...]
    paragraph_min_chars: int = 1
    paragraph_max_chars: int = 50_000
    # Anomaly checks compare this run with the last `history_runs` completed runs, once there are
    # at least `history_min_runs`; a value may leave their range by `history_tolerance` of it.
    history_runs: int = 10
    history_min_runs: int = 3
    history_tolerance: float = 0.5
    # Audit every row, not only what the run changed (NEWSFLOW_AUDIT_ALL; warehouse/sql/audit_scope.sql).
    audit_all: bool = False
    # DuckDB's cap while the gate reads (NEWSFLOW_MEMORY_LIMIT). Without one DuckDB takes up to 80% of the
    # machine's memory: the gate of a 1 GB run peaked at 9.7 GB (bench/README.md).
    memory_limit: str | None = None
