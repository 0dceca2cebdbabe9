"""Scale-out: the unchanged ingest flow on a dask.distributed cluster gives the tables the default
runner gives."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.ingest import ingest_flow
from flows.task_runner import task_runner
from tests.flows.helpers import flow_settings, warehouse_state

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scheduler_address() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_the_flow_on_a_dask_cluster_builds_the_same_warehouse(
    articles: Path, tmp_path: Path, scheduler_address: str, prefect_api: None
) -> None:
    for n in range(3):  # syndicated copies, so dedup across batches prepared on different workers matters
        shutil.copy(next(articles.glob("002_*")), articles / f"copy-{n}.txt")
    (articles / "empty.txt").write_bytes(b"")
    threads, dask = tmp_path / "threads.duckdb", tmp_path / "dask.duckdb"
    source = articles.resolve()

    ingest_flow.with_options(task_runner=task_runner(None))(flow_settings(source, threads))
    on_cluster = ingest_flow.with_options(task_runner=task_runner(scheduler_address))
    counts = on_cluster(flow_settings(source, dask))

    assert (counts["files_seen"], counts["files_loaded"], counts["files_quarantined"]) == (9, 8, 1)
    assert warehouse_state(dask) == warehouse_state(threads)
