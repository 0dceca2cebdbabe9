"""Train the boilerplate model (tasks/boilerplate_model.py) on the dev half of the labelled web pages.

    .venv/bin/python bench/train_boilerplate.py   # needs the `bench` group (LightGBM)
    -> tasks/boilerplate_model.json

Deterministic: the same data give the same file (no random sampling; LightGBM on one thread, deterministic).
1. Lines: the pages of the dev half (bench/boilerplate.py `half`) segmented and language-labelled as the
   prepare step does, the rules applied (tasks/boilerplate.py `apply_rules`), the context features computed
   (`line_features`). A line holding a must-drop snippet is boilerplate (1), one holding a must-keep
   snippet is not (0); the trees learn only from the lines no rule decided, where they will act.
2. Lexicon: per word (lowercase letters), the smoothed log-odds that a labelled line holding it is
   boilerplate, for the words of at least LEXICON_MIN_LINES labelled lines. The trees learn from lexicon
   features computed out of fold (each line's by a lexicon of the other folds' pages), so they learn how
   far a lexicon carries to pages it did not see; the file holds the lexicon of all the dev pages.
3. Trees: LightGBM, ROUNDS rounds of trees of LEAVES leaves on the log loss (settings in PARAMETERS),
   exported as arrays (a NumPy evaluator reads them at run time; it is checked here against LightGBM's
   own scores).
4. Threshold: the lowest score at which MIN_KEPT of the dev half's must-keep snippets of each language
   (de, en, es, fr, the others together) stay kept by the rules and the model together (a snippet is
   lost when every line holding it is flagged; where the rules alone keep less, the model may lose none),
   on scores cross-fitted over FOLDS folds of the dev pages (each line scored by trees and a lexicon that
   did not see its page).
The held-out half is never read here: bench/boilerplate.py measures it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import lightgbm
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from boilerplate import REPORTED_LANGUAGES, TRAFILATURA, half, trafilatura_pages

from tasks import boilerplate_model
from tasks.boilerplate import apply_rules
from tasks.boilerplate_model import CONTEXT_FEATURES, FEATURES, LEXICON_FEATURES, MODEL_PATH, line_features
from tasks.language import identify_languages
from tasks.segment import segment_documents

LANGUAGES = ("de", "en", "es", "fr", "kk", "ru")  # flows/settings.py's default
ROUNDS = 300
LEAVES = 4
# Small trees, shrunk, with at least 20 lines a leaf: in 5-fold cross-fitting on the dev pages, trees of 4
# leaves (300 rounds) dropped 67.4% at 98% kept; with the neighbours' lexicon scores too, 4 leaves 66.8%,
# 3 leaves (400 rounds) 67.0%, 8 leaves (200 rounds) 65.3% (bench/README.md).
PARAMETERS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": LEAVES,
    "min_data_in_leaf": 20,
    "lambda_l2": 10.0,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
    "seed": 1,
    "verbose": -1,
}
LEXICON_MIN_LINES = 3
LEXICON_SMOOTHING = 1.0
MIN_KEPT = 0.98
FOLDS = 5


def labelled_lines(pages: list[dict]) -> pl.DataFrame:
    documents = pl.DataFrame({"document_id": [p["id"] for p in pages], "text": [p["text"] for p in pages]})
    paragraphs, _ = segment_documents(documents)
    paragraphs, _, _ = identify_languages(paragraphs, LANGUAGES)
    lines = line_features(apply_rules(paragraphs))
    by_id = {page["id"]: page for page in pages}
    labels, keep_snippets, drop_snippets = [], [], []
    for doc, text in lines.select("document_id", "text").rows():
        page = by_id[doc]
        keep = [i for i, s in enumerate(page["must_keep"]) if s in text]
        drop = [i for i, s in enumerate(page["must_drop"]) if s in text]
        labels.append(None if bool(keep) == bool(drop) else int(bool(drop)))
        keep_snippets.append([f"{doc}/{i}" for i in keep])
        drop_snippets.append([f"{doc}/{i}" for i in drop])
    return lines.with_columns(
        page_language=pl.Series([by_id[doc]["lang"] for doc in lines["document_id"]]),
        label=pl.Series(labels, dtype=pl.Int8),
        keep_snippets=pl.Series(keep_snippets, dtype=pl.List(pl.String)),
        drop_snippets=pl.Series(drop_snippets, dtype=pl.List(pl.String)),
    )


def learn_lexicon(lines: pl.DataFrame) -> pl.DataFrame:
    """(word, log_odds): per word of at least LEXICON_MIN_LINES labelled lines, the smoothed log-odds that a
    labelled line holding it is boilerplate, against the base rate of the lines."""
    labelled = lines.filter(pl.col("label").is_not_null())
    chrome, article = (labelled["label"] == 1).sum(), (labelled["label"] == 0).sum()
    per_word = (
        labelled.select("label", word=boilerplate_model.line_words(pl.col("text")))
        .explode("word")
        .drop_nulls("word")
        .group_by("word")
        .agg(chrome=(pl.col("label") == 1).sum(), article=(pl.col("label") == 0).sum())
        .filter(pl.col("chrome") + pl.col("article") >= LEXICON_MIN_LINES)
    )
    smooth = LEXICON_SMOOTHING
    log_odds = ((pl.col("chrome") + smooth) / (chrome + 2 * smooth)).log() - (
        (pl.col("article") + smooth) / (article + 2 * smooth)
    ).log()
    return per_word.select("word", log_odds=log_odds.round(4)).sort("word")


def out_of_fold_lexicon(lines: pl.DataFrame, folds: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """LEXICON_FEATURES of every line of `seen` pages, each by a lexicon of the other seen folds' pages."""
    out = np.zeros((lines.height, len(LEXICON_FEATURES)))
    for k in np.unique(folds[seen]):
        lexicon = learn_lexicon(lines.filter(pl.Series(seen & (folds != k))))
        rows = folds == k
        out[rows] = (
            boilerplate_model.lexicon_features(lines.filter(pl.Series(rows)), lexicon)
            .select(LEXICON_FEATURES)
            .to_numpy()
        )
    return out


