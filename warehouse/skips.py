"""The runs that found nothing new, kept beside the warehouse (`<db>.skips.jsonl`), not in it.

A skip must not rewrite the warehouse: the published file stays byte for byte as it was validated,
and copying it to add one `runs` row would cost a copy of the whole file per scheduled check. So a
skip is one JSON line in this log instead, which `newsflow status` reads. The log keeps the last
`KEPT` skips; a run that loads something is in `runs` as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KEPT = 100


def skips_path(db: Path) -> Path:
    return db.with_name(f"{db.name}.skips.jsonl")


def record_skip(db: Path, skip: dict[str, Any]) -> None:
    """Append `skip` to the log, keeping the last KEPT; written whole and renamed, so a reader never
    sees half of it."""
    path = skips_path(db)
    kept = [*recent_skips(db, KEPT - 1), skip]
    partial = path.with_name(f"{path.name}.partial")
    partial.write_text("".join(json.dumps(s, ensure_ascii=False, default=str) + "\n" for s in kept), encoding="utf-8")
    partial.replace(path)


def recent_skips(db: Path, limit: int = KEPT) -> list[dict[str, Any]]:
    """The last `limit` skips, oldest first ([] if none, or the log is unreadable)."""
    try:
        lines = skips_path(db).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    skips = []
    for line in lines[-limit:] if limit else []:
        try:
            skips.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a crash of an older writer: the rest still counts
    return skips
