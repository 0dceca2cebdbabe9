"""The one place that chooses where newsflow reads and writes, from flags, then environment, then defaults."""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tasks.file_selection import DEFAULT_INCLUDE, FileSelection, parse_patterns
from tasks.near_config import NearDupConfig

# The garbage collector's thresholds of the newsflow process (flows/cli.py) and of its embedded Prefect
# server (flows/prefect_server.py): collections less often than Python's default (700 new objects), because
# importing Prefect, Polars and Great Expectations makes hundreds of thousands of objects that live as long
# as the process, and each full collection walks them all (bench/README.md, "Startup").
GC_THRESHOLDS = (50_000, 20, 100)

DEFAULT_DB = Path("warehouse") / "newsflow.duckdb"
DEFAULT_SOURCE = Path("seeds")
DEFAULT_LANGUAGES = ("de", "en", "es", "fr", "kk", "ru")
# 1,000-file batches were faster at 100 MB (one run each) but at 1 GB slower (292 s against 273 s)
# and 400 MB larger at their peak (bench/README.md). Memory is bounded by bytes too (BATCH_MAX_BYTES).
DEFAULT_BATCH_FILES = 500
DEFAULT_PARAGRAPH_MAX_CHARS = 50_000
# An article is kilobytes; a file this big is a dump or a mistake, and is quarantined unread.
DEFAULT_FILE_MAX_BYTES = 32 * 2**20
# DuckDB's own default is 80% of the machine's memory; the run's joins, windows and full-text
# indexing spill to disk beyond this instead (bench/README.md: peak RSS at 1 GB of articles).
DEFAULT_MEMORY_LIMIT = "1GB"
FLAG_VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False, "": False}
# Published versions kept beside the warehouse for `newsflow rollback` (`<db>.previous`, `.previous.2`, ...).
# Each is a hard link to a file the publish replaced, so it costs no copy, but it does hold that
# file's disk space.
DEFAULT_KEEP_PREVIOUS = 1
MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


