"""Near-duplicate dedup: find, verify, cluster and flag the near copies among the paragraphs.

    signature (per batch, in prepare: tasks/near_signature.py)
    -> find     the new paragraphs' band keys joined with the persisted band index, in DuckDB
    -> verify   candidate pairs: screened by numbers, sizes and sentence sketches, the rest compared
                by shingle similarity (tasks/near_verify.py)
    -> cluster  verified pairs, refusing merges of different facts (tasks/near_cluster.py)
    -> flag     every occurrence of a clustered paragraph: kept, near repeat, near copy (warehouse/)

It runs on the candidate after merge. Only new paragraphs are signed and compared, and only the parts
of the graph of verified pairs that the run touched are clustered and flagged again
(warehouse/sql/near_touched.sql): each part is clustered from its own pairs alone, so a warehouse
built run by run equals one built at once from the same files. Each stage's counters and time are
recorded in run_steps under its name (near_find, near_verify, near_cluster, near_flag).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from functools import partial

import duckdb
import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.near_cluster import cluster_pairs
from tasks.near_config import NearDupConfig
from tasks.near_signature import SIGNATURE_VERSION, sign_paragraphs
from tasks.near_verify import measure_pairs, screen_pairs, verify_pairs
from tasks.steps import StepReport, reports_of, timed
from warehouse import near
from warehouse.runs import record_steps
from warehouse.transaction import transaction

# Candidate pairs screened at a time (ids, numbers and sentence sketches, no texts: about 40 MB of
# Polars frames; each chunk scans the signatures once, warehouse/near.py); pairs whose texts are read
# at a time, in one scan of the paragraphs (a scan costs 0.36 s for 42,000 texts and 0.64 s for 200,000
# at 1 GB: read in chunks of 20,000 pairs, the scans were 11.8 s, bench/README.md); and pairs compared on
# their texts at a time, by one thread. A comparison holds ~30 bytes of arrays per character of its texts,
# ~100 MB for 5,000 pairs: 20,000 took no less time per pair and 0.5-1 GB more of the run's peak.
SCREEN_CHUNK = 200_000
READ_CHUNK = 100_000
VERIFY_CHUNK = 5_000
VERIFY_THREADS = 2
# Paragraphs signed at a time when a warehouse from before m007 (or another config) is signed again.
SIGN_CHUNK = 50_000


def config_label(config: NearDupConfig) -> str:
    """What the stored index was built with: any change means signing again."""
    return ", ".join([f"signature {SIGNATURE_VERSION}"] + [f"{key}={value}" for key, value in asdict(config).items()])


def sign_unsigned(con: duckdb.DuckDBPyConnection, config: NearDupConfig) -> int:
    """Stage signatures for the warehouse's paragraphs that have none (older warehouses)."""
    signed = 0
    for unsigned in near.unsigned_paragraphs(con, SIGN_CHUNK):
        near.stage_signatures(con, *sign_paragraphs(unsigned, config))
        signed += unsigned.height
    return signed


def find_near_duplicates(con: duckdb.DuckDBPyConnection, run_id: int, config: NearDupConfig) -> list[StepReport]:
    """Run every near-duplicate stage on the warehouse `con` has open; returns each stage's report, for run_steps."""
    counts: Counter[tuple[str, str]] = Counter()
    with timed(counts, "near_find"):
        with transaction(con):
            counts["near_find", "index_rebuilt"] = int(near.forget_if_config_changed(con, config_label(config)))
        # Into staging: one transaction writes one database.
        counts["near_find", "signed_again"] = sign_unsigned(con, config)
        with transaction(con):
            last_key = near.add_staged_signatures(con, run_id)
        candidates = near.find_candidates(con, last_key)
    counts["near_find", "candidate_pairs"] = candidates
    with timed(counts, "near_verify"):
        verify_candidates(con, candidates, run_id, config, counts)
    with transaction(con):
        with timed(counts, "near_cluster"):
            touched, pairs, numbers = near.touched_pairs(con, run_id)
            groups = cluster_pairs(pairs, numbers, config)
        with timed(counts, "near_flag"):
            near.flag_clusters(con, groups, run_id)
            near.similarity_from_pairs(con)
            # Streamed VERIFY_CHUNK members at a time, with their two texts; what is kept of each is detached.
            with ThreadPoolExecutor(max_workers=VERIFY_THREADS) as threads:
                measured = [
                    near.detached(pairs.select("left_id", "similarity"))
                    for pairs in in_threads(threads, measure_pairs, near.cluster_members(con, VERIFY_CHUNK))
                ]
            # One update for all: each scans the clusters table (7.3 s in 22 updates at 1 GB, bench/README.md).
            if measured:
                near.record_similarity(con, pl.concat(measured))
            members = sum(pairs.height for pairs in measured)
            # Kept per run for the anomaly check on cluster sizes (expectations/); validation reads it next.
            largest = StepReport("warehouse", counts={"near_cluster_paragraphs_max": near.largest_cluster(con)})
            record_steps(con, run_id, [largest])
    counts["near_cluster", "touched_paragraphs"] = touched
    counts["near_cluster", "pairs"] = pairs.height
    counts["near_cluster", "clusters"] = groups["group_id"].n_unique()
    counts["near_cluster", "clustered_paragraphs"] = groups.height
    counts["near_flag", "members_measured"] = members
    return reports_of(counts)