def train_trees(x: np.ndarray, y: np.ndarray) -> lightgbm.Booster:
    return lightgbm.train(PARAMETERS, lightgbm.Dataset(x, y, feature_name=list(FEATURES)), ROUNDS)


def tree_arrays(booster: lightgbm.Booster) -> tuple[list[str], list[dict]]:
    """The features the trees use, and each tree as tasks/boilerplate_model.py's Tree reads it: per node
    the index of its feature among those used, its threshold and its children (a child < 0 is the leaf
    ~child), and the leaves' values. Only the features used are listed, so the runtime computes no other."""
    dumped = booster.dump_model()["tree_info"]
    used = sorted({node["split_feature"] for info in dumped for node in splits(info["tree_structure"])})
    trees = []
    for info in dumped:
        nodes: list[dict] = []
        leaves: list[float] = []

        def visit(node: dict, nodes: list[dict] = nodes, leaves: list[float] = leaves) -> int:
            if "leaf_value" in node:
                leaves.append(node["leaf_value"])
                return ~(len(leaves) - 1)
            if node["decision_type"] != "<=" or node["missing_type"] not in ("None", "NaN"):
                raise ValueError(f"a split the runtime does not read: {node['decision_type']}, {node['missing_type']}")
            at = len(nodes)
            nodes.append({"feature": used.index(node["split_feature"]), "threshold": node["threshold"]})
            nodes[at]["left"] = visit(node["left_child"])
            nodes[at]["right"] = visit(node["right_child"])
            return at

        visit(info["tree_structure"])
        trees.append({key: [node[key] for node in nodes] for key in ("feature", "threshold", "left", "right")})
        trees[-1]["value"] = leaves
    return [FEATURES[j] for j in used], trees


