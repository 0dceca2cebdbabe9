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

The merges are sequential by nature (each depends on the ones before), so they run as a Python loop,
but over integers: paragraphs are numbered in id order (the smallest number is the smallest id) and
each distinct set of numbers is one integer, whose agreement with another is worked out once. On the
1 GB corpus (1.35 million pairs) that took clustering from 19.5 s to 6.9 s (bench/README.md, issue 13).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from tasks.near_config import NearDupConfig

# Joins a paragraph's number values (digits, dots and `#n`) into one key per distinct set.
VALUE_SEPARATOR = " "


class Clusters:
    """Union-find over paragraphs numbered 0..n-1, whose roots are their cluster's smallest number,
    with the distinct number sets (facts) of each cluster's members."""

    def __init__(self, facts: list[int], fact_sets: list[frozenset[str]]) -> None:
        self.parent = list(range(len(facts)))
        # Each paragraph's number set, as an index into fact_sets. A paragraph without numbers agrees
        # with every other: its facts are none.
        self.fact = facts
        self.fact_sets = fact_sets
        self.facts: dict[int, frozenset[int]] = {}  # per root of two or more: its members' distinct facts
        self.agreed: dict[tuple[int, int], bool] = {}

    def root(self, at: int) -> int:
        parent = self.parent
        while parent[at] != at:
            parent[at] = parent[parent[at]]
            at = parent[at]
        return at

    def facts_of(self, root: int) -> frozenset[int]:
        facts = self.facts.get(root)
        if facts is None:
            fact = self.fact[root]
            return frozenset((fact,)) if self.fact_sets[fact] else frozenset()
        return facts

    def agree(self, left: int, right: int) -> bool:
        """The numbers of one fact are all among the other's (equal sets included)."""
        key = (left, right) if left < right else (right, left)
        found = self.agreed.get(key)
        if found is None:
            a, b = self.fact_sets[left], self.fact_sets[right]
            found = self.agreed[key] = a <= b or b <= a
        return found

    def merge(self, left: int, right: int) -> bool:
        """Join the clusters of `left` and `right` unless their numbers disagree; True if joined."""
        a, b = self.root(left), self.root(right)
        if a == b:
            return False
        facts_a, facts_b = self.facts_of(a), self.facts_of(b)
        # Facts within a cluster agree with each other, so two clusters with the same facts agree.
        if facts_a != facts_b and not all(self.agree(x, y) for x in facts_a for y in facts_b):
            return False
        keep, gone = (a, b) if a < b else (b, a)
        self.parent[gone] = keep
        self.facts[keep] = facts_a | facts_b
        self.facts.pop(gone, None)
        return True

    def roots(self) -> np.ndarray:
        """Every paragraph's root, at once."""
        parent = np.array(self.parent, dtype=np.int64)
        while True:
            grand = parent[parent]
            if (grand == parent).all():
                return parent
            parent = grand


def cluster_pairs(pairs: pl.DataFrame, paragraphs: pl.DataFrame, config: NearDupConfig) -> pl.DataFrame:
    """From near-copy pairs (left_id, right_id, similarity) and every paired paragraph's
    (paragraph_id, words, numbers): (paragraph_id, group_id) for each paragraph in a cluster of two or
    more, group_id being the cluster's smallest paragraph_id."""
    numbered = (
        paragraphs.sort("paragraph_id")
        .with_row_index("at")
        .with_columns(fact=pl.col("numbers").list.join(VALUE_SEPARATOR))
        .with_columns(fact_at=pl.col("fact").rank("dense").cast(pl.Int64) - 1)
    )
    distinct = numbered.select("fact", "fact_at").unique("fact_at").sort("fact_at")
    fact_sets = [frozenset(fact.split(VALUE_SEPARATOR)) if fact else frozenset() for fact in distinct["fact"]]
    at = numbered.select("paragraph_id", "at", "words")
    # Sorting on the numbers sorts on the ids: they are numbered in id order.
    ordered = (
        pairs.join(at.rename({"paragraph_id": "left_id", "at": "left", "words": "left_words"}), on="left_id")
        .join(at.rename({"paragraph_id": "right_id", "at": "right", "words": "right_words"}), on="right_id")
        .sort(["similarity", "left", "right"], descending=[True, False, False])
    )
    similar = ordered.filter(pl.col("similarity") >= config.jaccard)
    # The shorter side of a contained pair: fewer words, then the smaller id.
    left_shorter = (pl.col("left_words") < pl.col("right_words")) | (
        (pl.col("left_words") == pl.col("right_words")) & (pl.col("left") < pl.col("right"))
    )
    contained = ordered.filter(pl.col("similarity") < config.jaccard).select(
        shorter=pl.when(left_shorter).then("left").otherwise("right"),
        longer=pl.when(left_shorter).then("right").otherwise("left"),
    )

    clusters = Clusters(numbered["fact_at"].to_list(), fact_sets)
    for left, right in zip(similar["left"].to_list(), similar["right"].to_list(), strict=True):
        clusters.merge(left, right)
    core = clusters.roots().tolist()
    attached = bytearray(len(core))
    for shorter, longer in zip(contained["shorter"].to_list(), contained["longer"].to_list(), strict=True):
        shorter_core = core[shorter]
        if not attached[shorter_core] and clusters.merge(shorter, longer):
            attached[shorter_core] = 1

    ids = numbered["paragraph_id"]
    return pl.DataFrame({"paragraph_id": ids, "group_id": ids.gather(clusters.roots())}).filter(
        pl.col("group_id").count().over("group_id") > 1
    )
