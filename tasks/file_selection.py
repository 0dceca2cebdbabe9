"""Which files of a source folder are articles: `--include` and `--exclude` glob patterns.

A folder of articles often holds other files too: the `docs.jsonl` or `.csv` it was exported from,
a README. Read as text, each would become one giant fake article. By default only `*.txt` files are
read; the others are skipped, counted and named in the run's summary, never quarantined (they are
not broken articles, they are not articles). Kept apart from discovery (tasks/discover.py) and free
of Polars, because the settings (flows/settings.py) check the patterns before anything loads.
"""

from __future__ import annotations

import fnmatch
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
        return any(matches(pattern, source_path) for pattern in self.include) and not any(
            matches(pattern, source_path) for pattern in self.exclude
        )

    def why_skipped(self, source_path: str) -> str:
        """The reason a file this selection does not select was skipped."""
        excluded = [pattern for pattern in self.exclude if matches(pattern, source_path)]
        if excluded:
            return f"matched by --exclude {excluded[0]!r}"
        return f"not matched by --include {' '.join(repr(pattern) for pattern in self.include)}"


EVERY_FILE = FileSelection(include=("*",))


def matches(pattern: str, source_path: str) -> bool:
    subject = source_path if "/" in pattern else source_path.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(subject.lower(), pattern.lower())


def parse_patterns(value: str) -> tuple[str, ...]:
    """Patterns from a comma-separated setting (NEWSFLOW_INCLUDE, NEWSFLOW_EXCLUDE)."""
    return tuple(pattern.strip() for pattern in value.split(",") if pattern.strip())
