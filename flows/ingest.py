"""The ingest flow:

    discover -> prepare (decode -> segment -> language -> fingerprint -> near signature) -> stage -> dedup
             -> merge -> near_dedup -> index_search -> validate (-> hold back the files that fail it, load again)
             -> publish -> report

The flow only orchestrates. Every step is a task over a whole batch of files, so a run costs two
tasks per batch however many files and paragraphs it reads. Batches are prepared side by side on
the flow's task runner (threads, or a Dask cluster), each into a folder of Parquet files beside the
warehouse (tasks/batch_files.py), and staged in order as they finish; a batch whose folder an
earlier, stopped run left is staged without preparing it again. Each step reports what it counted
(tasks/steps.py), and run_steps records the reports. The run writes a private
candidate copy of the warehouse (warehouse/snapshot.py), validates it, and publishes it with one
atomic rename only if every critical expectation passes; readers never wait for it. Files whose rows
fail a critical expectation are quarantined and the rest loaded and validated again (tasks/audit.py).
A run that an error or a signal (flows/cancel.py) stops before its verdict discards its candidate
first, then records itself as failed or cancelled, with the reason, the step and the counts it had reached.
A run that ends by itself removes its prepared batches; one stopped by a signal (or killed) leaves them
for the next run to resume from.
"""

import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.states import Cancelled, Failed, State

from expectations.config import QualityConfig, data_docs_index
from expectations.results import QualityResult
from flows.cancel import cancellation, current_step, now_in, signals_cancel
from flows.progress import run_progress
from flows.settings import Settings
from flows.unchanged import SKIP_TAG, note_skip
from tasks.audit import Audit, audit_candidate, blame
from tasks.batch_files import batches_folder, discard_batches, is_prepared
from tasks.dedup import dedup
from tasks.discover import NOTHING_READ, count_files, find_changes, has_work, plan_batches
from tasks.fingerprint import NORMALIZATION_VERSION
from tasks.index_search import index_search
from tasks.merge import merge
from tasks.near_dedup import near_dedup
from tasks.prepare import BatchLimits, batch_folder, prepare, read_prepared
from tasks.publish import publish, published_run, record_early_end
from tasks.report import report
from tasks.stage import stage
from tasks.steps import StepReport, add_up, counted, milliseconds_since
from tasks.validate import validate
from warehouse.audit_scope import mark_audit_scope
from warehouse.connection import CorruptWarehouseError, WarehouseError, checkpoint, connect, verify_every_block
from warehouse.lock import WriterLock
from warehouse.meta import require_version
from warehouse.runs import start_run
from warehouse.snapshot import candidate_path, discard, open_candidate
from warehouse.space import no_space_reason, out_of_space
from warehouse.sql_script import run_script
from warehouse.stage import STAGED_PER_COMMIT, stage_deleted
from warehouse.transaction import transaction_every

# A batch holds at most this many bytes of files (and NEWSFLOW_BATCH_FILES files): memory stays
# bounded by the batch, not by the folder.
BATCH_MAX_BYTES = 64 * 2**20
# Batches prepared ahead of the one being staged: enough to keep two cores (or a cluster's workers)
# busy, few enough that memory holds only this many batches.
BATCHES_IN_FLIGHT = 3

discover = task(name="discover", cache_policy=NO_CACHE)(find_changes)


