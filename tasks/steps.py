"""The one counter contract: what a step did, as `run_steps` records it.

Every step of a run hands the flow a StepReport: how many items it took in (`total`), how many it
passed on (`kept`), how many it set aside and why (`dropped`), anything else worth counting
(`counts`: encodings, languages, pairs found), and how long it took (`milliseconds`). The flow
collects the reports, and warehouse/runs.py `record_steps` writes one `run_steps` row per number:
counter `total`, `kept`, `dropped_<reason>`, each name of `counts`, and `milliseconds`. Reports of
the same step (one per batch) add up.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

DROPPED = "dropped_"


@dataclass(frozen=True)
class StepReport:
    step: str
    total: int | None = None  # items the step took in
    kept: int | None = None  # items it passed on
    dropped: Mapping[str, int] = field(default_factory=dict)  # items it set aside, by reason
    counts: Mapping[str, int] = field(default_factory=dict)  # anything else it counted
    milliseconds: int | None = None

    def counters(self) -> dict[str, int]:
        """The report as `run_steps` counters; a number the step did not report has no row."""
        rows = {name: value for name, value in (("total", self.total), ("kept", self.kept)) if value is not None}
        rows |= {DROPPED + reason: n for reason, n in self.dropped.items()}
        rows |= dict(self.counts)
        if self.milliseconds is not None:
            rows["milliseconds"] = self.milliseconds
        return rows

    def without_time(self) -> StepReport:
        """The same counts, no time: a batch prepared before (tasks/batch_files.py) cost this run nothing."""
        return StepReport(self.step, self.total, self.kept, self.dropped, self.counts)

    def as_json(self) -> dict[str, Any]:
        return {"step": self.step, "counters": self.counters()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StepReport:
        return reports_of({(data["step"], name): n for name, n in data["counters"].items()})[0]


def reports_of(counters: Mapping[tuple[str, str], int]) -> list[StepReport]:
    """Reports from (step, counter) -> value, named as `StepReport.counters` names them; in step order
    of first appearance. For steps that measure several stages in one pass (tasks/near_dedup.py)."""
    by_step: dict[str, dict[str, int]] = {}
    for (step, name), value in counters.items():
        by_step.setdefault(step, {})[name] = value
    reports = []
    for step, named in by_step.items():
        rest = dict(named)
        total, kept, milliseconds = rest.pop("total", None), rest.pop("kept", None), rest.pop("milliseconds", None)
        dropped = {name.removeprefix(DROPPED): rest.pop(name) for name in list(rest) if name.startswith(DROPPED)}
        reports.append(StepReport(step, total, kept, dropped, rest, milliseconds))
    return reports


def add_up(reports: Iterable[StepReport]) -> list[StepReport]:
    """One report per step: the counts of its reports (one per batch, or per load) summed."""
    summed: Counter[tuple[str, str]] = Counter()
    for report in reports:
        for name, value in report.counters().items():
            summed[report.step, name] += value
    return reports_of(summed)


def milliseconds_since(started: float) -> int:
    """Milliseconds since `started`, a `time.perf_counter()` reading."""
    return round(1000 * (time.perf_counter() - started))


def counted(step: str, work: Callable[[], Mapping[str, int]]) -> StepReport:
    """Run `work`, a step that returns what it counted, and report that with the time it took."""
    started = time.perf_counter()
    counts = work()
    return StepReport(step, counts=counts, milliseconds=milliseconds_since(started))


@contextmanager
def timed(counters: Counter[tuple[str, str]], step: str) -> Iterator[None]:
    """Add the time the block takes to the step's `milliseconds` counter, inside a task that measures
    several steps in one pass (tasks/prepare.py, tasks/near_dedup.py: `reports_of` makes their reports)."""
    started = time.perf_counter()
    yield
    counters[step, "milliseconds"] += milliseconds_since(started)
