"""The files to blame for rows that fail a quality check (expectations/culprits.py).

A run's own rows are the document versions it loaded and their occurrences. Rows published before
the run passed the gate then, so only files loaded by the run are named.
"""

from __future__ import annotations

import duckdb

# The files loaded by run $run_id whose current document holds an offending row of `{offending}`,
# by the column that names the row's document or paragraph.
FILES_HOLDING = {
    "document_id": """
        SELECT source_path FROM core.documents
        WHERE is_current AND loaded_run = $run_id
          AND document_id IN (SELECT document_id FROM ({offending}))
    """,
    "paragraph_id": """
        SELECT DISTINCT d.source_path
        FROM core.documents AS d JOIN core.document_paragraphs AS o ON o.document_id = d.document_id
        WHERE d.is_current AND d.loaded_run = $run_id
          AND o.paragraph_id IN (SELECT paragraph_id FROM ({offending}))
    """,
}


def files_holding(con: duckdb.DuckDBPyConnection, run_id: int, column: str, offending: str) -> list[str]:
    """The source paths of run `run_id` whose current documents hold the rows of the query `offending`
    (a check's own query, trusted SQL from warehouse/quality.py), matched on `column`."""
    return [
        path
        for (path,) in con.execute(FILES_HOLDING[column].format(offending=offending), {"run_id": run_id}).fetchall()
    ]
