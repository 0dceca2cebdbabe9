"""Ctrl-C and SIGTERM stop a run cleanly, wherever it is, and say where it was.

The first SIGINT or SIGTERM raises `RunCancelled` in the main thread and is remembered with the step
the run was in. Libraries may turn that exception into their own on the way out (DuckDB raises
"Query interrupted", Great Expectations wraps it), so whoever cleans up asks `cancellation()`
rather than trusting the exception it caught. Later signals are ignored until the command ends:
cleaning up (discarding the candidate, recording the run) must not itself be cut short.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class RunCancelled(BaseException):
    """A signal asked the run to stop. A BaseException, so no `except Exception` swallows it."""

    def __init__(self, signum: int, step: str) -> None:
        super().__init__(signum, step)
        self.signum = signum
        self.step = step

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # what a shell reports for a process the signal ended

    def __str__(self) -> str:
        return f"cancelled by {signal.Signals(self.signum).name} during {self.step}"


class _Cancellation:
    """The process's one run: the step it is in, and the signal that stopped it, if any."""

    def __init__(self) -> None:
        self.step = "startup"
        self.signum: int | None = None
        self.deferred = False

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None:
            return  # already stopping
        self.signum = signum
        # What was running reports its interruption as an error: the run's one line says it better.
        logging.disable(logging.CRITICAL)
        if not self.deferred:
            raise RunCancelled(signum, self.step)


_run = _Cancellation()


@contextlib.contextmanager
def signals_cancel() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise `RunCancelled` (main thread only)."""
    try:
        previous = {signum: signal.signal(signum, _run.on_signal) for signum in SIGNALS}
    except ValueError:  # not the main thread: signals are not ours to handle
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Within the block, a signal is remembered and raised when the block ends. For imports: one cut
    short leaves half-initialized modules behind (asyncio's, for one), and the cleanup that imports
    them again fails with a NameError instead of recording the cancelled run."""
    _run.deferred = True
    try:
        yield
    finally:
        _run.deferred = False
    if _run.signum is not None:
        raise RunCancelled(_run.signum, _run.step)


def cancellation() -> RunCancelled | None:
    """The signal that stopped the run, with the step it stopped, or None."""
    return None if _run.signum is None else RunCancelled(_run.signum, _run.step)


def current_step() -> str:
    """The step the run is in now, as the last `now_in` named it."""
    return _run.step


def now_in(step: str) -> None:
    """Name the step the run is in, for the reason a signal gives. A signal that a library swallowed
    in the step before is raised here, so the run stops at the next step at the latest."""
    if (cancelled := cancellation()) is not None:
        raise cancelled
    _run.step = step
