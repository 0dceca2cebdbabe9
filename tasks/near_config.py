"""The one config every near-duplicate stage shares (signature, find, verify, cluster); no heavy
imports, so settings can carry it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NearDupConfig:
    """One config for every near-duplicate stage: signature, find, verify, cluster.

    Defaults measured on bench/near_duplicates.py's labelled set (bench/README.md).
    """

    # 12 bands of 10 MinHash values: pairs with Jaccard 0.9 meet with probability 0.99, 0.8 with 0.74, and
    # 0.55 (two paragraphs sharing a long sentence) with 0.03; on the 100 MB corpus 2.6x fewer candidates
    # than 16 x 8 for a labelled recall of 0.991 against 0.994 (bench/README.md).
    bands: int = 12
    rows: int = 10
    min_words: int = 8
    # verify: a pair is a near copy when its shingle sets have Jaccard similarity >= `jaccard`, or
    # the smaller set lies >= `containment` inside the larger and is at least `length_ratio` of it
    # (a copy with its end cut off; a paragraph that shares one sentence of three with another is not).
    jaccard: float = 0.6
    containment: float = 0.9
    length_ratio: float = 0.2

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows
