"""Validate: run the quality suites (expectations/) against the candidate warehouse."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.runner import validate_warehouse

validate = task(name="validate", cache_policy=NO_CACHE)(validate_warehouse)
