"""Cluster: near copies into clusters, deterministically, never joining different facts.

Two kinds of verified pair (tasks/near_verify.py):
- *similar* pairs (Jaccard >= the threshold) are edited copies of each other. They are merged first,
  strongest first (similarity, then ids), as single-linkage union-find: the clusters' cores.
- *contained* pairs (a shorter paragraph inside a longer one: a copy with its end cut off) then
  attach the shorter paragraph's core to the longer one's cluster, strongest first, each core once.
  A paragraph that is the first sentence of two different paragraphs joins only one of them, so it
  cannot chain two paragraphs that share only that sentence.
A merge that would put two paragraphs whose numbers disagree into one cluster is refused, so a
cluster cannot chain different facts through a member that lost its numbers either (a truncated copy
agrees with both the "450 tenge" and the "452 tenge" version; they still stay apart). The result
depends only on the pairs and paragraphs given, never on the order they were found in, so a
warehouse built run by run clusters exactly as one built at once.
"""

from __future__ import annotations

import polars as pl

from tasks.near_config import NearDupConfig


def agree(left: frozenset[str], right: frozenset[str]) -> bool:
    return left <= right or right <= left


class Clusters:
    """Union-find whose roots are their cluster's smallest paragraph_id, with each cluster's facts."""

    def __init__(self, numbers: dict[str, frozenset[str]]) -> None:
        self.parent: dict[str, str] = {}
        self.numbers = numbers
        self.facts: dict[str, set[frozenset[str]]] = {}  # per root: the distinct number sets of its members

    def root(self, pid: str) -> str:
        self.parent.setdefault(pid, pid)
        while self.parent[pid] != pid:
            self.parent[pid] = self.parent[self.parent[pid]]
            pid = self.parent[pid]
        return pid

    def merge(self, left: str, right: str) -> bool:
        """Join the clusters of `left` and `right` unless their numbers disagree; True if joined."""
        a, b = self.root(left), self.root(right)
        if a == b:
            return False
        facts_a = self.facts.get(a, {self.numbers[a]})
        facts_b = self.facts.get(b, {self.numbers[b]})
        if not all(agree(x, y) for x in facts_a for y in facts_b):
            return False
        keep, gone = min(a, b), max(a, b)
        self.parent[gone] = keep
        self.facts[keep] = facts_a | facts_b
        self.facts.pop(gone, None)
        return True


def cluster_pairs(pairs: pl.DataFrame, paragraphs: pl.DataFrame, config: NearDupConfig) -> pl.DataFrame:
    """From near-copy pairs (left_id, right_id, similarity) and every paired paragraph's
    (paragraph_id, words, numbers): (paragraph_id, group_id) for each paragraph in a cluster of two or
    more, group_id being the cluster's smallest paragraph_id."""
    numbers = {pid: frozenset(values) for pid, values in paragraphs.select("paragraph_id", "numbers").iter_rows()}
    words = dict(paragraphs.select("paragraph_id", "words").iter_rows())
    ordered = pairs.sort(["similarity", "left_id", "right_id"], descending=[True, False, False])
    similar = ordered.filter(pl.col("similarity") >= config.jaccard)
    contained = ordered.filter(pl.col("similarity") < config.jaccard)

    clusters = Clusters(numbers)
    for left, right in similar.select("left_id", "right_id").iter_rows():
        clusters.merge(left, right)
    core = {pid: clusters.root(pid) for pid in list(clusters.parent)}
    attached: set[str] = set()
    for left, right in contained.select("left_id", "right_id").iter_rows():
        shorter = min((left, right), key=lambda pid: (words[pid], pid))
        longer = right if shorter == left else left
        shorter_core = core.get(shorter, shorter)
        if shorter_core not in attached and clusters.merge(shorter, longer):
            attached.add(shorter_core)

    members = list(clusters.parent)
    return pl.DataFrame(
        {"paragraph_id": members, "group_id": [clusters.root(pid) for pid in members]},
        schema={"paragraph_id": pl.String, "group_id": pl.String},
    ).filter(pl.col("group_id").count().over("group_id") > 1)