def verify_candidates(
    con: duckdb.DuckDBPyConnection,
    candidates: int,
    run_id: int,
    config: NearDupConfig,
    counts: Counter[tuple[str, str]],
) -> None:
    """Screen and verify the numbered candidates (near_candidates), recording the near copies found.

    In chunks, so memory holds a slice of the candidates and a few of texts however many there are;
    compared on two threads (Polars and NumPy let go of the GIL) while this one reads and writes DuckDB.
    """
    with transaction(con), ThreadPoolExecutor(max_workers=VERIFY_THREADS) as threads:
        to_compare = pairs_to_compare(con, candidates, run_id, config, counts)
        for verified in in_threads(threads, partial(verify_pairs, config=config), to_compare):
            record_verified(con, verified, run_id, counts, measured=True)


def pairs_to_compare(
    con: duckdb.DuckDBPyConnection,
    candidates: int,
    run_id: int,
    config: NearDupConfig,
    counts: Counter[tuple[str, str]],
) -> Iterator[pl.DataFrame]:
    """Screen the candidates SCREEN_CHUNK at a time, recording what screening settles; the pairs left,
    with their texts, VERIFY_CHUNK at a time (read READ_CHUNK pairs per scan of the paragraphs)."""
    waiting: list[pl.DataFrame] = []
    for first in range(1, candidates + 1, SCREEN_CHUNK):
        settled, to_compare = screen_pairs(near.candidate_chunk(con, first, first + SCREEN_CHUNK - 1), config)
        record_verified(con, settled, run_id, counts, measured=False)
        waiting.append(near.detached(to_compare))
        if sum(frame.height for frame in waiting) < READ_CHUNK and first + SCREEN_CHUNK <= candidates:
            continue
        to_compare, waiting = pl.concat(waiting), []
        counts["near_verify", "compared_texts"] += to_compare.height
        yield from near.with_texts(con, to_compare).iter_slices(VERIFY_CHUNK)


def in_threads(
    threads: ThreadPoolExecutor, work: Callable[[pl.DataFrame], pl.DataFrame], chunks: Iterable[pl.DataFrame]
) -> Iterator[pl.DataFrame]:
    """work(chunk) of each chunk, in order, each computed on the threads; the chunks are taken from
    `chunks` (on this thread) only as results are taken, so at most VERIFY_THREADS + 1 are alive."""
    pending: deque[Future[pl.DataFrame]] = deque()
    for chunk in chunks:
        pending.append(threads.submit(work, chunk))
        if len(pending) > VERIFY_THREADS:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def record_verified(
    con: duckdb.DuckDBPyConnection,
    verified: pl.DataFrame,
    run_id: int,
    counts: Counter[tuple[str, str]],
    *,
    measured: bool,
) -> None:
    copies = verified.filter("is_near_copy")
    near.record_pairs(con, copies.select("left_id", "right_id", "similarity"), run_id, measured)
    counts["near_verify", "near_copy_pairs"] += copies.height
    counts["near_verify", "rejected_numbers"] += verified.filter(~pl.col("numbers_agree")).height
    counts["near_verify", "rejected_similarity"] += verified.filter(
        pl.col("numbers_agree") & ~pl.col("is_near_copy")
    ).height


near_dedup = task(name="near_dedup", cache_policy=NO_CACHE)(find_near_duplicates)


def cluster_texts(paragraphs: pl.DataFrame, config: NearDupConfig | None = None) -> pl.DataFrame:
    """The near-duplicate stages alone, as the pipeline runs them, over (paragraph_id, text, language):
    (paragraph_id, cluster_id). Each paragraph is a document of its own in an in-memory warehouse
    (bench/near_duplicates.py measures newsflow's clustering with this)."""
    from warehouse.migrate import migrate
    from warehouse.sql_script import run_script

    config = config or NearDupConfig()
    con = duckdb.connect(":memory:")
    try:
        migrate(con)
        run_script(con, "staging")
        near.load_standalone_paragraphs(con, paragraphs.select("paragraph_id", "text", "language"))
        # Signed SIGN_CHUNK at a time, as the pipeline signs batch by batch: a million paragraphs signed at
        # once hold gigabytes of shingles and keys.
        for first in range(0, paragraphs.height, SIGN_CHUNK):
            near.stage_signatures(con, *sign_paragraphs(paragraphs.slice(first, SIGN_CHUNK), config))
        find_near_duplicates(con, 1, config)
        return near.paragraph_clusters(con)
    finally:
        con.close()
