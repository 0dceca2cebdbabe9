"""What a run shows the person watching it: on a terminal, a live progress bar (files and MB read,
MB/s, ETA, the step the run is in); anywhere else nothing here, and the flow's one log line per batch.

The flow reports to whichever `RunProgress` the command installed (`reporting`); a deployment's run,
or a test's, reports to the default, which shows nothing. The bar reads the step from flows/cancel.py,
where every step announces itself, so the flow names each step once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task
from rich.text import Text

from flows.cancel import current_step


class RunProgress:
    """Where a run reports how far it got; this one shows nothing."""

    def reading(self, files: int, size_bytes: int) -> None:
        """The run is about to read `files` files of `size_bytes` bytes in all."""

    def read(self, files: int, size_bytes: int) -> None:
        """A batch of `files` files of `size_bytes` bytes is staged."""


# Prefect's override of the level of its `console` log handler (logging.yml), read when Prefect loads.
PREFECT_CONSOLE_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"

_current = RunProgress()


def run_progress() -> RunProgress:
    """Where the run in this process reports its progress."""
    return _current


class StepColumn(ProgressColumn):
    """The step the run is in now (startup, discover, read, ..., publish)."""

    def render(self, task: Task) -> Text:
        return Text(f"{current_step():<10}", style="cyan")


class FilesColumn(ProgressColumn):
    """Files and megabytes read of those to read, how fast, and how long until all are read."""

    def render(self, task: Task) -> Text:
        files = task.fields.get("files")
        if files is None:  # not reading yet: starting, or finding what changed
            return Text("")
        speed = task.finished_speed or task.speed
        left = task.time_remaining
        return Text.assemble(
            f"{task.fields['files_done']:,}/{files:,} files  ",
            (f"{task.completed / 1e6:,.1f}/{(task.total or 0) / 1e6:,.1f} MB  ", "green"),
            (f"{speed / 1e6:.1f} MB/s  " if speed else "- MB/s  ", "red"),
            ("ETA " + ("-:--" if left is None else f"{int(left) // 60}:{int(left) % 60:02d}"), "cyan"),
        )


class TerminalProgress(RunProgress):
    """A rich progress bar on `console` (a terminal), drawn below what else the run prints."""

    def __init__(self, console: Console) -> None:
        self.bar = Progress(StepColumn(), BarColumn(), FilesColumn(), console=console, transient=True)
        self.task = self.bar.add_task("run", total=None, files=None, files_done=0)

    def reading(self, files: int, size_bytes: int) -> None:
        # A second load (the quality gate held files back) reads again from the start.
        self.bar.reset(self.task, total=max(size_bytes, 1), files=files, files_done=0)

    def read(self, files: int, size_bytes: int) -> None:
        done = self.bar.tasks[0].fields["files_done"] + files
        self.bar.update(self.task, advance=size_bytes, files_done=done)


@contextlib.contextmanager
def reporting(console: Console) -> Iterator[None]:
    """On a terminal, show the run's progress bar for the block; elsewhere change nothing.

    Prefect is imported inside the block (it costs seconds the bar already counts), so its console
    log writes to the stderr the bar redirects, above the bar; and only from warnings up, because
    the bar says what the per-batch lines would. Its log still goes, in full, to the Prefect API."""
    global _current
    if not console.is_terminal:
        yield
        return
    shown = TerminalProgress(console)
    ours = PREFECT_CONSOLE_LEVEL not in os.environ
    os.environ.setdefault(PREFECT_CONSOLE_LEVEL, "WARNING")
    _current = shown
    try:
        with shown.bar:
            yield
    finally:
        _current = RunProgress()
        if ours:
            os.environ.pop(PREFECT_CONSOLE_LEVEL, None)
