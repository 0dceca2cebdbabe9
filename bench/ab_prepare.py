"""A/B: the prepare step of an earlier commit against this checkout's, in one process, on the same input.

    .venv/bin/python bench/ab_prepare.py --before 3411eef [--corpus /tmp/newsflow-corpus/100MB] [--files 2000]
        [--rounds 5]

On a shared machine two runs a minute apart differ by more than most changes, so both versions run in
this process, alternating, and each keeps its minimum. The earlier commit's `tasks` and `warehouse` are
extracted with `git archive` into a temporary folder as the packages `before_tasks` and
`before_warehouse` (their imports rewritten), beside this checkout's.

1. Each step of `prepare_batch` on the same input (what this checkout's earlier steps made of the first
   --files files of the corpus, and of every text of ../shared/data): whether both versions give the same
   frames, and the CPU time of each (`time.process_time`, so other processes' load counts less; set
   POLARS_MAX_THREADS=1 to count one core's work).
2. The whole `prepare_batch` on those files: the same frames, and each step's milliseconds of wall time.

Frames whose row order is group_by's or unique's (search terms, prefix keys) are compared sorted.
"""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flows.settings import DEFAULT_FILE_MAX_BYTES, DEFAULT_LANGUAGES, DEFAULT_PARAGRAPH_MAX_CHARS  # noqa: E402
from tasks.discover import KNOWN_SCHEMA, list_files, plan_reads  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
PACKAGES = ("tasks", "warehouse")
IMPORT = re.compile(rf"^(\s*(?:from|import) )({'|'.join(PACKAGES)})\b", re.MULTILINE)
# step -> (module, function)
STEPS = {
    "decode": ("decode", "decode_files"),
    "segment": ("segment", "segment_loaded"),
    "identify_language": ("language", "identify_languages"),
    "fingerprint": ("fingerprint", "fingerprint_paragraphs"),
    "search_terms": ("search_terms", "tokenize_paragraphs"),
    "boilerplate": ("boilerplate", "hint_boilerplate"),
    "credits": ("credits", "find_credits"),
}
UNORDERED = {"term", "prefix_key"}


def extract_before(commit: str, into: Path) -> None:
    """`tasks` and `warehouse` of `commit` as the packages before_tasks and before_warehouse under `into`."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, *PACKAGES], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    for package in PACKAGES:
        (into / package).rename(into / f"before_{package}")
    for path in into.rglob("*.py"):
        path.write_text(IMPORT.sub(r"\1before_\2", path.read_text(encoding="utf-8")), encoding="utf-8")


def same(a: object, b: object) -> bool:
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, pl.DataFrame):
        if UNORDERED & set(a.columns):
            return a.sort(a.columns).equals(b.sort(b.columns))
        return a.equals(b)
    return a == b


def shared_plans() -> dict[str, tuple[pl.DataFrame, Path]]:
    """The plan of every folder of ../shared/data that holds text files (empty when it is absent)."""
    folders = sorted({path.parent for path in SHARED.glob("*/**/*.txt")}) if SHARED.is_dir() else []
    return {
        str(f.relative_to(SHARED)): (plan_reads(list_files(f), pl.DataFrame(schema=KNOWN_SCHEMA))[0], f)
        for f in folders
    }


def step_inputs(plans: dict[str, tuple[pl.DataFrame, Path]]) -> dict[str, dict[str, tuple]]:
    """For every step, per input set, the arguments this checkout's earlier steps give it."""
    prepare = importlib.import_module("tasks.prepare")
    inputs: dict[str, dict[str, tuple]] = {step: {} for step in STEPS}
    for name, (plan, root) in plans.items():
        outcomes = prepare.decode_files(plan, root, DEFAULT_FILE_MAX_BYTES)
        _, paragraphs, _ = prepare.segment_loaded(outcomes, DEFAULT_PARAGRAPH_MAX_CHARS)
        labelled, _, _ = prepare.identify_languages(paragraphs, DEFAULT_LANGUAGES)
        fingerprinted = prepare.fingerprint_paragraphs(labelled)
        hinted = prepare.hint_boilerplate(fingerprinted)
        inputs["decode"][name] = (plan, root, DEFAULT_FILE_MAX_BYTES)
        inputs["segment"][name] = (outcomes, DEFAULT_PARAGRAPH_MAX_CHARS)
        inputs["identify_language"][name] = (paragraphs, DEFAULT_LANGUAGES)
        inputs["fingerprint"][name] = (labelled,)
        inputs["search_terms"][name] = (fingerprinted,)
        inputs["boilerplate"][name] = (fingerprinted,)
        inputs["credits"][name] = (hinted,)
    return inputs


