"""Verify: of the candidate pairs that share a key, keep the near copies.

A pair is a near copy when, on the skeleton of tasks/near_signature.py,
- its shingle sets are similar (Jaccard >= `jaccard`), or the smaller lies inside the larger
  (containment >= `containment`) and is at least `length_ratio` of it: a copy with its last
  sentence cut still matches;
- AND its numbers agree as values: the same, or those of one are all among those of the other (a
  copy that lost its last sentence lost its numbers too). A paragraph that repeats yesterday's words
  with today's exchange rate or score is a different fact, however similar its words;
- AND not both sides say something the other does not: two paragraphs that share a long sentence
  but each have a sentence of their own (under half of its shingles found in the other) are two
  stories. A copy may add a sentence (a credit, a dateline) or lose one (cut), not both.
A pair that met only because one paragraph is the other without its last sentence (an exact key,
`cut_only`) is such a copy by construction: only its numbers and size ratio are checked.

Most candidate pairs are decided before their texts are read (`screen_pairs`): by their numbers, by
their sizes when cut copies, and by the sentence sketches of tasks/near_signature.py when each side has
a sentence of which no sketch value is found in the other (two stories). Only the rest are compared
shingle by shingle (`verify_pairs`).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

from tasks.near_config import NearDupConfig
from tasks.near_signature import SKETCH_VALUES, shingles, text_skeletons

NOVEL_SENTENCE = 0.5
# A sentence is found in the other paragraph when this many of its sketch values are among the other's.
# One is too few: two unrelated sentences of a language share a common word's shingles often enough
# (Jaccard 0.05) that one of six values matches for a quarter of them. With two, an edited sentence
# (Jaccard 0.9) is missed with probability 6e-5, and the labelled set loses 2 of 8,422 pairs (bench/).
FOUND_VALUES = 2


def hash_sets(hashes: np.ndarray, offsets: np.ndarray) -> pl.Series:
    """The distinct hashes of each run hashes[offsets[i]:offsets[i + 1]], as a list column (built on the
    flat hashes, no regrouping)."""
    lists = pa.LargeListArray.from_arrays(pa.array(offsets.astype(np.int64)), pa.array(hashes))
    return pl.Series("shingles", lists).list.unique()


def shingle_sets(texts: pl.Series) -> pl.Series:
    """Each text's distinct shingle hashes, as a list column."""
    hashes, offsets, _ = shingles(text_skeletons(texts))
    return hash_sets(hashes, offsets)