def splits(node: dict) -> list[dict]:
    if "leaf_value" in node:
        return []
    return [node, *splits(node["left_child"]), *splits(node["right_child"])]


def as_model(booster: lightgbm.Booster, lexicon: pl.DataFrame) -> boilerplate_model.BoilerplateModel:
    used, trees = tree_arrays(booster)
    return boilerplate_model.BoilerplateModel(
        0.0,
        tuple(used),
        tuple(
            boilerplate_model.Tree(*(np.array(tree[key]) for key in ("feature", "threshold", "left", "right", "value")))
            for tree in trees
        ),
        lexicon,
    )


def snippet_rates(lines: pl.DataFrame, drop_score: np.ndarray, threshold: float) -> tuple[float, float, int, int]:
    """Shares of must-keep snippets kept and must-drop snippets dropped, flagging lines at `threshold`."""
    frame = lines.select("keep_snippets", "drop_snippets").with_columns(flagged=pl.Series(drop_score >= threshold))
    rates = []
    for column in ("keep_snippets", "drop_snippets"):
        per_snippet = frame.explode(column).drop_nulls(column).group_by(column).agg(pl.col("flagged").all())
        rates.append((per_snippet["flagged"].sum(), per_snippet.height))
    (lost, keeps), (dropped, drops) = rates
    return 1 - lost / keeps, dropped / drops, keeps, drops


def drop_scores(lines: pl.DataFrame, scores: np.ndarray) -> np.ndarray:
    """The score at which each line is flagged, as tasks/boilerplate.py decides: a rule's flag always,
    what is the article's by its shape (`article`) never, the rest by the model."""
    ruled, article = lines["ruled"].to_numpy() > 0, lines["article"].to_numpy()
    return np.where(ruled, np.inf, np.where(article, -np.inf, scores))


def choose_threshold(lines: pl.DataFrame, scores: np.ndarray, min_kept: float) -> float:
    """The lowest score that keeps min_kept of the must-keep snippets of every language (REPORTED_LANGUAGES
    and the others together), so that no language pays for another's gain."""
    reported = lines["page_language"].is_in(REPORTED_LANGUAGES).to_numpy()
    groups = [lines["page_language"].to_numpy() == code for code in REPORTED_LANGUAGES] + [~reported]
    drop_score = drop_scores(lines, scores)
    return max(threshold_keeping(lines.filter(pl.Series(group)), drop_score[group], min_kept) for group in groups)


def threshold_keeping(lines: pl.DataFrame, drop_score: np.ndarray, min_kept: float) -> float:
    """The lowest score that keeps min_kept of these lines' must-keep snippets."""
    critical = (
        lines.select("keep_snippets")
        .with_columns(score=pl.Series(drop_score))
        .explode("keep_snippets")
        .drop_nulls("keep_snippets")
        .group_by("keep_snippets")
        .agg(pl.col("score").min())["score"]
        .sort()
        .to_numpy()
    )
    # Flagging at t loses the snippets whose lowest line score is >= t: at most (1 - min_kept) of them.
    allowed = int(np.floor((1 - min_kept) * len(critical)))
    ordered = critical[~np.isposinf(critical)]  # sorted; +inf: lost to the rules whatever the model says
    budget = max(allowed - (len(critical) - len(ordered)), 0)  # below min_kept by the rules: the model loses none
    if not len(ordered):
        return -float("inf")
    # Lose at most the `budget` highest-scoring snippets: flag only above the next one down.
    return float(np.nextafter(ordered[-budget - 1], np.inf)) if budget < len(ordered) else float(ordered[0])


def fold(page_id: str) -> int:
    """The page's fold for cross-fitting (a byte of its hash other than the one that splits the halves)."""
    return hashlib.blake2b(page_id.encode("utf-8")).digest()[1] % FOLDS


