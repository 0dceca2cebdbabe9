"""The ingest flow: discover -> decode -> segment -> language -> fingerprint -> stage -> dedup -> publish.

The flow only orchestrates. Every step is a task over a whole batch of files, so a run costs a
handful of tasks per batch however many files and paragraphs it reads. The DuckDB connection is
held for the whole run: DuckDB admits one writing process, and this run is it.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from tasks.decode import decode
from tasks.dedup import dedup
from tasks.discover import KNOWN_SCHEMA, discover
from tasks.fingerprint import fingerprint
from tasks.language import identify_language
from tasks.publish import publish
from tasks.segment import segment
from tasks.stage import stage, stage_deleted
from warehouse.connection import connect
from warehouse.runs import finish_run, start_run
from warehouse.sql_script import run_script
from warehouse.transaction import transaction

KNOWN_FILES = """
SELECT source_path, size_bytes, mtime_ns, content_hash, status
FROM core.source_files
WHERE source_root = ?
"""


@flow(name="ingest")
def ingest_flow(source: Path, db: Path, languages: tuple[str, ...], batch_files: int) -> dict[str, int]:
    """Bring the warehouse at `db` up to date with the articles under `source`; returns the run's counts."""
    logger = get_run_logger()
    root = str(source)
    con = connect(db)
    try:
        run_id = start_run(con, flow_run.id, root)
        try:
            with transaction(con):
                run_script(con, "reset_staging")
            plan, deleted = discover(source, known_files(con, root))
            to_read = plan.filter(pl.col("action") == "read")
            counters: Counter[tuple[str, str]] = Counter()
            read_statuses = [pl.DataFrame(schema={"source_path": pl.String, "status": pl.String})]
            batches = list(to_read.iter_slices(batch_files))
            total_bytes, done_bytes, started = max(to_read["size_bytes"].sum(), 1), 0, time.perf_counter()
            for number, batch in enumerate(batches, start=1):
                outcomes = decode(batch, source)
                loaded = outcomes.filter(pl.col("status") == "loaded")
                paragraphs, headers = segment(loaded)
                paragraphs, document_languages = identify_language(paragraphs, languages)
                paragraphs = fingerprint(paragraphs)
                stage(con, outcomes, paragraphs, headers, document_languages)
                counters.update(count_batch(outcomes, paragraphs))
                read_statuses.append(outcomes.select("source_path", "status"))
                done_bytes += batch["size_bytes"].sum()
                logger.info(
                    "batch %d/%d (%.0f%% of %.1f MB, %.1f MB/s): %d files, %d paragraphs",
                    number, len(batches), 100 * done_bytes / total_bytes, total_bytes / 1e6,
                    done_bytes / 1e6 / (time.perf_counter() - started), len(batch), len(paragraphs),
                )  # fmt: skip
            stage_deleted(con, deleted)
            counters.update({("dedup", key): value for key, value in dedup(con, root).items()})
            file_counts = count_files(plan, pl.concat(read_statuses), deleted)
            counts = publish(con, root, run_id, file_counts, counters)
        except BaseException as exc:
            with transaction(con):
                finish_run(con, run_id, "failed", f"{type(exc).__name__}: {exc}", {}, {})
            raise
    finally:
        con.close()
    return counts | {"run_id": run_id}


def known_files(con: duckdb.DuckDBPyConnection, root: str) -> pl.DataFrame:
    return con.execute(KNOWN_FILES, [root]).pl().cast(KNOWN_SCHEMA)


def count_batch(outcomes: pl.DataFrame, paragraphs: pl.DataFrame) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for status, n in outcomes.group_by("status").len().iter_rows():
        counts["decode", status] += n
    counts["segment", "paragraphs"] += len(paragraphs)
    for language, n in paragraphs.group_by("language").len().iter_rows():
        counts["identify_language", language] += n
    return counts


def count_files(plan: pl.DataFrame, read_statuses: pl.DataFrame, deleted: pl.DataFrame) -> dict[str, int]:
    """Every file seen ends as exactly one of loaded, unchanged or quarantined.

    A file not read, or read and found byte-identical, keeps the status it had: a quarantined file
    stays quarantined until its bytes change.
    """
    final = plan.join(read_statuses, on="source_path", how="left", suffix="_now").select(
        pl.when(pl.col("status_now").is_in(["loaded", "quarantined"]))
        .then(pl.col("status_now"))
        .when(pl.col("status") == "quarantined")
        .then(pl.lit("quarantined"))
        .otherwise(pl.lit("unchanged"))
        .alias("final")
    )
    by_status = dict(final.group_by("final").len().iter_rows())
    return {
        "files_seen": plan.height,
        "files_loaded": by_status.get("loaded", 0),
        "files_unchanged": by_status.get("unchanged", 0),
        "files_quarantined": by_status.get("quarantined", 0),
        "files_deleted": deleted.height,
    }