@flow(name="ingest")
def ingest_flow(settings: Settings) -> dict[str, int] | State:
    """Bring the warehouse at `settings.db` up to date with the articles under `settings.source`.

    Returns the run's counts, a Failed state naming the critical expectations that failed, or a
    Cancelled state naming the signal and the step it stopped. A folder with nothing new to read or
    delete is skipped: the counts say `skipped`, and the warehouse file is not touched (it was
    validated when it was published). The gate audits the rows the run changed, or every row with
    `settings.audit_all` (warehouse/sql/audit_scope.sql).
    """
    root = str(settings.source)
    started_at = datetime.now(UTC)
    # The counts as far as the run got, recorded if it stops early; merge makes them complete.
    progress: dict[str, int] = {}
    # Under `newsflow run` the command holds the lock already; a deployment's run takes it here.
    with signals_cancel(), WriterLock(settings.db, wait=settings.wait):
        candidate = candidate_path(settings.db)
        try:
            now_in("discover")
            discovered = time.perf_counter()
            plan, deleted, skipped = discover(
                settings.source, settings.db, settings.follow_symlinks_outside, settings.selection
            )
            if skipped:
                get_run_logger().info("skipped %d file(s) (%s), e.g. %s", len(skipped),
                                      settings.selection.why_skipped(skipped[0]), skipped[0])  # fmt: skip
            if not has_work(plan, deleted):
                counts = count_files(plan, NOTHING_READ, deleted)
                discard_batches(settings.db)  # left by a run killed after it published: nothing is left to read
                mark_skipped(settings, counts, (datetime.now(UTC) - started_at).total_seconds())
                return counts | {"skipped": 1}
            now_in("open")
            if settings.db.exists():  # a damaged file is refused whole, never copied into a candidate and published
                verify_every_block(settings.db)
            candidate = open_candidate(settings.db)
            limits = BatchLimits(settings.file_max_bytes, settings.paragraph_max_chars, settings.near)
            # The reports of the steps after merge (and discover's): publish records them.
            after_merge = [
                StepReport(
                    "discover", total=plan.height + len(skipped), kept=plan.height,
                    dropped={"not_selected": len(skipped)}, milliseconds=milliseconds_since(discovered),
                )
            ]  # fmt: skip
            config = QualityConfig(
                languages=settings.languages,
                paragraph_max_chars=settings.paragraph_max_chars,
                audit_all=settings.audit_all,
                memory_limit=settings.memory_limit,
            )

            def load(planned: pl.DataFrame) -> tuple[int, dict[str, int]]:
                return load_candidate(
                    candidate, planned, deleted, settings.source, settings.languages, settings.batch_files, limits,
                    settings.memory_limit, batches_folder(settings.db), after_merge, progress, settings.audit_all,
                )  # fmt: skip

            audit = audit_run(settings.db, candidate, plan, load, config, after_merge)
            run_id, counts, results = audit.run_id, audit.counts, audit.results
            now_in("publish")
            get_run_logger().info("publishing run %d", run_id)
            failure = publish(
                settings.db, candidate, run_id, results, after_merge, audit.held_back, settings.keep_previous
            )
            discard_batches(settings.db)  # published, or recorded as failed: nothing to resume
            now_in("report")
        except BaseException as exc:
            discard(candidate)  # first: on a full disk, recording the run needs the room it took
            return end_early(settings.db, root, started_at, progress, exc, settings.memory_limit)
        finally:
            discard(candidate)
    report(settings.db, run_id, counts, results, failure, audit.held_back)
    if failure:
        return Failed(message=failure)
    return counts | {"run_id": run_id}


def mark_skipped(settings: Settings, counts: dict[str, int], elapsed: float) -> None:
    """Tag this flow run `skip` in Prefect and log it beside the warehouse, which stays untouched."""
    import httpx
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, tags=[*flow_run.tags, SKIP_TAG])
    except httpx.HTTPError as exc:  # a tag is not worth failing a run that found nothing to do
        get_run_logger().warning("could not tag the flow run %r: %s", SKIP_TAG, exc)
    note_skip(settings, counts, elapsed, str(flow_run.id))


def audit_run(
    db: Path,
    candidate: Path,
    plan: pl.DataFrame,
    load: Callable[[pl.DataFrame], tuple[int, dict[str, int]]],
    config: QualityConfig,
    after_merge: list[StepReport],
) -> Audit:
    """Load and validate the candidate, holding back the files whose rows fail it (tasks/audit.py)."""

    def check(run_id: int) -> list[QualityResult]:
        now_in("validate")
        get_run_logger().info("validating run %d", run_id)
        started = time.perf_counter()
        results = validate(candidate, run_id, config, data_docs_index(db).parent)
        after_merge.append(StepReport("validate", milliseconds=milliseconds_since(started)))
        return results

    audit = audit_candidate(
        plan,
        load,
        check,
        lambda run_id, results: blame(candidate, run_id, config, results),
        lambda: open_candidate(db),
        get_run_logger(),
    )
    if audit.held_back:
        after_merge.append(StepReport("audit", counts={"files_held_back": len(audit.held_back)}))
    return audit


