"""One expectation's verdict on one run: what the gate decides on and the warehouse records.

Kept free of Great Expectations, so code that only reads verdicts never pays for importing it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QualityResult:
    suite: str
    expectation: str
    expectation_type: str
    column_name: str | None
    severity: str
    success: bool
    observed_value: str | None  # JSON
    unexpected_count: int | None
    details: str  # JSON: description, examples, error

    @property
    def blocks_publishing(self) -> bool:
        return self.severity == "critical" and not self.success
