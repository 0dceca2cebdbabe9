"""The check that no near-duplicate cluster joins different facts, on a real DuckDB: neighbours in order
of size stand for every pair, so it flags a cluster exactly when some pair's numbers are not nested."""

import random

import duckdb
import pytest

from warehouse.quality import CLUSTER_NUMBERS_AGREE

BATCH = "core.near_clusters"


def flagged_clusters(members: dict[str, list[tuple[str, list[str]]]]) -> set[str]:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute("CREATE TABLE core.near_clusters (cluster_id VARCHAR, paragraph_id VARCHAR)")
    con.execute("CREATE TABLE core.near_signatures (paragraph_id VARCHAR, numbers VARCHAR[])")
    for cluster, paragraphs in members.items():
        for paragraph, numbers in paragraphs:
            con.execute("INSERT INTO core.near_clusters VALUES (?, ?)", [cluster, paragraph])
            con.execute("INSERT INTO core.near_signatures VALUES (?, ?)", [paragraph, sorted(numbers)])
    rows = con.execute(CLUSTER_NUMBERS_AGREE.format(batch=BATCH)).fetchall()
    return {row[0] for row in rows}


def nested(a: list[str], b: list[str]) -> bool:
    return set(a) <= set(b) or set(b) <= set(a)


def test_a_pair_that_is_not_nested_is_flagged_though_each_nests_with_the_smallest() -> None:
    chain = [("a", ["1#1"]), ("b", ["1#1", "2#1"]), ("c", ["1#1", "2#1", "3#1"]), ("d", ["1#1", "2#1"])]
    forked = [("e", ["1#1"]), ("f", ["1#1", "2#1"]), ("g", ["1#1", "3#1"])]
    assert flagged_clusters({"chain": chain, "forked": forked}) == {"forked"}


@pytest.mark.parametrize("seed", range(20))
def test_flags_the_clusters_that_the_pairwise_check_flags(seed: int) -> None:
    rng = random.Random(seed)
    values = [f"{n}#1" for n in range(4)]
    members = {
        f"cluster {c}": [(f"p{c}.{i}", rng.sample(values, rng.randint(0, 3))) for i in range(rng.randint(1, 6))]
        for c in range(30)
    }
    pairwise = {
        cluster
        for cluster, paragraphs in members.items()
        if any(not nested(a, b) for i, (_, a) in enumerate(paragraphs) for _, b in paragraphs[i + 1 :])
    }
    assert 0 < len(pairwise) < len(members)  # both kinds are there to tell apart
    assert flagged_clusters(members) == pairwise
