"""Index for search: add the paragraphs that are new to the search index (warehouse/search.py), with the terms
prepare tokenized for them (tasks/search_terms.py); only paragraphs the run did not stage are tokenized here.

It runs after merge, outside merge's transaction, in one transaction per slice of paragraphs: at
1 GB of articles one transaction held 53 million uncommitted term rows in memory (5.2 GB peak RSS
against 2.1 GB). The candidate is private until publish swaps it in, so readers never see a
half-built index, and a run killed mid-way leaves a candidate the next run throws away.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from warehouse.search import index_new_paragraphs

index_search = task(name="index_search", cache_policy=NO_CACHE)(index_new_paragraphs)
