"""Benchmark: near-duplicate clustering scored on the labelled set of issue 13, on MRPC, and timed at scale.

    .venv/bin/python bench/near_duplicates.py                       # -> bench/results/near_duplicates.json
    .venv/bin/python bench/near_duplicates.py --throughput 1000000  # -> results/near_duplicates-throughput-1000000.json

A method is a function `(paragraphs: paragraph_id, text, language) -> (paragraph_id, cluster_id)`, one row
per input. Three are scored, each where it is available:
  near_dedup  tasks.near_dedup.cluster_texts, newsflow's own (issue 13), imported lazily;
  exact       the normalized exact id of tasks/fingerprint.py as the cluster: what newsflow joins today;
  minhash     plain MinHash LSH, no verification (rensa, if installed): word trigrams of the text lower-cased,
              ё as е; MINHASH_PERMUTATIONS hashes in MINHASH_BANDS bands; paragraphs sharing a band bucket are
              joined, transitively.
On the labelled set (bench/near_duplicates_corpus.py, also written as JSONL under /tmp): pair precision, recall,
F1 and the adjusted Rand index, overall and per language; per edit kind, the share of copies in their source's
cluster and the number of rows in a cluster with a row of another true group ("wrongly merged"); wall time.
A cut copy that is as much a copy of a different fact (`also_source_ids`) may join either, and is left out of
the pair scores.
On MRPC (../shared/data/dedup-labelled-mrpc): how many paraphrase and non-paraphrase pairs land in one cluster.
Paraphrases are not copies: reported, not a target.
--throughput N times each method on N recombined paragraphs (paragraphs per second, peak RSS of this process
during the call, sampled every RSS_SAMPLE_S) and scores nothing but the share of the built-in copies joined.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/near_duplicates.py`, bench/ is first on sys.path and the repository is not: put it first,
# so that bench.* imports as in the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import datetime
import importlib
import importlib.metadata
import json
import os
import platform
import resource
import shlex
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import numpy as np
import polars as pl
from rich.console import Console
from rich.table import Table

from bench.corpus import _rows
from bench.limits import PAGE
from bench.near_duplicates_corpus import (
    ORIGINALS,
    SEED,
    SHARED_DATA,
    build_labelled,
    build_throughput,
    load_pool,
    write_jsonl,
)
from tasks.fingerprint import fingerprint_paragraphs

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
JSONL = Path("/tmp/newsflow-near-duplicates")
MINHASH_PERMUTATIONS = 128
MINHASH_BANDS = 16  # of 8 rows: a pair with Jaccard similarity 0.67 shares a bucket with probability 1/2
MINHASH_SEED = 13
MINHASH_CHUNK = 50_000
RSS_SAMPLE_S = 0.05
FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
METHODS = ("near_dedup", "exact", "minhash")

Clusterer = Callable[[pl.DataFrame], pl.DataFrame]


class ClusteringOutputError(Exception):
    """A method returned something other than one (paragraph_id, cluster_id) row per input paragraph."""


# --- scoring ---


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    adjusted_rand_index: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def _codes(labels: Sequence | np.ndarray) -> np.ndarray:
    return np.unique(np.asarray(labels), return_inverse=True)[1].ravel()


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def pair_scores(truth: Sequence | np.ndarray, predicted: Sequence | np.ndarray) -> PairScores:
    """Pair precision/recall/F1 (a pair is two rows in one cluster) and the adjusted Rand index (Hubert and
    Arabie), from the contingency table of the two labelings. With no predicted pairs precision is 1 (nothing
    was merged wrongly); with no true pairs recall is 1; ARI is 1 when the partitions cannot differ by chance."""
    true_codes, predicted_codes = _codes(truth), _codes(predicted)
    if len(true_codes) != len(predicted_codes):
        raise ValueError(f"{len(true_codes)} true labels against {len(predicted_codes)} predicted")
    joint = np.unique(true_codes * (predicted_codes.max(initial=0) + 1) + predicted_codes, return_counts=True)[1]
    correct = _pairs(joint)
    true_pairs, predicted_pairs = _pairs(np.bincount(true_codes)), _pairs(np.bincount(predicted_codes))
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = len(true_codes) * (len(true_codes) - 1) / 2
    expected = true_pairs * predicted_pairs / total if total else 0.0
    maximum = (true_pairs + predicted_pairs) / 2
    ari = 1.0 if maximum == expected else (correct - expected) / (maximum - expected)
    return PairScores(precision, recall, f1, ari, true_pairs, predicted_pairs, correct)


def attach_clusters(paragraphs: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """The paragraphs with the method's cluster_id; ClusteringOutputError unless it gave one row per input."""
    missing = {"paragraph_id", "cluster_id"} - set(clusters.columns)
    if missing:
        raise ClusteringOutputError(f"the clusters have no column {', '.join(sorted(missing))}")
    clusters = clusters.select(pl.col("paragraph_id").cast(pl.String), pl.col("cluster_id").cast(pl.String))
    distinct = clusters["paragraph_id"].n_unique()
    if clusters.height != paragraphs.height or distinct != clusters.height:
        raise ClusteringOutputError(
            f"{clusters.height} cluster rows ({distinct} distinct paragraph ids) for {paragraphs.height} paragraphs"
        )
    joined = paragraphs.join(clusters, on="paragraph_id", how="left")
    if joined["cluster_id"].null_count():
        raise ClusteringOutputError(f"{joined['cluster_id'].null_count()} paragraphs have no cluster")
    return joined


def score_labelled(labelled: pl.DataFrame, clusters: pl.DataFrame) -> dict:
    """Overall and per-language pair scores; per kind, copies joined to their source and rows wrongly merged.

    A copy of two sources (`also_source_ids`: a cut copy that is also a copy of a different fact) counts as
    joined in either source's cluster, is wrongly merged only with a third group, makes no other row wrongly
    merged, and is left out of the pair scores (`ambiguous_rows` counts them)."""
    frame = attach_clusters(labelled, clusters)
    where = frame.select("paragraph_id", "group", "cluster_id")
    also = (
        frame.select("paragraph_id", pl.col("also_source_ids").alias("other"))
        .explode("other")
        .join(
            where.rename({"paragraph_id": "other", "group": "other_group", "cluster_id": "other_cluster"}), on="other"
        )
        .group_by("paragraph_id")
        .agg(pl.col("other_group").alias("also_groups"), pl.col("other_cluster").alias("also_clusters"))
    )
    frame = frame.join(also, on="paragraph_id", how="left").with_columns(
        pl.col("also_groups", "also_clusters").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    clear = frame.filter(pl.col("also_groups").list.len() == 0)
    groups = clear.group_by("cluster_id").agg(pl.col("group").unique().alias("cluster_groups"))
    sources = where.select(pl.col("paragraph_id").alias("source_id"), pl.col("cluster_id").alias("source_cluster"))
    frame = (
        frame.join(groups, on="cluster_id", how="left")
        .join(sources, on="source_id", how="left")
        .with_columns(
            joined=(pl.col("cluster_id") == pl.col("source_cluster"))
            | pl.col("also_clusters").list.contains(pl.col("cluster_id")),
            wrongly_merged=pl.col("cluster_groups")
            .fill_null(pl.lit([], dtype=pl.List(pl.String)))
            .list.set_difference(pl.concat_list("group", "also_groups"))
            .list.len()
            > 0,
        )
    )
    clear = frame.filter(pl.col("also_groups").list.len() == 0)
    by_language = {
        language: asdict(pair_scores(part["group"].to_numpy(), part["cluster_id"].to_numpy()))
        for (language,), part in sorted(clear.group_by("language"))
    }
    by_kind = _by_kind(frame, "role", "kind")
    for (kind, language), record in _by_kind(frame, "kind", "language").items():
        by_kind[kind].setdefault("by_language", {})[language] = record
    copies = frame.filter(pl.col("role") == "copy")
    return {
        "overall": asdict(pair_scores(clear["group"].to_numpy(), clear["cluster_id"].to_numpy())),
        "ambiguous_rows": frame.height - clear.height,
        "copies_joined_to_source": round(copies["joined"].mean(), 4),
        "different_facts_merged": int(frame.filter(pl.col("role") == "apart")["wrongly_merged"].sum()),
        "by_language": by_language,
        "by_kind": by_kind,
    }


def _by_kind(frame: pl.DataFrame, *keys: str) -> dict:
    """Per value of `keys` (the last two: a kind and its role or language): rows, rows wrongly merged, and for
    copies how many are in their source's cluster."""
    counts = frame.group_by(*keys).agg(
        rows=pl.len(),
        wrongly_merged=pl.col("wrongly_merged").sum(),
        joined=pl.col("joined").sum(),
        copy=(pl.col("role") == "copy").all(),
    )
    result = {}
    for row in counts.sort(*keys).iter_rows(named=True):
        record = {"role": row["role"]} if "role" in keys else {}
        record.update(rows=row["rows"], wrongly_merged=row["wrongly_merged"])
        if row["copy"]:
            record.update(joined=row["joined"], recall=round(row["joined"] / row["rows"], 4))
        result[row["kind"] if "role" in keys else (row["kind"], row["language"])] = record
    return result


def mrpc_pairs(data: Path = SHARED_DATA) -> pl.DataFrame:
    """The labelled pairs, numbered: a few MRPC ids occur twice in this copy (its README)."""
    frame = pl.DataFrame(list(_rows(data / "dedup-labelled-mrpc" / "pairs.jsonl")))
    return frame.select(pl.int_range(frame.height).alias("pair"), "text_a", "text_b", "label")


def score_mrpc(pairs: pl.DataFrame, clusterer: Clusterer) -> dict:
    """How many labelled paraphrase (1) and non-paraphrase (0) pairs the method puts in one cluster."""
    paragraphs = pl.concat(
        [
            pairs.select(
                pl.format("{}/{}", "pair", pl.lit(side)).alias("paragraph_id"), pl.col(f"text_{side}").alias("text")
            )
            for side in ("a", "b")
        ]
    ).with_columns(language=pl.lit("en"))
    started = time.perf_counter()
    clusters = attach_clusters(paragraphs, clusterer(paragraphs))
    seconds = time.perf_counter() - started
    cluster_of = dict(zip(clusters["paragraph_id"], clusters["cluster_id"], strict=True))
    merged = pairs.with_columns(
        merged=pl.Series([cluster_of[f"{i}/a"] == cluster_of[f"{i}/b"] for i in pairs["pair"]], dtype=pl.Boolean)
    )
    counts = merged.group_by("label").agg(pairs=pl.len(), merged=pl.col("merged").sum())
    result = {"seconds": round(seconds, 2)}
    for row in counts.sort("label").iter_rows(named=True):
        name = "paraphrases" if row["label"] == 1 else "non_paraphrases"
        result[name] = {"pairs": row["pairs"], "merged": row["merged"], "share": round(row["merged"] / row["pairs"], 4)}
    return result


# --- methods ---


def exact_clusters(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """The baseline of today: a cluster per normalized exact id (tasks/fingerprint.py)."""
    ids = fingerprint_paragraphs(paragraphs.select("text"))["paragraph_id"]
    return pl.DataFrame({"paragraph_id": paragraphs["paragraph_id"], "cluster_id": ids})


def trigram_hashes(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The word trigrams of each text (lower-cased, ё as е; its words if it has fewer than three), hashed: one
    flat uint64 array and the row offsets into it. Polars' hash is not stable across its releases; these hashes
    live only for one call and are never stored."""
    words = (
        texts.str.to_lowercase()
        .str.replace_all("ё", "е", literal=True)
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.split(" ")
    )
    flat = words.to_frame("word").with_row_index("row").explode("word")
    row, word = pl.col("row"), pl.col("word")
    tokens = (
        flat.with_columns(words=pl.len().over("row"))
        .select(
            "row",
            pl.when(pl.col("words") < 3)
            .then(word)
            .when(row.shift(-2) == row)
            .then(pl.concat_str([word, word.shift(-1), word.shift(-2)], separator=" "))
            .alias("token"),
        )
        .drop_nulls("token")
        .with_columns(pl.col("token").hash(MINHASH_SEED))
    )
    counts = np.bincount(tokens["row"].to_numpy(), minlength=len(texts))
    return tokens["token"].to_numpy(), np.concatenate([[0], np.cumsum(counts)]).astype(np.uint64)


def band_components(digests: np.ndarray, bands: int) -> np.ndarray:
    """For each row, the smallest row it is joined to through rows sharing any band bucket (transitively)."""
    rows, width = digests.shape
    per_band = width // bands
    buckets = []
    for band in range(bands):
        key = np.full(rows, FNV_OFFSET, dtype=np.uint64)
        for column in digests[:, band * per_band : (band + 1) * per_band].T.astype(np.uint64):
            key = (key ^ column) * FNV_PRIME
        buckets.append(np.unique(key, return_inverse=True)[1].ravel() + band * rows)
    return connected_components(np.tile(np.arange(rows), bands), np.concatenate(buckets), rows)


def connected_components(members: np.ndarray, buckets: np.ndarray, rows: int) -> np.ndarray:
    """Label each of `rows` rows with the smallest row in its component, where the rows `members[i]` sharing a
    bucket `buckets[i]` are connected: min-label propagation with pointer jumping, vectorized."""
    labels = np.arange(rows)
    while True:
        lowest = np.full(int(buckets.max(initial=0)) + 1, rows)
        np.minimum.at(lowest, buckets, labels[members])
        joined = labels.copy()
        np.minimum.at(joined, members, lowest[buckets])
        joined = joined[joined]  # a label is a row with a label no larger, in the same component
        if np.array_equal(joined, labels):
            return labels
        labels = joined


def minhash_clusters(paragraphs: pl.DataFrame) -> pl.DataFrame:
    from rensa import RMinHash

    digests = np.empty((paragraphs.height, MINHASH_PERMUTATIONS), dtype=np.uint32)
    # In chunks: rensa hands its digests over as Python lists, 128 ints a paragraph.
    for start in range(0, paragraphs.height, MINHASH_CHUNK):
        hashes, offsets = trigram_hashes(paragraphs["text"].slice(start, MINHASH_CHUNK))
        matrix = RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, MINHASH_PERMUTATIONS, MINHASH_SEED)
        digests[start : start + MINHASH_CHUNK] = np.array(matrix.to_rows(), dtype=np.uint32)
    labels = band_components(digests, MINHASH_BANDS)
    ids = paragraphs["paragraph_id"]
    return pl.DataFrame({"paragraph_id": ids, "cluster_id": ids.gather(labels)})


def methods(wanted: Sequence[str]) -> dict[str, tuple[Clusterer | None, str]]:
    """Each wanted method, or None and why it is not available."""
    found: dict[str, tuple[Clusterer | None, str]] = {}
    for name in wanted:
        if name == "exact":
            found[name] = (exact_clusters, "")
        elif name == "minhash":
            try:
                importlib.import_module("rensa")
            except ModuleNotFoundError:
                found[name] = (None, "rensa is not installed: plain MinHash skipped (issue 13 adds it)")
            else:
                found[name] = (minhash_clusters, "")
        elif name == "near_dedup":
            found[name] = _near_dedup()
        else:
            raise ValueError(f"unknown method {name!r}: choose from {', '.join(METHODS)}")
    return found


def settings(name: str) -> dict:
    """What a result depends on beyond the code of this file: the MinHash parameters and rensa's version."""
    if name != "minhash":
        return {}
    return {
        "shingles": "word trigrams",
        "permutations": MINHASH_PERMUTATIONS,
        "bands": MINHASH_BANDS,
        "rows_per_band": MINHASH_PERMUTATIONS // MINHASH_BANDS,
        "rensa": importlib.metadata.version("rensa"),
    }


def _near_dedup() -> tuple[Clusterer | None, str]:
    try:
        module = importlib.import_module("tasks.near_dedup")
    except ModuleNotFoundError as error:
        if error.name == "tasks.near_dedup":
            return None, "tasks/near_dedup.py does not exist yet (issue 13): only the baselines were scored"
        # Its dependency missing (rensa before `uv sync`): said, not a traceback. Any other error is a bug: raised.
        return None, f"tasks.near_dedup cannot be imported: {error} (run python3 bootstrap.py run to install)"
    function = getattr(module, "cluster_texts", None)
    if function is None:
        return None, "tasks.near_dedup has no cluster_texts yet (issue 13): only the baselines were scored"
    return function, ""


# --- runs ---


def _rss() -> int:
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[1]) * PAGE


@contextmanager
def peak_rss() -> Iterator[dict[str, int]]:
    """Sample this process's RSS every RSS_SAMPLE_S while the block runs; the peak is in result["peak"]."""
    result = {"before": _rss(), "peak": _rss()}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(RSS_SAMPLE_S):
            result["peak"] = max(result["peak"], _rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        done.set()
        sampler.join()
        result["peak"] = max(result["peak"], _rss())


def run_labelled(args: argparse.Namespace, console: Console) -> dict:
    started = time.perf_counter()
    pool = load_pool(args.data, args.seed)
    labelled = build_labelled(pool, args.seed, args.originals)
    built = time.perf_counter() - started
    jsonl = write_jsonl(labelled, JSONL / f"labelled-seed{args.seed}.jsonl")
    two_sources = labelled.filter(pl.col("also_source_ids").list.len() > 0).height
    console.print(f"labelled set: {labelled.height:,} rows, {labelled['group'].n_unique():,} true groups, "
                  f"{two_sources} cut copies of two sources; built in {built:.1f} s, written to {jsonl}")  # fmt: skip
    mrpc = mrpc_pairs(args.data)
    inputs = labelled.select("paragraph_id", "text", "language")
    results: dict[str, dict] = {}
    for name, (clusterer, note) in methods(args.methods).items():
        if clusterer is None:
            console.print(f"[yellow]{name}: {note}[/yellow]")
            results[name] = {"available": False, "note": note}
            continue
        console.print(f"{name}: clustering {inputs.height:,} paragraphs …")
        clock = time.perf_counter()
        clusters = clusterer(inputs)
        seconds = time.perf_counter() - clock
        results[name] = {"available": True, "settings": settings(name), "seconds": round(seconds, 2),
                         **score_labelled(labelled, clusters)}  # fmt: skip
        results[name]["mrpc"] = score_mrpc(mrpc, clusterer)
    counts = labelled.group_by("role", "kind", "language").len().sort("role", "kind", "language")
    return {
        "benchmark": "near_duplicates",
        "measured": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": shlex.join(["python", "bench/near_duplicates.py", *sys.argv[1:]]),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "set": {
            "seed": args.seed,
            "originals_per_language": args.originals,
            "rows": labelled.height,
            "true_groups": labelled["group"].n_unique(),
            "copies_of_two_sources": two_sources,
            "build_seconds": round(built, 2),
            "rows_by_kind": {
                f"{row['role']}/{row['kind']}/{row['language']}": row["len"] for row in counts.iter_rows(named=True)
            },
            "mrpc_pairs": mrpc.height,
        },
        "methods": results,
    }


def run_throughput(args: argparse.Namespace, console: Console) -> dict:
    started = time.perf_counter()
    frame = build_throughput(load_pool(args.data, args.seed), args.throughput, args.seed)
    built = time.perf_counter() - started
    console.print(f"throughput corpus: {frame.height:,} paragraphs, {frame['text'].str.len_bytes().sum() / 1e6:.0f} MB "
                  f"of text, built in {built:.1f} s")  # fmt: skip
    inputs = frame.select("paragraph_id", "text", "language")
    copies = frame.filter(pl.col("copy_of").is_not_null()).select("paragraph_id", "copy_of")
    results: dict[str, dict] = {}
    for name, (clusterer, note) in methods(args.methods).items():
        if clusterer is None:
            console.print(f"[yellow]{name}: {note}[/yellow]")
            results[name] = {"available": False, "note": note}
            continue
        console.print(f"{name}: clustering {inputs.height:,} paragraphs …")
        with peak_rss() as rss:
            clock = time.perf_counter()
            clusters = clusterer(inputs)
            seconds = time.perf_counter() - clock
        clustered = attach_clusters(inputs, clusters).select("paragraph_id", "cluster_id")
        pairs = copies.join(clustered, on="paragraph_id").join(
            clustered.rename({"paragraph_id": "copy_of", "cluster_id": "source_cluster"}), on="copy_of"
        )
        results[name] = {
            "available": True,
            "settings": settings(name),
            "seconds": round(seconds, 2),
            "paragraphs_per_second": round(inputs.height / seconds),
            "rss_before_mb": round(rss["before"] / 2**20),
            "peak_rss_mb": round(rss["peak"] / 2**20),
            "max_rss_of_process_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "clusters": clustered["cluster_id"].n_unique(),
            "copies_joined_to_source": round(float((pairs["cluster_id"] == pairs["source_cluster"]).mean()), 4),
        }
    return {
        "benchmark": "near_duplicates_throughput",
        "measured": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": shlex.join(["python", "bench/near_duplicates.py", *sys.argv[1:]]),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "paragraphs": frame.height,
        "text_bytes": int(frame["text"].str.len_bytes().sum()),
        "built_in_copies": copies.height,
        "build_seconds": round(built, 2),
        "methods": results,
    }


def print_labelled(report: dict, console: Console) -> None:
    scored = {name: result for name, result in report["methods"].items() if result["available"]}
    overall = Table(title=f"near-duplicate clustering: {report['set']['rows']:,} labelled paragraphs")
    for column in ("method", "precision", "recall", "F1", "ARI", "copies joined", "facts merged", "seconds"):
        overall.add_column(column, justify="left" if column == "method" else "right")
    for name, result in scored.items():
        score = result["overall"]
        overall.add_row(
            name, f"{score['precision']:.3f}", f"{score['recall']:.3f}", f"{score['f1']:.3f}",
            f"{score['adjusted_rand_index']:.3f}", f"{result['copies_joined_to_source']:.1%}",
            str(result["different_facts_merged"]), f"{result['seconds']:.2f}",
        )  # fmt: skip
    console.print(overall)
    kinds = Table(title="per edit kind: copies joined to their source (recall) / rows wrongly merged")
    kinds.add_column("kind")
    kinds.add_column("role")
    kinds.add_column("rows", justify="right")
    for name in scored:
        kinds.add_column(name, justify="right")
    first = next(iter(scored.values()), None)
    for kind, record in (first or {"by_kind": {}})["by_kind"].items():
        cells = []
        for result in scored.values():
            entry = result["by_kind"][kind]
            joined = f"{entry['recall']:.1%} / " if record["role"] == "copy" else ""
            cells.append(f"{joined}{entry['wrongly_merged']}")
        kinds.add_row(kind, record["role"], str(record["rows"]), *cells)
    console.print(kinds)
    mrpc = Table(title=f"MRPC: labelled pairs put in one cluster ({report['set']['mrpc_pairs']:,} pairs)")
    for column in ("method", "paraphrases", "non-paraphrases"):
        mrpc.add_column(column, justify="left" if column == "method" else "right")
    for name, result in scored.items():
        pos, neg = result["mrpc"]["paraphrases"], result["mrpc"]["non_paraphrases"]
        mrpc.add_row(name, f"{pos['merged']} of {pos['pairs']}", f"{neg['merged']} of {neg['pairs']}")
    console.print(mrpc)


def print_throughput(report: dict, console: Console) -> None:
    table = Table(title=f"throughput: {report['paragraphs']:,} paragraphs ({report['text_bytes'] / 1e6:.0f} MB)")
    for column in ("method", "seconds", "paragraphs/s", "RSS before MB", "peak RSS MB", "copies joined"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for name, result in report["methods"].items():
        if result["available"]:
            table.add_row(
                name, f"{result['seconds']:.1f}", f"{result['paragraphs_per_second']:,}",
                f"{result['rss_before_mb']:,}", f"{result['peak_rss_mb']:,}",
                f"{result['copies_joined_to_source']:.1%}",
            )  # fmt: skip
    console.print(table)


def _method_names(value: str) -> list[str]:
    names = value.split(",")
    unknown = [name for name in names if name not in METHODS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown method {', '.join(unknown)}: choose from {', '.join(METHODS)}")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--originals", type=int, default=ORIGINALS, help="originals per language")
    parser.add_argument("--throughput", type=int, metavar="N", help="time the methods on N paragraphs instead")
    parser.add_argument("--methods", type=_method_names, default=list(METHODS), help=f"of {', '.join(METHODS)}")
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared corpora (../shared/data)")
    parser.add_argument("--out", type=Path, help="results file (default bench/results/near_duplicates*.json)")
    args = parser.parse_args()
    console = Console()
    if not console.is_terminal:
        console.width = 120  # the tables, not wrapped at 80 columns in a log
    try:
        if args.throughput:
            report = run_throughput(args, console)
            print_throughput(report, console)
            out = args.out or RESULTS / f"near_duplicates-throughput-{args.throughput}.json"
        else:
            report = run_labelled(args, console)
            print_labelled(report, console)
            out = args.out or RESULTS / "near_duplicates.json"
    except (FileNotFoundError, ClusteringOutputError) as error:
        raise SystemExit(f"near_duplicates: {error}") from None
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"results written to {out}")


if __name__ == "__main__":
    main()