OUT_OF_MEMORY = (
    "DuckDB ran out of its memory in {step} (NEWSFLOW_MEMORY_LIMIT={limit}): {detail}; "
    "raise NEWSFLOW_MEMORY_LIMIT (e.g. to 2GB) and run again"
)


class RunNotRecordedError(RuntimeError):
    """A run stopped early and even its record could not be written (e.g. no room for the copy)."""


def end_early(
    db: Path, root: str, started_at: datetime, progress: dict[str, int], exc: BaseException, memory_limit: str
) -> State:
    """Record a run that a signal or an error stopped before its verdict, and return its final state
    (or raise the error, if it is a bug). The published warehouse holds the run's verdict already if the stop came
    after publish swapped the candidate in; then that verdict stands."""
    cancelled = cancellation()
    if cancelled is None:  # a run stopped by a signal leaves its prepared batches to the next; one that failed, not
        discard_batches(db)
    if isinstance(exc, CorruptWarehouseError):  # nothing is ever written into a damaged published file
        return Failed(message=str(exc))
    published = published_run(db, flow_run.id)
    if published is not None:
        discard_batches(db)
        if cancelled is None:
            raise exc
        run_id, status = published
        return Cancelled(message=f"run {run_id} {cancelled} after it was published ({status}); it stands")
    full = cancelled is None and out_of_space(exc)
    # DuckDB's own advice (SET threads, SET memory_limit) is not the user's to follow in a run: the setting is.
    no_memory = cancelled is None and isinstance(exc, duckdb.OutOfMemoryException)
    if cancelled is not None:
        status, reason = "cancelled", str(cancelled)
    elif no_memory:
        detail = str(exc).splitlines()[0]
        status, reason = "failed", OUT_OF_MEMORY.format(limit=memory_limit, step=current_step(), detail=detail)
    else:
        status, reason = "failed", no_space_reason(exc, db.parent) if full else f"{type(exc).__name__}: {exc}"
    try:
        run_id = record_early_end(db, flow_run.id, root, started_at, status, reason, progress)
    except (WarehouseError, OSError, duckdb.Error) as unrecorded:
        either = "no room to record the run either" if out_of_space(unrecorded) else f"not recorded: {unrecorded}"
        raise RunNotRecordedError(f"{reason}; {either}") from exc
    if cancelled is not None:
        return Cancelled(message=f"run {run_id} {cancelled}; the published warehouse is as it was")
    if full or no_memory or isinstance(exc, WarehouseError):  # the user's to fix, and the reason says how: no traceback
        return Failed(message=reason)
    raise exc


