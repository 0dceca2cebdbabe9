"""Cluster: near copies into clusters, deterministically, never joining different facts.

Verified pairs are merged strongest first (similarity, then ids), as single-linkage union-find. A
merge that would put two paragraphs whose numbers disagree into one cluster is refused, so a
cluster cannot chain different facts together through a member that lost its numbers (a truncated
copy agrees with both "450 tenge" and "452 tenge" versions; they still stay apart). The result
depends only on the pairs and numbers given, never on the order they were found in, so a warehouse
built run by run clusters exactly as one built at once.
"""

from __future__ import annotations

import polars as pl


def agree(left: frozenset[str], right: frozenset[str]) -> bool:
    return left <= right or right <= left


def cluster_pairs(pairs: pl.DataFrame, numbers: pl.DataFrame) -> pl.DataFrame:
    """From near-copy pairs (left_id, right_id, similarity) and every paired paragraph's numbers
    (paragraph_id, numbers): (paragraph_id, group_id) for each paragraph in a cluster of two or more,
    group_id being the cluster's smallest paragraph_id."""
    number_sets = {pid: frozenset(values) for pid, values in numbers.select("paragraph_id", "numbers").iter_rows()}
    parent: dict[str, str] = {}
    # Per cluster root: the distinct number sets of its members (few: copies mostly agree).
    facts: dict[str, set[frozenset[str]]] = {}

    def root(pid: str) -> str:
        parent.setdefault(pid, pid)
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    ordered = pairs.sort(["similarity", "left_id", "right_id"], descending=[True, False, False])
    for left, right in ordered.select("left_id", "right_id").iter_rows():
        a, b = root(left), root(right)
        if a == b:
            continue
        facts_a = facts.setdefault(a, {number_sets[left]})
        facts_b = facts.setdefault(b, {number_sets[right]})
        if not all(agree(x, y) for x in facts_a for y in facts_b):
            continue
        keep, gone = min(a, b), max(a, b)
        parent[gone] = keep
        facts[keep] = facts_a | facts_b
        facts.pop(gone, None)
    members = list(parent)
    return pl.DataFrame(
        {"paragraph_id": members, "group_id": [root(pid) for pid in members]},
        schema={"paragraph_id": pl.String, "group_id": pl.String},
    ).filter(pl.col("group_id").count().over("group_id") > 1)
