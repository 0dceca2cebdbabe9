"""What discovery asks the published warehouse: the files it already knows under a source folder."""

from __future__ import annotations

import duckdb
import polars as pl

KNOWN_FILES = """
SELECT source_path, size_bytes, mtime_ns, content_hash, status
FROM core.source_files
WHERE source_root = ?
"""


def known_files(con: duckdb.DuckDBPyConnection, source_root: str) -> pl.DataFrame:
    """source_path, size_bytes, mtime_ns, content_hash and status of every file seen under `source_root`."""
    return con.execute(KNOWN_FILES, [source_root]).pl()