# Prefect and Great Expectations phone home unless told not to; newsflow never touches the network.
OFFLINE_ENVIRONMENT = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    # A fresh PREFECT_HOME can take longer than the default 20 s to start the embedded server.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def apply_offline_environment() -> None:
    """Set the offline defaults (before Prefect is imported); values the user set win."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)


class SettingsError(ValueError):
    """A setting has a value newsflow cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    """The one parameters object: `newsflow run` and `newsflow serve` build it (`load`), and the ingest
    flow takes it, as itself or, from a deployment, as the JSON of `as_parameters`."""

    db: Path
    source: Path
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    batch_files: int = DEFAULT_BATCH_FILES
    paragraph_max_chars: int = DEFAULT_PARAGRAPH_MAX_CHARS
    file_max_bytes: int = DEFAULT_FILE_MAX_BYTES
    memory_limit: str = DEFAULT_MEMORY_LIMIT  # of DuckDB while a run writes
    dask_address: str | None = None  # flows/task_runner.py
    follow_symlinks_outside: bool = False  # tasks/discover.py: symlinks out of the source folder
    keep_previous: int = DEFAULT_KEEP_PREVIOUS
    near: NearDupConfig = field(default_factory=NearDupConfig)  # near-duplicate thresholds
    selection: FileSelection = field(default_factory=FileSelection)  # which files are articles
    audit_all: bool = False  # the gate audits every row, not only those the run changed
    wait: bool = False  # queue behind a run that is writing, instead of failing (--wait)

    @classmethod
    def load(
        cls,
        db: Path | None = None,
        source: Path | None = None,
        include: list[str] | None = None,
        exclude: list[str] | None = None,
        wait: bool = False,
    ) -> Settings:
        """The settings from the flags given (None: not given), then the environment, then the defaults."""
        env = os.environ
        languages = tuple(
            code.strip().lower() for code in env.get("NEWSFLOW_LANGUAGES", ",".join(DEFAULT_LANGUAGES)).split(",")
        )
        return cls(
            db=(db or Path(env.get("NEWSFLOW_DB", DEFAULT_DB))).expanduser().resolve(),
            source=(source or Path(env.get("NEWSFLOW_SOURCE", DEFAULT_SOURCE))).expanduser().resolve(),
            languages=tuple(code for code in languages if code),
            batch_files=_positive(env, "NEWSFLOW_BATCH_FILES", DEFAULT_BATCH_FILES),
            paragraph_max_chars=_positive(env, "NEWSFLOW_PARAGRAPH_MAX_CHARS", DEFAULT_PARAGRAPH_MAX_CHARS),
            file_max_bytes=_positive(env, "NEWSFLOW_FILE_MAX_BYTES", DEFAULT_FILE_MAX_BYTES),
            memory_limit=_memory_limit(env),
            dask_address=env.get("NEWSFLOW_DASK_ADDRESS") or None,
            follow_symlinks_outside=_flag(env, "NEWSFLOW_FOLLOW_SYMLINKS_OUTSIDE"),
            keep_previous=_count(env, "NEWSFLOW_KEEP_PREVIOUS", DEFAULT_KEEP_PREVIOUS),
            near=NearDupConfig(
                min_words=_positive(env, "NEWSFLOW_NEAR_MIN_WORDS", NearDupConfig.min_words),
                jaccard=_share(env, "NEWSFLOW_NEAR_JACCARD", NearDupConfig.jaccard),
                containment=_share(env, "NEWSFLOW_NEAR_CONTAINMENT", NearDupConfig.containment),
            ),
            selection=FileSelection(
                include=_patterns(include, env, "NEWSFLOW_INCLUDE", ",".join(DEFAULT_INCLUDE), "--include"),
                exclude=_patterns(exclude, env, "NEWSFLOW_EXCLUDE", "", "--exclude"),
            ),
            audit_all=_flag(env, "NEWSFLOW_AUDIT_ALL"),
            wait=wait,
        )

    def as_parameters(self) -> dict[str, Any]:
        """The settings as a deployment's JSON parameters; Prefect validates them back into Settings."""
        return asdict(self) | {"db": str(self.db), "source": str(self.source), "languages": list(self.languages)}


def _patterns(given: list[str] | None, env: os._Environ[str], name: str, default: str, flag: str) -> tuple[str, ...]:
    if given:  # typer passes [] for a repeatable option not given
        patterns = tuple(pattern for pattern in given if pattern.strip())
        if len(patterns) < len(given):
            raise SettingsError(f"{flag} '': give a glob pattern, e.g. {flag} '*.txt'")
        return patterns
    patterns = parse_patterns(env.get(name, default))
    if name == "NEWSFLOW_INCLUDE" and not patterns:
        raise SettingsError(f"{name}={env[name]!r}: give glob patterns separated by commas, e.g. '*.txt,*.md'")
    return patterns


def _positive(env: os._Environ[str], name: str, default: int) -> int:
    value = env.get(name, str(default))
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"{name}={value!r}: use a whole number, at least 1")
    return int(value)


def _flag(env: os._Environ[str], name: str) -> bool:
    value = env.get(name, "0").strip().lower()
    if value not in FLAG_VALUES:
        raise SettingsError(f"{name}={value!r}: use 1 (yes) or 0 (no)")
    return FLAG_VALUES[value]


def _count(env: os._Environ[str], name: str, default: int) -> int:
    value = env.get(name, str(default))
    if not value.isdigit():
        raise SettingsError(f"{name}={value!r}: use a whole number, 0 or more")
    return int(value)


def _share(env: os._Environ[str], name: str, default: float) -> float:
    value = env.get(name, str(default))
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0 < share <= 1:
        raise SettingsError(f"{name}={value!r}: use a number above 0 and at most 1, e.g. {default}")
    return share


def _memory_limit(env: os._Environ[str]) -> str:
    value = env.get("NEWSFLOW_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT).strip()
    if not MEMORY_LIMIT.fullmatch(value):
        raise SettingsError(f"NEWSFLOW_MEMORY_LIMIT={value!r}: use a size such as 1GB or 512MB")
    return value
