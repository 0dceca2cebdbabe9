"""The real texts tests use: the seed articles, and where the shared third-party corpora live."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED_DATA = REPO.parent / "shared" / "data"

KAZAKH_SEEDS = ("000_6385d62184bc5cf8.txt", "001_df5f3955e2b92ea9.txt")
GERMAN_SEED = "002_5624c743a8f1b911.txt"
RUSSIAN_SEED = "003_9331103ed73a230b.txt"
RUSSIAN_SEEDS = (RUSSIAN_SEED, "004_01c0abb4a0e72e83.txt")


def read_seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")
