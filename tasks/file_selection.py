"""Which files of a source folder are articles: `--include` and `--exclude` glob patterns.

A folder of articles often holds other files too: the `docs.jsonl` or `.csv` it was exported from,
a README. Read as text, each would become one giant fake article. By default only `*.txt` files are
read; the others are skipped, counted and named in the run's summary, never quarantined (they are
not broken articles, they are not articles). Kept apart from discovery (tasks/discover.py) and free
of Polars, because the settings (flows/settings.py) check the patterns before anything loads.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_INCLUDE = ("*.txt",)


@dataclass(frozen=True)
class FileSelection:
    """A file is read when its name matches an `include` pattern and no `exclude` pattern.

    A pattern without `/` matches the file's name, one with `/` its path below the source folder
    (`2024/*/*.txt`); `*` matches `/` too, as in fnmatch. Case is ignored: `*.txt` matches `A.TXT`.
    """

    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()

    def selects(self, source_path: str) -> bool:
        return compiled(self.include)(source_path) and not compiled(self.exclude)(source_path)

    def why_skipped(self, source_path: str) -> str:
        """The reason a file this selection does not select was skipped."""
        excluded = [pattern for pattern in self.exclude if matches(pattern, source_path)]
        if excluded:
            return f"matched by --exclude {excluded[0]!r}"
        return f"not matched by --include {' '.join(repr(pattern) for pattern in self.include)}"


EVERY_FILE = FileSelection(include=("*",))


def matches(pattern: str, source_path: str) -> bool:
    return compiled((pattern,))(source_path)


# One regex per pattern list, compiled once: a run with nothing new lists every file. For 237,000
# names, fnmatch pattern by pattern took 1.4 s here, this 0.6-0.8 s.
@functools.cache
def compiled(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a path matches any of `patterns`: those with a `/` against it, the rest against its name."""
    by_path = [fnmatch.translate(pattern) for pattern in patterns if "/" in pattern]
    by_name = [fnmatch.translate(pattern) for pattern in patterns if "/" not in pattern]
    path_regex = re.compile("|".join(by_path), re.IGNORECASE) if by_path else None
    name_regex = re.compile("|".join(by_name), re.IGNORECASE) if by_name else None

    def match(source_path: str) -> bool:
        if name_regex is not None and name_regex.match(source_path[source_path.rfind("/") + 1 :]):
            return True
        return path_regex is not None and path_regex.match(source_path) is not None

    return match


def parse_patterns(value: str) -> tuple[str, ...]:
    """Patterns from a comma-separated setting (NEWSFLOW_INCLUDE, NEWSFLOW_EXCLUDE)."""
    return tuple(pattern.strip() for pattern in value.split(",") if pattern.strip())
