"""Run the statements of a `sql/*.sql` file in order, each with the named parameters it uses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
PARAMETER = re.compile(r"\$([a-z_]+)")


def statements(name: str) -> list[str]:
    """The file's statements, split at a `;` that ends a line, without their comment lines."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [chunk.strip() for chunk in re.split(r";\s*$", code, flags=re.MULTILINE) if chunk.strip()]


def run_script(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    for statement in statements(name):
        used = {key: params[key] for key in PARAMETER.findall(statement)}
        con.execute(statement, used)
