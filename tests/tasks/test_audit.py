"""The audit's rounds: hold back the files a failed gate blames, load again, stop when nothing new is blamed."""

from __future__ import annotations

import logging

import polars as pl

from expectations.results import QualityResult
from tasks.audit import MAX_ROUNDS, Audit, audit_candidate, hold_back, name_files

LOGGER = logging.getLogger("test_audit")
REASON = "quality gate: paragraphs.text_has_no_replacement_character"


def verdict(success: bool) -> list[QualityResult]:
    return [
        QualityResult("paragraphs", "text_has_no_replacement_character", "unexpected_rows_expectation", "text",
                      "critical", success, None, 0 if success else 1, "{}")
    ]  # fmt: skip


def plan(*paths: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"source_path": list(paths), "problem": [None] * len(paths)}, schema_overrides={"problem": pl.String}
    )


def test_hold_back_quarantines_the_named_files_up_front_and_keeps_other_problems() -> None:
    planned = pl.DataFrame(
        {"source_path": ["a.txt", "b.txt", "c.txt"], "problem": [None, None, "not a regular file: a FIFO"]}
    )
    held = hold_back(planned, {"b.txt": REASON})
    assert held["problem"].to_list() == [None, REASON, "not a regular file: a FIFO"]
    assert hold_back(planned, {}).equals(planned)


class Rounds:
    """A run whose candidate fails the gate while any of `bad` is loaded, and blames them by name."""

    def __init__(self, bad: set[str], explained: bool = True) -> None:
        self.bad, self.explained, self.loaded, self.restarts = bad, explained, [], 0

    def load(self, planned: pl.DataFrame) -> tuple[int, dict[str, int]]:
        self.loaded.append(set(planned.filter(pl.col("problem").is_null())["source_path"]))
        return 2, {"files_loaded": len(self.loaded[-1])}

    def validate(self, run_id: int) -> list[QualityResult]:
        return verdict(not (self.loaded[-1] & self.bad))

    def blame(self, run_id: int, results: list[QualityResult]) -> dict[str, str]:
        return dict.fromkeys(sorted(self.loaded[-1] & self.bad), REASON) if self.explained else {}

    def restart(self) -> None:
        self.restarts += 1

    def audit(self, planned: pl.DataFrame) -> Audit:
        return audit_candidate(planned, self.load, self.validate, self.blame, self.restart, LOGGER)


def test_a_blamed_file_is_held_back_and_the_rest_loaded_again() -> None:
    rounds = Rounds({"bad.txt"})
    audit = rounds.audit(plan("a.txt", "bad.txt", "c.txt"))
    assert rounds.loaded == [{"a.txt", "bad.txt", "c.txt"}, {"a.txt", "c.txt"}]
    assert rounds.restarts == 1
    assert audit.held_back == {"bad.txt": REASON}
    assert [r.success for r in audit.results] == [True]
    assert audit.counts == {"files_loaded": 2}


def test_a_failure_no_file_explains_is_the_verdict_after_one_load() -> None:
    rounds = Rounds({"bad.txt"}, explained=False)
    audit = rounds.audit(plan("a.txt", "bad.txt"))
    assert len(rounds.loaded) == 1 and rounds.restarts == 0
    assert audit.held_back == {}
    assert [r.success for r in audit.results] == [False]


def test_the_rounds_are_bounded() -> None:
    """Each load blames one more file: the audit stops after MAX_ROUNDS loads, still failing."""
    bad = {f"bad_{n}.txt" for n in range(MAX_ROUNDS + 2)}

    class OneAtATime(Rounds):
        def blame(self, run_id: int, results: list[QualityResult]) -> dict[str, str]:
            return {min(self.loaded[-1] & self.bad): REASON}

    rounds = OneAtATime(bad)
    audit = rounds.audit(plan(*sorted(bad)))
    assert len(rounds.loaded) == MAX_ROUNDS
    assert len(audit.held_back) == MAX_ROUNDS - 1
    assert [r.success for r in audit.results] == [False]


def test_name_files_names_the_first_five() -> None:
    held = {f"f{n}.txt": REASON for n in range(7)}
    assert name_files(held) == (
        "7 file(s): "
        + ", ".join(f"f{n}.txt (paragraphs.text_has_no_replacement_character)" for n in range(5))
        + " and 2 more"
    )
