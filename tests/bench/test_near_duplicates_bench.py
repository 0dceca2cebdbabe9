"""The near-duplicate benchmark (issue 13): its scores are right on hand-made examples, its labelled set is the
same at every build, holds every edit kind in the languages it belongs to, and its labels tell the truth."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bench.near_duplicates import (
    ClusteringOutputError,
    attach_clusters,
    connected_components,
    exact_clusters,
    pair_scores,
    score_labelled,
)
from bench.near_duplicates_corpus import (
    APART_KINDS,
    COPY_EDITS,
    LANGUAGES,
    MIN_WORDS,
    NUMBER,
    Pool,
    build_labelled,
    build_throughput,
    load_pool,
)
from tests.corpus import REPO, SHARED_DATA

needs_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent: the shared corpora sit beside the repository in CI"
)
CYRILLIC = re.compile("[\u0400-\u04ff]")


# --- scoring, on examples worked out by hand ---


def test_a_perfect_clustering_scores_one_whatever_its_labels() -> None:
    scores = pair_scores(["a", "a", "b", "c", "c", "c"], [7, 7, 1, 4, 4, 4])
    assert (scores.precision, scores.recall, scores.f1, scores.adjusted_rand_index) == (1.0, 1.0, 1.0, 1.0)
    assert scores.true_pairs == scores.predicted_pairs == scores.correct_pairs == 1 + 3


def test_pair_precision_recall_and_ari_by_hand() -> None:
    # True pairs: 3 in {0,1,2} + 1 in {3,4} = 4. Predicted: 1 in {0,1} + 3 in {2,3,4} = 4. Both: (0,1), (3,4).
    scores = pair_scores(["a", "a", "a", "b", "b", "c"], ["x", "x", "y", "y", "y", "z"])
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (4, 4, 2)
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)
    # Expected index 4 x 4 / C(6,2) = 16/15, maximum (4 + 4) / 2: (2 - 16/15) / (4 - 16/15) = 7/22.
    assert scores.adjusted_rand_index == pytest.approx(7 / 22)


def test_ari_matches_the_published_values() -> None:
    # The examples of scikit-learn's adjusted_rand_score documentation.
    assert pair_scores([0, 0, 1, 1], [0, 0, 1, 2]).adjusted_rand_index == pytest.approx(4 / 7)
    assert pair_scores([0, 0, 1, 2], [0, 0, 1, 1]).adjusted_rand_index == pytest.approx(4 / 7)
    assert pair_scores([0, 0, 0, 0], [0, 1, 2, 3]).adjusted_rand_index == 0.0
    assert pair_scores([0, 0, 1, 1], [0, 1, 0, 1]).adjusted_rand_index == pytest.approx(-0.5)


def test_merging_nothing_is_precise_and_recalls_nothing() -> None:
    scores = pair_scores(["a", "a", "b"], ["1", "2", "3"])
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 0.0, 0.0)


def hand_labelled(rows: list[tuple]) -> pl.DataFrame:
    """A labelled set from (paragraph_id, group, role, kind, source_id[, also_source_ids]) rows: in German, but
    group g2 in Kazakh."""
    columns = ["paragraph_id", "group", "role", "kind", "source_id", "also_source_ids"]
    frame = pl.DataFrame([(*row, [])[:6] for row in rows], schema=columns, orient="row")
    language = pl.when(pl.col("group") == "g2").then(pl.lit("kk")).otherwise(pl.lit("de"))
    return frame.with_columns(
        text=pl.col("paragraph_id"), language=language, edits=pl.col("kind"),
        also_source_ids=pl.col("also_source_ids").cast(pl.List(pl.String)),
    )  # fmt: skip


def labelled_example() -> pl.DataFrame:
    return hand_labelled(
        [
            ("o1", "g1", "original", "original", None),
            ("c1", "g1", "copy", "typo", "o1"),
            ("c2", "g1", "copy", "quotes", "o1"),
            ("a1", "g1-n", "apart", "numbers_all_changed", "o1"),
            ("o2", "g2", "original", "original", None),
            ("c3", "g2", "copy", "typo", "o2"),
            ("d1", "d1", "distractor", "distractor", None),
        ]
    )


def test_per_kind_recall_and_wrong_merges() -> None:
    clusters = pl.DataFrame(
        {
            "paragraph_id": ["o1", "c1", "c2", "a1", "o2", "c3", "d1"],
            # c2 lost, the apart row a1 merged into its original's cluster.
            "cluster_id": ["k1", "k1", "k2", "k1", "k3", "k3", "k4"],
        }
    )
    scores = score_labelled(labelled_example(), clusters)
    assert scores["by_kind"]["typo"] == {
        "role": "copy", "rows": 2, "wrongly_merged": 1, "joined": 2, "recall": 1.0,
        "by_language": {
            "de": {"rows": 1, "wrongly_merged": 1, "joined": 1, "recall": 1.0},
            "kk": {"rows": 1, "wrongly_merged": 0, "joined": 1, "recall": 1.0},
        },
    }  # fmt: skip
    quotes = {"rows": 1, "wrongly_merged": 0, "joined": 0, "recall": 0.0}
    assert scores["by_kind"]["quotes"] == {"role": "copy", **quotes, "by_language": {"de": quotes}}
    assert scores["by_kind"]["numbers_all_changed"]["wrongly_merged"] == 1
    assert scores["by_kind"]["distractor"] == {"role": "distractor", "rows": 1, "wrongly_merged": 0,
                                               "by_language": {"de": {"rows": 1, "wrongly_merged": 0}}}  # fmt: skip
    assert scores["different_facts_merged"] == 1
    assert scores["copies_joined_to_source"] == pytest.approx(2 / 3, abs=1e-4)
    # True pairs: 3 in g1 + 1 in g2. Predicted: 3 in k1 + 1 in k3. Both: (o1,c1) and (o2,c3).
    overall = scores["overall"]
    assert (overall["true_pairs"], overall["predicted_pairs"], overall["correct_pairs"]) == (4, 4, 2)


def test_a_cut_copy_that_is_also_a_copy_of_a_different_fact_may_join_either() -> None:
    # x1 lost the sentence whose number a1 changed: it is a copy of o1 and of a1 alike.
    example = hand_labelled(
        [
            ("o1", "g1", "original", "original", None),
            ("a1", "g1-n", "apart", "numbers_all_changed", "o1"),
            ("x1", "g1", "copy", "last_sentence_cut", "o1", ["a1"]),
            ("d1", "d1", "distractor", "distractor", None),
        ]
    )
    ids = ["o1", "a1", "x1", "d1"]
    with_the_fact = score_labelled(example, pl.DataFrame({"paragraph_id": ids, "cluster_id": ["k1", "k2", "k2", "k3"]}))
    assert with_the_fact["by_kind"]["last_sentence_cut"]["joined"] == 1
    assert with_the_fact["by_kind"]["last_sentence_cut"]["wrongly_merged"] == 0
    assert with_the_fact["different_facts_merged"] == 0
    assert with_the_fact["ambiguous_rows"] == 1
    assert with_the_fact["overall"]["true_pairs"] == with_the_fact["overall"]["predicted_pairs"] == 0
    # Chained through it, the original and the different fact are one cluster: that is a fact merged.
    chained = score_labelled(example, pl.DataFrame({"paragraph_id": ids, "cluster_id": ["k1", "k1", "k1", "k3"]}))
    assert chained["different_facts_merged"] == 1
    assert chained["by_kind"]["last_sentence_cut"]["wrongly_merged"] == 0
    assert chained["overall"]["predicted_pairs"] == 1 and chained["overall"]["correct_pairs"] == 0
    # Alone, it is lost.
    alone = score_labelled(example, pl.DataFrame({"paragraph_id": ids, "cluster_id": ["k1", "k2", "k4", "k3"]}))
    assert alone["by_kind"]["last_sentence_cut"]["joined"] == 0


def test_a_method_that_drops_or_repeats_paragraphs_is_refused() -> None:
    paragraphs = labelled_example()
    with pytest.raises(ClusteringOutputError, match=r"^6 cluster rows \(6 distinct paragraph ids\) for 7 paragraphs$"):
        attach_clusters(paragraphs, pl.DataFrame({"paragraph_id": ["o1", "c1", "c2", "a1", "o2", "c3"],
                                                  "cluster_id": "k"}))  # fmt: skip
    with pytest.raises(ClusteringOutputError, match=r"^the clusters have no column cluster_id$"):
        attach_clusters(paragraphs, paragraphs.select("paragraph_id"))


def test_components_join_rows_through_shared_buckets_transitively() -> None:
    # Rows 0-1 share bucket 10, rows 1-3 bucket 11, rows 3-5 bucket 12; row 2 and 4 are alone (13, 14).
    members = np.array([0, 1, 1, 3, 3, 5, 2, 4])
    buckets = np.array([10, 10, 11, 11, 12, 12, 13, 14])
    assert connected_components(members, buckets, 6).tolist() == [0, 0, 2, 0, 4, 0]


def test_the_exact_baseline_joins_what_the_normalization_folds() -> None:
    paragraphs = pl.DataFrame(
        {"paragraph_id": ["1", "2", "3"], "text": ["Ёлка  растёт в лесу.", "ёлка растет в лесу.", "Ёлка растёт."]}
    )
    clusters = exact_clusters(paragraphs)["cluster_id"].to_list()
    assert clusters[0] == clusters[1] != clusters[2]


# --- the labelled set ---


@pytest.fixture(scope="module")
def pool() -> Pool:
    return load_pool(SHARED_DATA)


@pytest.fixture(scope="module")
def labelled(pool: Pool) -> pl.DataFrame:
    return build_labelled(pool)


@needs_data
def test_the_same_seed_builds_the_same_set(pool: Pool, labelled: pl.DataFrame) -> None:
    assert build_labelled(pool).equals(labelled)
    assert not build_labelled(pool, seed=14).equals(labelled)


@needs_data
def test_every_edit_kind_appears_in_the_languages_it_belongs_to(labelled: pl.DataFrame) -> None:
    present = {(kind, language) for kind, language in labelled.select("kind", "language").unique().iter_rows()}
    everywhere = {*COPY_EDITS, *APART_KINDS, "combination", "original", "distractor"} - {
        "kk_latin_2018", "kk_latin_2021", "yo_as_e",
    }  # fmt: skip
    for kind in everywhere:
        for language in LANGUAGES:
            assert (kind, language) in present, (kind, language)
    assert {language for kind, language in present if kind.startswith("kk_latin")} == {"kk"}
    assert ("yo_as_e", "ru") in present
    assert 3_000 <= labelled.height <= 6_000


@needs_data
def test_the_labels_tell_the_truth(labelled: pl.DataFrame) -> None:
    assert labelled["paragraph_id"].n_unique() == labelled.height
    assert labelled["text"].n_unique() == labelled.height
    assert all(len(text.split()) >= MIN_WORDS for text in labelled["text"])
    rows = {row["paragraph_id"]: row for row in labelled.iter_rows(named=True)}
    for row in rows.values():
        source = rows.get(row["source_id"])
        if row["role"] == "copy":
            assert source["group"] == row["group"] and source["language"] == row["language"]
            for other in row["also_source_ids"]:
                assert "last_sentence_cut" in row["edits"]
                assert rows[other]["role"] == "apart" and rows[other]["source_id"] == row["source_id"]
        elif row["role"] == "apart":
            assert source["role"] == "original" and source["group"] != row["group"]
            assert labelled.filter(pl.col("group") == row["group"])["role"].to_list().count("apart") == 1
        else:
            assert source is None and row["also_source_ids"] == []
            assert labelled.filter(pl.col("group") == row["group"])["role"].to_list().count(row["role"]) == 1


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@needs_data
def test_number_formats_keep_the_values_and_number_changes_do_not(labelled: pl.DataFrame) -> None:
    source = dict(zip(labelled["paragraph_id"], labelled["text"], strict=True))
    for row in labelled.filter(pl.col("edits") == "number_format").iter_rows(named=True):
        assert row["text"] != source[row["source_id"]]
        assert digits(row["text"]) == digits(source[row["source_id"]]), row["text"]
    for row in labelled.filter(pl.col("kind") == "numbers_all_changed").iter_rows(named=True):
        before, after = NUMBER.findall(source[row["source_id"]]), NUMBER.findall(row["text"])
        assert len(before) == len(after) and all(b != a for b, a in zip(before, after, strict=True)), row["text"]
    for row in labelled.filter(pl.col("kind") == "number_one_changed").iter_rows(named=True):
        before, after = NUMBER.findall(source[row["source_id"]]), NUMBER.findall(row["text"])
        assert len(before) >= 2 and sum(b != a for b, a in zip(before, after, strict=True)) == 1, row["text"]


@needs_data
def test_kazakh_in_latin_script_keeps_no_cyrillic_letter(labelled: pl.DataFrame) -> None:
    latin = {
        kind: " ".join(labelled.filter(pl.col("edits") == kind)["text"]) for kind in ("kk_latin_2018", "kk_latin_2021")
    }
    assert not CYRILLIC.search(latin["kk_latin_2018"] + latin["kk_latin_2021"])
    assert set("áǵńóúý") <= set(latin["kk_latin_2018"]) and not set("äğñöūüşç") & set(latin["kk_latin_2018"])
    assert set("äğñöūüşçı") <= set(latin["kk_latin_2021"]) and not set("áǵńóúý") & set(latin["kk_latin_2021"])


@needs_data
def test_the_throughput_corpus_is_the_same_at_every_build(pool: Pool) -> None:
    frame = build_throughput(pool, 2_000)
    assert frame.equals(build_throughput(pool, 2_000))
    assert frame["paragraph_id"].n_unique() == 2_000 and frame["text"].null_count() == 0
    copies = frame.filter(pl.col("copy_of").is_not_null())
    assert 100 <= copies.height <= 300
    assert (copies["copy_of"] < copies["paragraph_id"]).all()
    assert not set(copies["copy_of"]) & set(copies["paragraph_id"]), "a copy's source is no copy itself"
    assert set(frame["language"]) == set(LANGUAGES)


@pytest.mark.slow
def test_the_script_says_in_one_line_when_the_shared_data_is_absent(tmp_path: Path) -> None:
    script = REPO / "bench" / "near_duplicates.py"
    result = subprocess.run(
        [sys.executable, str(script), "--data", str(tmp_path / "absent"), "--out", str(tmp_path / "out.json")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == f"near_duplicates: {tmp_path / 'absent'} is absent: the shared corpora must sit beside " \
        "the repository (../shared)\n"  # fmt: skip
    assert not (tmp_path / "out.json").exists()
