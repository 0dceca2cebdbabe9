"""Shared fixtures: the seed articles, a scratch copy of them, and one Prefect API per test session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.settings import apply_offline_environment
from tests.corpus import SEEDS

# Before Prefect is imported by any test module: offline, and a Prefect home of our own.
apply_offline_environment()
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="newsflow-prefect-home-")
# Gone with the session: each one left its folder in the temp directory (39 of them on the CI machine).
atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One temporary Prefect server for every test that runs a flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A scratch copy of seeds/ that a test may change."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder
