"""How many candidate pairs the LSH bands of near-duplicate signatures produce, per (bands x rows).

    .venv/bin/python bench/near_candidates.py /tmp/newsflow-corpus/100MB --files 12000 --bands 16x8,12x10,10x12

Reads the first --files article files of a corpus folder (bench/corpus.py), keeps the distinct
paragraphs of at least 8 words, signs them as the prepare step does (tasks/near_signature.py), and
counts the distinct pairs that share a MinHash band key. It does not count the exact whole-text and
cut-copy keys, which do not depend on the bands. bench/corpus.py recombines real sentences, so many
paragraphs share a sentence: the count shows how strict bands keep such pairs from being compared.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasks.near_config import NearDupConfig
from tasks.near_signature import band_keys, skeletons


def candidate_pairs(skeletons: list[str], bands: int, rows: int) -> int:
    keys = band_keys(skeletons, NearDupConfig(bands=bands, rows=rows))[:, :bands]  # the MinHash bands only
    frame = pl.DataFrame({"paragraph": np.repeat(np.arange(len(skeletons)), bands), "key": keys.reshape(-1)})
    pairs = frame.join(frame, on="key").filter(pl.col("paragraph") < pl.col("paragraph_right"))
    return pairs.select("paragraph", "paragraph_right").unique().height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--files", type=int, default=12_000)
    parser.add_argument("--bands", default="16x8,12x10,10x12", help="comma-separated BANDSxROWS")
    args = parser.parse_args()
    files = sorted(args.corpus.rglob("*.txt"))[: args.files]
    lines = [line.strip() for path in files for line in path.read_text(encoding="utf-8").splitlines()]
    paragraphs = pl.DataFrame({"text": lines}).unique().filter(pl.col("text").str.count_matches(r"\S+") >= 8)
    texts = skeletons(paragraphs["text"]).to_list()
    print(f"{len(files):,} files, {len(texts):,} distinct paragraphs of 8 words or more")
    for setting in args.bands.split(","):
        bands, rows = (int(n) for n in setting.split("x"))
        print(f"{bands:>3} bands x {rows:>2} rows: {candidate_pairs(texts, bands, rows):>9,} candidate pairs")


if __name__ == "__main__":
    main()