def cross_fitted_scores(lines: pl.DataFrame, trainable: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Each line's score by trees and a lexicon that did not see its page: the threshold is chosen on
    scores of lines the model did not see, as it will meet them."""
    context, y = lines.select(CONTEXT_FEATURES).to_numpy(), lines["label"].fill_null(0).to_numpy().astype(np.float64)
    scores = np.zeros(lines.height)
    for k in range(FOLDS):
        seen = folds != k
        x = np.hstack([context, out_of_fold_lexicon(lines, folds, seen)])
        booster = train_trees(x[trainable & seen], y[trainable & seen])
        held = lines.filter(pl.Series(~seen))
        lexicon = boilerplate_model.lexicon_features(held, learn_lexicon(lines.filter(pl.Series(seen))))
        scores[~seen] = booster.predict(lexicon.select(FEATURES).to_numpy(), raw_score=True)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-kept", type=float, default=MIN_KEPT, help="must-keep share kept on dev (%(default)s)")
    args = parser.parse_args()
    pages = [
        {**page, "text": (TRAFILATURA / "txt" / f"{page['id']}.txt").read_text(encoding="utf-8")}
        for page in trafilatura_pages()
        if half(page["id"]) == "dev"
    ]
    lines = labelled_lines(pages)
    folds = np.array([fold(doc) for doc in lines["document_id"]])
    trainable = lines.select(pl.col("label").is_not_null() & (pl.col("ruled") == 0)).to_series().to_numpy()
    y = lines["label"].fill_null(0).to_numpy().astype(np.float64)
    x = np.hstack(
        [lines.select(CONTEXT_FEATURES).to_numpy(), out_of_fold_lexicon(lines, folds, np.ones_like(trainable))]
    )
    booster = train_trees(x[trainable], y[trainable])
    lexicon = learn_lexicon(lines)
    model = as_model(booster, lexicon)
    # The runtime's trees must score as LightGBM does.
    features = boilerplate_model.lexicon_features(lines, lexicon)
    gap = np.abs(model.score(features) - booster.predict(features.select(FEATURES).to_numpy(), raw_score=True)).max()
    if gap > 1e-9:
        raise RuntimeError(f"the exported trees score {gap} away from LightGBM's")
    scores = cross_fitted_scores(lines, trainable, folds)
    threshold = choose_threshold(lines, scores, args.min_kept)
    drop_score = drop_scores(lines, scores)
    rules_kept, rules_dropped, keeps, drops = snippet_rates(lines, drop_score, np.inf)
    kept, dropped, _, _ = snippet_rates(lines, drop_score, threshold)
    used, trees = tree_arrays(booster)
    stored = {
        "about": "tasks/boilerplate_model.py; written by bench/train_boilerplate.py, do not edit",
        "trained_on": f"web-boilerplate-trafilatura, dev half: {len(pages)} pages, "
        f"{int(trainable.sum())} lines no rule decided ({int(y[trainable].sum())} boilerplate)",
        "dev_snippets": {
            "must_keep": keeps,
            "must_drop": drops,
            "rules": {"kept": round(rules_kept, 4), "dropped": round(rules_dropped, 4)},
            "rules_and_model": {"kept": round(kept, 4), "dropped": round(dropped, 4)},
        },
        "settings": {
            **{key: PARAMETERS[key] for key in ("learning_rate", "num_leaves", "min_data_in_leaf", "lambda_l2")},
            "rounds": ROUNDS,
            "lexicon_min_lines": LEXICON_MIN_LINES,
            "min_kept": args.min_kept,
            "lightgbm": lightgbm.__version__,
        },
        "threshold": threshold if np.isfinite(threshold) else 1e9,
        # The features the trees use, in the order their feature indices count them.
        "features": used,
        "trees": trees,
        "lexicon": dict(lexicon.rows()),
    }
    MODEL_PATH.write_text(json.dumps(stored, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(json.dumps({key: stored[key] for key in ("trained_on", "dev_snippets", "threshold")}, indent=1))
    print(f"features not used: {sorted(set(FEATURES) - set(used))}")


if __name__ == "__main__":
    main()
