"""Clustering of verified pairs: the integer union-find against the rule it implements, written plainly."""

from __future__ import annotations

import random

import polars as pl

from tasks.near_cluster import cluster_pairs
from tasks.near_config import NearDupConfig

CONFIG = NearDupConfig()


def reference_clusters(pairs: pl.DataFrame, paragraphs: pl.DataFrame, config: NearDupConfig) -> dict[str, str]:
    """tasks/near_cluster.py's rule, step by step on the ids: similar pairs merged strongest first, then
    each contained pair's shorter core attached once, no merge joining numbers that disagree."""
    numbers = {pid: frozenset(values) for pid, values in paragraphs.select("paragraph_id", "numbers").iter_rows()}
    words = dict(paragraphs.select("paragraph_id", "words").iter_rows())
    parent: dict[str, str] = {}
    facts: dict[str, set[frozenset[str]]] = {}

    def root(pid: str) -> str:
        while parent.setdefault(pid, pid) != pid:
            pid = parent[pid]
        return pid

    def merge(left: str, right: str) -> bool:
        a, b = root(left), root(right)
        if a == b:
            return False
        facts_a, facts_b = facts.get(a, {numbers[a]}), facts.get(b, {numbers[b]})
        if not all(x <= y or y <= x for x in facts_a for y in facts_b):
            return False
        parent[max(a, b)] = min(a, b)
        facts[min(a, b)] = facts_a | facts_b
        return True

    ordered = pairs.sort(["similarity", "left_id", "right_id"], descending=[True, False, False])
    for left, right, similarity in ordered.iter_rows():
        if similarity >= config.jaccard:
            merge(left, right)
    core = {pid: root(pid) for pid in list(parent)}
    attached: set[str] = set()
    for left, right, similarity in ordered.iter_rows():
        if similarity < config.jaccard:
            shorter = min((left, right), key=lambda pid: (words[pid], pid))
            longer = right if shorter == left else left
            if core.get(shorter, shorter) not in attached and merge(shorter, longer):
                attached.add(core.get(shorter, shorter))
    groups = {pid: root(pid) for pid in list(parent)}
    sizes = {group: list(groups.values()).count(group) for group in set(groups.values())}
    return {pid: group for pid, group in groups.items() if sizes[group] > 1}


def random_graph(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Paragraphs with few words and numbers drawn from a small pool (so sets nest, clash and tie), and
    pairs among them with similarities on both sides of the threshold, ties included."""
    rng = random.Random(seed)
    ids = [f"{rng.getrandbits(32):08x}" for _ in range(rng.randint(2, 60))]
    pool = ["1#1", "2#1", "2#2", "3.5#1", "1000#1"]
    paragraphs = pl.DataFrame(
        {
            "paragraph_id": ids,
            "words": [rng.randint(8, 12) for _ in ids],
            "numbers": [sorted(rng.sample(pool, rng.choice([0, 0, 1, 1, 2, 3]))) for _ in ids],
        },
        schema={"paragraph_id": pl.String, "words": pl.Int32, "numbers": pl.List(pl.String)},
    )
    links = {tuple(sorted(rng.sample(ids, 2))) for _ in range(rng.randint(1, 3 * len(ids)))}
    pairs = pl.DataFrame(
        {
            "left_id": [left for left, _ in links],
            "right_id": [right for _, right in links],
            "similarity": [rng.choice([0.3, 0.5, 0.6, 0.75, 0.9, 1.0]) for _ in links],
        }
    )
    return pairs, paragraphs


def test_clusters_follow_the_rule_on_random_graphs() -> None:
    for seed in range(400):
        pairs, paragraphs = random_graph(seed)
        found = dict(cluster_pairs(pairs, paragraphs, CONFIG).iter_rows())
        assert found == reference_clusters(pairs, paragraphs, CONFIG), seed


def test_a_paragraph_without_numbers_joins_either_fact_but_not_both() -> None:
    paragraphs = pl.DataFrame(
        {"paragraph_id": ["a", "b", "c"], "words": [10, 10, 10], "numbers": [["450#1"], [], ["452#1"]]},
        schema={"paragraph_id": pl.String, "words": pl.Int32, "numbers": pl.List(pl.String)},
    )
    pairs = pl.DataFrame({"left_id": ["a", "b"], "right_id": ["b", "c"], "similarity": [0.9, 0.8]})
    assert dict(cluster_pairs(pairs, paragraphs, CONFIG).iter_rows()) == {"a": "a", "b": "a"}
