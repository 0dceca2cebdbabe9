"""The quality gate's settings; free of Great Expectations, so flows can pass it around cheaply."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QualityConfig:
    languages: tuple[str, ...]
    paragraph_min_chars: int = 1
    paragraph_max_chars: int = 20_000
    # Anomaly checks compare this run with the last `history_runs` completed runs, once there are
    # at least `history_min_runs`; a value may leave their range by `history_tolerance` of it.
    history_runs: int = 10
    history_min_runs: int = 3
    history_tolerance: float = 0.5