def load_candidate(
    candidate: Path,
    plan: pl.DataFrame,
    deleted: pl.DataFrame,
    source: Path,
    languages: tuple[str, ...],
    batch_files: int,
    limits: BatchLimits,
    memory_limit: str,
    batches: Path,
    after_merge: list[StepReport],
    progress: dict[str, int],
    audit_all: bool = False,
) -> tuple[int, dict[str, int]]:
    """Stage every new or changed file, decide the duplicates and merge it all into the candidate,
    then mark what the gate audits: the rows the run changed, or every row if `audit_all`.

    Batches are prepared into `batches` (tasks/batch_files.py), unless a stopped run (or this run's
    load before the gate held files back) left them there.
    The reports of the steps after merge go to `after_merge`; `progress` follows the run's counts as it
    goes, for the record of a run that stops early.
    """
    logger = get_run_logger()
    root = str(source)
    con = connect(candidate, memory_limit=memory_limit)
    try:
        require_version(con, "normalization_version", str(NORMALIZATION_VERSION), str(candidate.with_suffix("")))
        run_id = start_run(con, flow_run.id, root)
        run_script(con, "staging")
        to_read = plan.filter(pl.col("action") == "read")
        reports: list[StepReport] = []
        read_statuses = [NOTHING_READ]
        # Until a file is read, what becomes of it is unknown: a run stopped midway counts only those read.
        progress.update(count_files(plan.filter(pl.col("action") != "read"), NOTHING_READ, deleted))
        progress["files_seen"], progress["paragraphs_read"] = plan.height, 0
        planned = deque(plan_batches(to_read, batch_files, BATCH_MAX_BYTES))
        batch_count, reused = len(planned), 0
        total_bytes, done_bytes, started = max(to_read["size_bytes"].sum(), 1), 0, time.perf_counter()
        run_progress().reading(to_read.height, to_read["size_bytes"].sum())
        in_flight: deque[tuple[pl.DataFrame, Path, PrefectFuture[Path] | None]] = deque()
        now_in("read")
        with transaction_every(con, STAGED_PER_COMMIT) as batch_staged:
            for number in range(1, batch_count + 1):
                # Keep a few batches ahead of staging: the runner stays busy and memory stays bounded.
                while planned and len(in_flight) < BATCHES_IN_FLIGHT:
                    batch = planned.popleft()
                    folder = batch_folder(batches, batch, source, languages, limits)
                    future = None if is_prepared(folder) else prepare.submit(batch, source, languages, limits, folder)
                    in_flight.append((batch, folder, future))
                batch, folder, future = in_flight.popleft()
                if future is not None:
                    future.result()
                staging = time.perf_counter()
                prepared = read_prepared(folder)
                stage(
                    con, prepared.outcomes, prepared.paragraphs, prepared.headers, prepared.document_languages,
                    prepared.near_signatures, prepared.credits, prepared.search_terms,
                )  # fmt: skip
                batch_staged()
                reports.append(StepReport("stage", milliseconds=milliseconds_since(staging)))
                # A batch prepared before (by a run that was stopped, or by this run's load before the gate held
                # files back) cost this load no time: its counts stand, its times do not.
                reports.extend(
                    prepared.steps if future is not None else [step.without_time() for step in prepared.steps]
                )
                reused += future is None
                statuses = prepared.outcomes.select("source_path", "status")
                read_statuses.append(statuses)
                batch_counts = count_files(batch, statuses, deleted.clear())
                for outcome in ("files_loaded", "files_unchanged", "files_quarantined"):
                    progress[outcome] += batch_counts[outcome]
                progress["paragraphs_read"] += prepared.paragraphs.height
                batch_bytes = prepared.outcomes["size_bytes"].fill_null(0).sum()
                done_bytes += batch_bytes
                run_progress().read(prepared.outcomes.height, batch_bytes)
                logger.info(
                    "batch %d (%.0f%% of %.1f MB, %.1f MB/s): %d files, %d paragraphs%s",
                    number, 100 * done_bytes / total_bytes, total_bytes / 1e6,
                    done_bytes / 1e6 / (time.perf_counter() - started), prepared.outcomes.height,
                    prepared.paragraphs.height, "" if future is not None else ", already prepared",
                )  # fmt: skip
        reports.append(StepReport("prepare", total=batch_count, counts={"reused": reused}))
        stage_deleted(con, deleted)
        now_in("dedup")
        reports.append(counted("dedup", lambda: dedup(con, root)))
        file_counts = count_files(plan, pl.concat(read_statuses), deleted)
        now_in("merge")
        merging = time.perf_counter()
        counts = merge(con, root, run_id, file_counts, add_up(reports))
        after_merge.append(StepReport("merge", milliseconds=milliseconds_since(merging)))
        progress.update(counts)
        now_in("near_dedup")
        near_started = time.perf_counter()
        after_merge.extend(near_dedup(con, run_id, limits.near))
        after_merge.append(StepReport("near_dedup", milliseconds=milliseconds_since(near_started)))
        now_in("index")
        after_merge.append(counted("index_search", lambda: index_search(con)))
        after_merge.append(counted("audit_scope", lambda: mark_audit_scope(con, run_id, audit_all)))
        checkpoint(con)
    finally:
        con.close()
    return run_id, counts
