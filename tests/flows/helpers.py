"""Run the real ingest flow and read the real warehouse back, for the flow tests."""

from __future__ import annotations

from pathlib import Path

from flows.ingest import ingest_flow
from flows.settings import Settings
from warehouse.connection import connect

# Small batches, so that the seeds alone cross batch boundaries.
TEST_BATCH_FILES = 2
CORE_TABLES = ("source_files", "documents", "paragraphs", "document_paragraphs")
VOLATILE_COLUMNS = {"started_at", "finished_at", "flow_run_id", "applied_at"}
NOT_STATE = {("prepare", "reused")}  # run_steps rows that a resumed run and a clean one may differ in
RUN_COLUMNS = {"run_id", "first_seen_run", "last_changed_run", "loaded_run", "retired_run", "found_run", "changed_run"}


def flow_settings(source: Path, db: Path, **overrides: object) -> Settings:
    """The ingest flow's parameters for the test folder `source` and warehouse `db`: small batches, defaults."""
    return Settings(db=db, source=source.resolve(), batch_files=TEST_BATCH_FILES, **overrides)


def ingest(source: Path, db: Path) -> dict[str, int]:
    return ingest_flow(flow_settings(source, db))


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of the core tables, in a stable order."""
    con = connect(db, read_only=True)
    try:
        return {table: sorted(con.execute(f"SELECT * FROM core.{table}").fetchall(), key=repr) for table in CORE_TABLES}
    finally:
        con.close()


def occurrences_by_path(db: Path) -> list[tuple]:
    """The dedup decisions in terms that do not depend on ids: paths, positions, flags, kept path."""
    return query(
        db,
        """
        SELECT o.source_path, o.position, o.paragraph_id, o.is_repeat_in_document,
               o.is_duplicate_of_earlier_document, k.source_path, o.kept_position
        FROM paragraph_occurrences AS o
        JOIN articles AS k ON k.document_id = o.kept_document_id
        ORDER BY 1, 2
        """,
    )


def warehouse_state(db: Path) -> dict[str, list[tuple]]:
    """Every table of the warehouse, rows sorted; run ids renumbered by the order of the runs that
    changed something, so a warehouse that took kills compares equal to one that did not."""
    con = connect(db, read_only=True)
    try:
        runs = con.execute(
            "SELECT run_id, files_loaded, files_deleted, status FROM core.runs ORDER BY run_id"
        ).fetchall()
        assert all(status == "completed" for *_, status in runs), runs
        changing = [run_id for run_id, loaded, deleted, _ in runs if loaded or deleted]
        renumber = {run_id: n for n, run_id in enumerate(changing, start=1)}
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2").fetchall()
        snapshot = {}
        for schema, table in tables:
            cursor = con.execute(f'SELECT * FROM "{schema}"."{table}"')
            columns = [d[0] for d in cursor.description]
            rows = []
            for row in cursor.fetchall():
                record = dict(zip(columns, row, strict=True))
                if "run_id" in record and record["run_id"] not in renumber:
                    continue  # a run that changed nothing (after a kill that came after its swap)
                if (record.get("step"), record.get("counter")) in NOT_STATE or record.get("counter") == "milliseconds":
                    continue  # how long a step took, and whether an earlier run prepared its batches, is not state
                rows.append(
                    tuple(
                        renumber.get(value, value) if column in RUN_COLUMNS else value
                        for column, value in record.items()
                        if column not in VOLATILE_COLUMNS
                    )
                )
            snapshot[f"{schema}.{table}"] = sorted(rows, key=repr)
        return snapshot
    finally:
        con.close()


def damage_published_text(db: Path, *texts: str) -> None:
    """Write bad paragraph texts into the published warehouse by hand, as no run would: decode
    refuses such input, so this is how the tests give the quality gate something to catch."""
    con = connect(db)
    try:
        ids = [row[0] for row in con.execute("SELECT paragraph_id FROM core.paragraphs ORDER BY 1").fetchall()]
        for paragraph_id, text in zip(ids, texts, strict=False):
            con.execute(
                "UPDATE core.paragraphs SET text = ?, char_count = length(?) WHERE paragraph_id = ?",
                [text, text, paragraph_id],
            )
    finally:
        con.close()
