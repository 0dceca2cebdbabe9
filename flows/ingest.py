"""The ingest flow:

    discover -> prepare (decode -> segment -> language -> fingerprint) -> stage -> dedup -> merge
             -> index_search -> validate -> publish -> report

The flow only orchestrates. Every step is a task over a whole batch of files, so a run costs two
tasks per batch however many files and paragraphs it reads. Batches are prepared side by side on
the flow's task runner (threads, or a Dask cluster) and staged in order as they finish. The run writes a private
candidate copy of the warehouse (warehouse/snapshot.py), validates it, and publishes it with one
atomic rename only if every critical expectation passes; readers never wait for it.
"""

import time
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.states import Failed, State

from expectations.config import QualityConfig, data_docs_index
from flows.settings import DEFAULT_FILE_MAX_BYTES, DEFAULT_KEEP_PREVIOUS, DEFAULT_MEMORY_LIMIT
from tasks.dedup import dedup
from tasks.discover import NOTHING_READ, count_files, find_changes, has_work, plan_batches
from tasks.index_search import index_search
from tasks.merge import merge
from tasks.prepare import BatchLimits, PreparedBatch, prepare, timed
from tasks.publish import publish, record_failure
from tasks.report import report
from tasks.stage import stage, stage_deleted
from tasks.validate import validate
from warehouse.connection import connect, verify_every_block
from warehouse.lock import WriterLock
from warehouse.runs import start_run
from warehouse.snapshot import discard, open_candidate
from warehouse.sql_script import run_script

# A batch holds at most this many bytes of files (and NEWSFLOW_BATCH_FILES files): memory stays
# bounded by the batch, not by the folder.
BATCH_MAX_BYTES = 64 * 2**20
# Batches prepared ahead of the one being staged: enough to keep two cores (or a cluster's workers)
# busy, few enough that memory holds only this many batches.
BATCHES_IN_FLIGHT = 3

discover = task(name="discover", cache_policy=NO_CACHE)(find_changes)


@flow(name="ingest")
def ingest_flow(
    source: Path,
    db: Path,
    languages: tuple[str, ...],
    batch_files: int,
    paragraph_max_chars: int = QualityConfig.paragraph_max_chars,
    file_max_bytes: int = DEFAULT_FILE_MAX_BYTES,
    wait: bool = False,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    keep_previous: int = DEFAULT_KEEP_PREVIOUS,
) -> dict[str, int] | State:
    """Bring the warehouse at `db` up to date with the articles under `source`.

    Returns the run's counts, or a Failed state naming the critical expectations that failed. A
    folder with nothing new to read or delete is skipped: the counts say `skipped`, and the
    warehouse file is not touched (it was validated when it was published).
    """
    root = str(source)
    started_at = datetime.now(UTC)
    with WriterLock(db, wait=wait):
        plan, deleted = discover(source, db)
        if not has_work(plan, deleted):
            return count_files(plan, NOTHING_READ, deleted) | {"skipped": 1}
        if db.exists():  # a damaged file is refused whole, never copied into a candidate and published
            verify_every_block(db)
        candidate = open_candidate(db)
        try:
            limits = BatchLimits(file_max_bytes, paragraph_max_chars)
            timings: Counter[tuple[str, str]] = Counter()  # steps that end after merge recorded the counters
            run_id, counts = load_candidate(
                candidate, plan, deleted, source, languages, batch_files, limits, memory_limit, timings
            )
            config = QualityConfig(languages=languages, paragraph_max_chars=paragraph_max_chars)
            with timed(timings, "validate"):
                results = validate(candidate, run_id, config, data_docs_index(db).parent)
            failure = publish(db, candidate, run_id, results, timings, keep_previous)
        except BaseException as exc:
            record_failure(db, flow_run.id, root, started_at, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            discard(candidate)
    report(run_id, counts, results, failure)
    if failure:
        return Failed(message=failure)
    return counts | {"run_id": run_id}


def load_candidate(
    candidate: Path,
    plan: pl.DataFrame,
    deleted: pl.DataFrame,
    source: Path,
    languages: tuple[str, ...],
    batch_files: int,
    limits: BatchLimits,
    memory_limit: str,
    timings: Counter[tuple[str, str]],
) -> tuple[int, dict[str, int]]:
    """Stage every new or changed file, decide the duplicates and merge it all into the candidate."""
    logger = get_run_logger()
    root = str(source)
    con = connect(candidate, memory_limit=memory_limit)
    try:
        run_id = start_run(con, flow_run.id, root)
        run_script(con, "staging")
        to_read = plan.filter(pl.col("action") == "read")
        counters: Counter[tuple[str, str]] = Counter()
        read_statuses = [NOTHING_READ]
        batches = deque(plan_batches(to_read, batch_files, BATCH_MAX_BYTES))
        total_bytes, done_bytes, started = max(to_read["size_bytes"].sum(), 1), 0, time.perf_counter()
        in_flight: deque[PrefectFuture[PreparedBatch]] = deque()
        for number in range(1, len(batches) + 1):
            # Keep a few batches ahead of staging: the runner stays busy and memory stays bounded.
            while batches and len(in_flight) < BATCHES_IN_FLIGHT:
                in_flight.append(prepare.submit(batches.popleft(), source, languages, limits))
            prepared = in_flight.popleft().result()
            with timed(counters, "stage"):
                stage(con, prepared.outcomes, prepared.paragraphs, prepared.headers, prepared.document_languages)
            counters.update(count_batch(prepared))
            read_statuses.append(prepared.outcomes.select("source_path", "status"))
            done_bytes += prepared.outcomes["size_bytes"].fill_null(0).sum()
            logger.info(
                "batch %d (%.0f%% of %.1f MB, %.1f MB/s): %d files, %d paragraphs",
                number, 100 * done_bytes / total_bytes, total_bytes / 1e6,
                done_bytes / 1e6 / (time.perf_counter() - started), prepared.outcomes.height,
                prepared.paragraphs.height,
            )  # fmt: skip
        stage_deleted(con, deleted)
        with timed(counters, "dedup"):
            counters.update({("dedup", key): value for key, value in dedup(con, root).items()})
        file_counts = count_files(plan, pl.concat(read_statuses), deleted)
        with timed(timings, "merge"):
            counts = merge(con, root, run_id, file_counts, counters)
        with timed(timings, "index_search"):
            timings["index_search", "paragraphs"] = index_search(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return run_id, counts


def count_batch(prepared: PreparedBatch) -> Counter[tuple[str, str]]:
    outcomes, paragraphs = prepared.outcomes, prepared.paragraphs
    counts: Counter[tuple[str, str]] = Counter(prepared.timings)
    for status, n in outcomes.group_by("status").len().iter_rows():
        counts["decode", status] += n
    loaded = outcomes.filter(pl.col("status") == "loaded")
    for encoding, n in loaded.group_by("encoding").len().iter_rows():
        counts["decode", f"encoding {encoding}"] += n
    counts["decode", "repaired"] += loaded["repairs"].is_not_null().sum()
    counts["segment", "paragraphs"] += len(paragraphs)
    for language, n in paragraphs.group_by("language").len().iter_rows():
        counts["identify_language", language] += n
    return counts
