"""Where a run prepares its batches: threads in this process (the default), or a Dask cluster.

NEWSFLOW_DASK_ADDRESS picks the cluster: a scheduler address (`tcp://scheduler:8786`) for a real
one, or `local` for a LocalCluster of one single-threaded worker process per core on this machine.
The flow is the same either way; only the runner it is given changes.
"""

from __future__ import annotations

import os

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

LOCAL = "local"


def task_runner(dask_address: str | None) -> TaskRunner:
    if not dask_address:
        return ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1)
    from prefect_dask import DaskTaskRunner

    if dask_address == LOCAL:
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": os.cpu_count() or 1, "threads_per_worker": 1, "dashboard_address": None}
        )
    return DaskTaskRunner(address=dask_address)