def text_and_sentence_shingles(texts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From (id, text): each text's shingle set (id, shingles), and each of its sentences' (id, sentence),
    from one skeleton and one shingling pass: the windows of the marked skeleton that hold no sentence
    mark are its sentences' shingles (tasks/near_signature.py). Sentences too short for a shingle have none."""
    shingled = shingles(text_skeletons(texts["text"]))
    whole = texts.select("id", shingles=hash_sets(shingled.hashes, shingled.offsets))
    inside = shingled.sentences()
    sentences = pl.DataFrame(
        {
            "id": texts["id"].gather(inside.text),
            "sentence": hash_sets(inside.hashes, np.append(inside.starts, len(inside.hashes))),
        },
        schema={"id": texts.schema["id"], "sentence": pl.List(pl.UInt64)},
    )
    return whole, sentences


def texts_of(pairs: pl.DataFrame) -> pl.DataFrame:
    """Each distinct paragraph of the pairs once: (id, text)."""
    both = pl.concat([pairs.select(id="left_id", text="left_text"), pairs.select(id="right_id", text="right_text")])
    return both.unique("id", maintain_order=True)


def measure_pairs(pairs: pl.DataFrame, shingles: pl.DataFrame | None = None) -> pl.DataFrame:
    """From (left_id, right_id, left_text, right_text, ...): the pairs with the Jaccard similarity
    of their shingle sets, the containment of the smaller in the larger, their size ratio, and how many
    shingles each side has that the other lacks (left_only, right_only).
    `shingles` (id, shingles) may be given when already computed."""
    if shingles is None:
        texts = texts_of(pairs)
        shingles = texts.select("id", shingles=shingle_sets(texts["text"]))
    sized = pairs.join(shingles.rename({"id": "left_id", "shingles": "left"}), on="left_id").join(
        shingles.rename({"id": "right_id", "shingles": "right"}), on="right_id"
    )
    left, right = pl.col("left").list.len(), pl.col("right").list.len()
    common = pl.col("left").list.set_intersection("right").list.len()
    smaller, larger = pl.min_horizontal(left, right), pl.max_horizontal(left, right)
    return sized.with_columns(
        similarity=common / pl.max_horizontal(left + right - common, 1),
        containment=common / pl.max_horizontal(smaller, 1),
        ratio=smaller / pl.max_horizontal(larger, 1),
        left_only=left - common,
        right_only=right - common,
    ).drop("left", "right")


def both_add_a_sentence(pairs: pl.DataFrame, shingles: pl.DataFrame, sentences: pl.DataFrame) -> pl.Series:
    """For each pair (left_id, right_id): whether each side has a sentence of which under NOVEL_SENTENCE
    of the shingles occur in the other side. `shingles`: (id, shingles); `sentences`: (id, sentence),
    each sentence's shingle set (`text_and_sentence_shingles`)."""
    numbered = pairs.select("left_id", "right_id").with_row_index("pair")
    sides = pl.concat(
        [
            numbered.select("pair", own="left_id", other="right_id"),
            numbered.select("pair", own="right_id", other="left_id"),
        ]
    )
    found = pl.col("sentence").list.set_intersection("other_shingles").list.len() / pl.col("sentence").list.len()
    novel = (
        sides.join(sentences, left_on="own", right_on="id")
        .join(shingles.rename({"id": "other", "shingles": "other_shingles"}), on="other")
        .group_by("pair", "own")
        .agg(novel=(found < NOVEL_SENTENCE).any())
        .group_by("pair")
        .agg(both=pl.col("novel").sum() == 2)
    )
    return numbered.join(novel, on="pair", how="left", maintain_order="left")["both"].fill_null(False)


def numbers_agree(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """The numbers of one side are all among the other's (equal sets included)."""
    return (left.list.set_difference(right).list.len() == 0) | (right.list.set_difference(left).list.len() == 0)


VERDICT = ("left_id", "right_id", "similarity", "numbers_agree", "is_near_copy")


def unmatched_sentences(pairs: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For each pair (left_key, right_key, left_sketch, right_sketch): whether a sentence of the left sketch
    has fewer than FOUND_VALUES of its values in the right one, and the other way round."""
    sketches = pl.concat([pairs["left_sketch"], pairs["right_sketch"]])
    keys = np.concatenate([pairs["left_key"].to_numpy(), pairs["right_key"].to_numpy()])
    # Each paragraph's values are sorted once, not once per pair it is in: a chunk has about half as many
    # paragraphs as pair sides, and one sort serves both directions (bench/README.md).
    _, first, row = np.unique(keys, return_index=True, return_inverse=True)
    distinct = sketches.gather(first)
    ordered = np.sort(row_keyed(distinct)[1]) & np.uint64(0xFFFFFFFF)
    starts = np.concatenate([[0], np.cumsum(distinct.list.len().to_numpy(), dtype=np.int64)])
    left_row, right_row = row[: pairs.height], row[pairs.height :]
    return (
        unmatched_in(pairs["left_sketch"], paired_values(right_row, ordered, starts)),
        unmatched_in(pairs["right_sketch"], paired_values(left_row, ordered, starts)),
    )


def row_keyed(sketches: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The values of the lists, flat: the row of each, and (row << 32 | value)."""
    row = np.repeat(np.arange(len(sketches), dtype=np.uint64), sketches.list.len().to_numpy())
    return row, row << np.uint64(32) | sketches.explode().drop_nulls().to_numpy().astype(np.uint64)


def paired_values(rows: np.ndarray, ordered: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each pair, the sorted values of its paragraph `rows[pair]` (`ordered[starts[row]:starts[row + 1]]`),
    as (pair << 32 | value): sorted, pair after pair."""
    lengths = starts[rows + 1] - starts[rows]
    pair = np.repeat(np.arange(len(rows), dtype=np.uint64), lengths)
    # The position of each value in `ordered`: its paragraph's start, plus how far it is into the pair's run.
    into = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths - starts[rows], lengths)
    return pair << np.uint64(32) | ordered[into]


def unmatched_in(sketches: pl.Series, other: np.ndarray) -> np.ndarray:
    """For each pair, whether a sentence of its sketch has fewer than FOUND_VALUES values among the other
    paragraph's (`other`, as `paired_values` gives them)."""
    pair, wanted = row_keyed(sketches)
    at = np.minimum(np.searchsorted(other, wanted), max(len(other) - 1, 0))
    found = other[at] == wanted if len(other) else np.zeros(len(wanted), dtype=bool)
    # Each sentence is SKETCH_VALUES values in a row: found when FOUND_VALUES of them are.
    sentence_found = found.reshape(-1, SKETCH_VALUES).sum(axis=1) >= FOUND_VALUES
    unmatched = np.zeros(len(sketches), dtype=bool)
    unmatched[pair[::SKETCH_VALUES][~sentence_found].astype(np.intp)] = True
    return unmatched


def screen_pairs(pairs: pl.DataFrame, config: NearDupConfig) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From candidate pairs without their texts (left_id, right_id, left_key, right_key, left_numbers,
    right_numbers, left_chars, right_chars, left_sketch, right_sketch, cut_only: warehouse/near.py): the
    verdicts that need no text (VERDICT columns), and the pairs left to compare on their texts, whose
    numbers agree (left_id, right_id)."""
    # One chunk per column: Polars' list set operations require both sides chunked alike.
    agreeing = pairs.rechunk().with_columns(
        numbers_agree=numbers_agree(pl.col("left_numbers"), pl.col("right_numbers"))
    )
    # One is the other without its last sentence: its similarity is its share of the other's length.
    cut = agreeing.filter("cut_only").with_columns(
        similarity=pl.min_horizontal("left_chars", "right_chars") / pl.max_horizontal("left_chars", "right_chars", 1)
    )
    cut = cut.with_columns(is_near_copy=pl.col("numbers_agree") & (pl.col("similarity") >= config.length_ratio))
    rest = agreeing.filter(~pl.col("cut_only"))
    left_unmatched, right_unmatched = unmatched_sentences(rest)
    rest = rest.with_columns(two_stories=pl.Series(left_unmatched & right_unmatched))
    settled = rest.filter(~pl.col("numbers_agree") | pl.col("two_stories"))
    settled = settled.with_columns(similarity=pl.lit(None, pl.Float64), is_near_copy=False)
    to_compare = rest.filter(pl.col("numbers_agree") & ~pl.col("two_stories"))
    return (
        pl.concat([cut.select(VERDICT), settled.select(VERDICT)]),
        to_compare.select("left_id", "right_id"),
    )


def verify_pairs(pairs: pl.DataFrame, config: NearDupConfig) -> pl.DataFrame:
    """From the pairs screening left (left_id, right_id, left_text, right_text), whose numbers agree:
    the VERDICT columns."""
    agreeing = pairs.with_columns(numbers_agree=True)
    shingles, sentences = text_and_sentence_shingles(texts_of(agreeing))
    measured = measure_pairs(agreeing, shingles)
    similar = (pl.col("similarity") >= config.jaccard) | (
        (pl.col("containment") >= config.containment) & (pl.col("ratio") >= config.length_ratio)
    )
    verdict = measured.with_columns(is_near_copy=similar)
    # Sentence by sentence only where the rest says yes, and where each side lacks from the other more than
    # half of its smallest sentence: a sentence of its own needs that. Of near copies that is few (3% of
    # the pairs compared on the 1 GB corpus), and the look costs more than the rest of the comparison.
    smallest = sentences.group_by("id").agg(smallest=pl.col("sentence").list.len().min())
    maybe = (
        verdict.filter("is_near_copy")
        .join(smallest.rename({"id": "left_id", "smallest": "left_smallest"}), on="left_id")
        .join(smallest.rename({"id": "right_id", "smallest": "right_smallest"}), on="right_id")
        .filter(
            (pl.col("left_only") > pl.col("left_smallest") / 2) & (pl.col("right_only") > pl.col("right_smallest") / 2)
        )
    )
    if maybe.height:
        two_stories = maybe.select("left_id", "right_id", two_stories=both_add_a_sentence(maybe, shingles, sentences))
        verdict = verdict.join(two_stories, on=["left_id", "right_id"], how="left").with_columns(
            pl.col("is_near_copy") & ~pl.col("two_stories").fill_null(False)
        )
    return verdict.select(VERDICT)