def alternate(runs: dict[str, Callable[[], object]], rounds: int, clock: Callable[[], float]) -> dict[str, float]:
    """The least time each run took, the runs taking turns."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for label, run in runs.items():
            started = clock()
            run()
            best[label] = min(best[label], clock() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="the earlier commit")
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/newsflow-corpus/100MB"))
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        extract_before(args.before, Path(folder))
        sys.path.insert(0, folder)
        modules: dict[str, dict[str, ModuleType]] = {
            side: {module: importlib.import_module(f"{prefix}tasks.{module}") for module, _ in STEPS.values()}
            for side, prefix in (("before", "before_"), ("after", ""))
        }
        prepares = {
            "before": importlib.import_module("before_tasks.prepare"),
            "after": importlib.import_module("tasks.prepare"),
        }
        plan = plan_reads(list_files(args.corpus).head(args.files), pl.DataFrame(schema=KNOWN_SCHEMA))[0]
        inputs = step_inputs({"corpus": (plan, args.corpus), **shared_plans()})

        print(f"1. each step, CPU ms, least of {args.rounds} alternating runs on the corpus's {plan.height} files")
        print(f"{'step':18s} {'before':>8s} {'after':>8s}  same output (corpus, then each ../shared/data set)")
        for step, (module, function) in STEPS.items():
            calls = {side: getattr(modules[side][module], function) for side in modules}
            outputs = [same(calls["before"](*given), calls["after"](*given)) for given in inputs[step].values()]
            given = inputs[step]["corpus"]
            runs = {side: (lambda call=call, given=given: call(*given)) for side, call in calls.items()}
            best = alternate(runs, args.rounds, time.process_time)
            print(
                f"{step:18s} {1000 * best['before']:8.0f} {1000 * best['after']:8.0f}  {all(outputs)} ({len(outputs)})"
            )

        print(f"\n2. prepare_batch, wall ms per step, least of {args.rounds} alternating runs")
        batches = {
            side: (
                lambda p=p: p.prepare_batch(
                    plan,
                    args.corpus,
                    DEFAULT_LANGUAGES,
                    p.BatchLimits(DEFAULT_FILE_MAX_BYTES, DEFAULT_PARAGRAPH_MAX_CHARS),
                )
            )
            for side, p in prepares.items()
        }
        prepared = {side: batch() for side, batch in batches.items()}  # also loads the language models
        frames = {
            side: (
                p.outcomes,
                p.paragraphs,
                p.headers,
                p.document_languages,
                *p.near_signatures,
                *p.search_terms,
                p.credits,
            )
            for side, p in prepared.items()
        }
        print("same frames:", same(frames["before"], frames["after"]))
        milliseconds: dict[str, dict[str, float]] = {side: {} for side in batches}
        cpu = dict.fromkeys(batches, float("inf"))
        for _ in range(args.rounds):
            for side, batch in batches.items():
                started = time.process_time()
                spent = step_milliseconds(batch())
                cpu[side] = min(cpu[side], time.process_time() - started)
                for step, value in spent.items():
                    milliseconds[side][step] = min(milliseconds[side].get(step, float("inf")), value)
        print(f"{'step':18s} {'before':>8s} {'after':>8s}")
        for step in milliseconds["before"]:
            print(f"{step:18s} {milliseconds['before'][step]:8.0f} {milliseconds['after'][step]:8.0f}")
        print(f"{'process CPU':18s} {1000 * cpu['before']:8.0f} {1000 * cpu['after']:8.0f}")


def step_milliseconds(prepared: Any) -> dict[str, float]:
    """Each step's milliseconds, from a prepared batch of either version: StepReports (`steps`, 14.3 on)
    or the older counters (`timings`)."""
    if hasattr(prepared, "steps"):
        return {report.step: report.milliseconds for report in prepared.steps}
    return {step: value for (step, counter), value in prepared.timings.items() if counter == "milliseconds"}


if __name__ == "__main__":
    main()
