"""Train the boilerplate model (tasks/boilerplate_model.py) on the dev half of the labelled web pages.

    .venv/bin/python bench/train_boilerplate.py   # needs the `bench` group (jusText's stoplists)
    -> tasks/boilerplate_stopwords.json, tasks/boilerplate_model.json

Deterministic: the same data give the same files (no random sampling; ties broken by order).
1. Function words: for each configured language, the STOPWORDS_PER_LANGUAGE words of jusText's stoplist
   that occur most often in our text of that language (the dev pages by their labelled language, and the
   news sets of ../shared/data), so the runtime needs neither jusText nor its 100,000-word lists.
2. Lines: the pages of the dev half (bench/boilerplate.py `half`) segmented and language-labelled as the
   prepare step does, the rules applied (tasks/boilerplate.py `apply_rules`), the features computed
   (`line_features`). A line holding a must-drop snippet is boilerplate (1), one holding a must-keep
   snippet is not (0); the model learns only from the lines no rule decided, where it will act.
3. Model: ROUNDS rounds of gradient boosting of decision stumps on the log loss (Newton steps, shrunk by
   LEARNING_RATE), each stump split at one of up to BINS quantiles of its feature. The stumps of one
   feature add up to one step function, which is what the JSON stores.
4. Threshold: the lowest score at which MIN_KEPT of the dev half's must-keep snippets of each language
   (de, en, es, fr, the others together) stay kept by the rules and the model together (a snippet is
   lost when every line holding it is flagged; where the rules alone keep less, the model may lose none),
   on scores cross-fitted over FOLDS folds of the dev pages (each line scored by a model that did not
   see its page).
The held-out half is never read here: bench/boilerplate.py measures it.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import sys
from pathlib import Path

import justext
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from boilerplate import NEWS_SETS, REPORTED_LANGUAGES, STOPLISTS, TRAFILATURA, half, trafilatura_pages

from tasks import boilerplate_model
from tasks.boilerplate import apply_rules
from tasks.boilerplate_model import FEATURES, MODEL_PATH, STOPWORDS_PATH, line_features
from tasks.language import identify_languages
from tasks.segment import segment_documents

LANGUAGES = ("de", "en", "es", "fr", "kk", "ru")  # flows/settings.py's default
STOPWORDS_PER_LANGUAGE = 100
NEWS_FILES = 2000  # per news set, for the function words' counts
ROUNDS = 150
LEARNING_RATE = 0.05
BINS = 16
L2 = 10.0
MIN_CHILD_HESSIAN = 20.0
MIN_KEPT = 0.98
FOLDS = 5
WORD = re.compile(r"[^\W\d_]+")


def derive_stopwords(pages: list[dict]) -> dict[str, list[str]]:
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for page in pages:
        counts[page["lang"]].update(WORD.findall(page["text"].lower()))
    for name, folder in NEWS_SETS.items():
        language = name[:2]
        for path in sorted(folder.rglob("*.txt"))[:NEWS_FILES]:
            counts[language].update(WORD.findall(path.read_text(encoding="utf-8", errors="replace").lower()))
    out = {}
    for language in LANGUAGES:
        stoplist = justext.get_stoplist(STOPLISTS[language])
        ranked = sorted((word for word in stoplist if counts[language][word]), key=lambda w: (-counts[language][w], w))
        out[language] = sorted(ranked[:STOPWORDS_PER_LANGUAGE])
    return out


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


def train_stumps(x: np.ndarray, y: np.ndarray) -> tuple[float, list[tuple[int, float, float, float]]]:
    """Boosted stumps on the log loss: (bias, [(feature, threshold, left value, right value)])."""
    prior = y.mean()
    bias = float(np.log(prior / (1 - prior)))
    candidates = [np.unique(np.quantile(x[:, j], np.linspace(0, 1, BINS + 1)[1:-1])) for j in range(x.shape[1])]
    bins = [np.searchsorted(candidates[j], x[:, j], side="left") for j in range(x.shape[1])]
    scores = np.full(len(y), bias)
    stumps = []
    for _ in range(ROUNDS):
        p = 1 / (1 + np.exp(-scores))
        g, h = p - y, p * (1 - p)
        big_g, big_h = g.sum(), h.sum()
        best = (0.0, -1, -1)
        for j in range(x.shape[1]):
            n = len(candidates[j])
            g_left = np.cumsum(np.bincount(bins[j], weights=g, minlength=n + 1))[:n]
            h_left = np.cumsum(np.bincount(bins[j], weights=h, minlength=n + 1))[:n]
            g_right, h_right = big_g - g_left, big_h - h_left
            gain = g_left**2 / (h_left + L2) + g_right**2 / (h_right + L2) - big_g**2 / (big_h + L2)
            gain[(h_left < MIN_CHILD_HESSIAN) | (h_right < MIN_CHILD_HESSIAN)] = -np.inf
            if n and gain.max() > best[0]:
                best = (float(gain.max()), j, int(gain.argmax()))
        _, j, k = best
        if j < 0:
            break
        left = bins[j] <= k
        value_left = -LEARNING_RATE * g[left].sum() / (h[left].sum() + L2)
        value_right = -LEARNING_RATE * g[~left].sum() / (h[~left].sum() + L2)
        scores += np.where(left, value_left, value_right)
        stumps.append((j, float(candidates[j][k]), float(value_left), float(value_right)))
    return bias, stumps


def step_functions(stumps: list[tuple[int, float, float, float]]) -> list[dict]:
    """The stumps of each feature summed into one step function: values[i] for x in (t[i-1], t[i]]."""
    terms = []
    for j in sorted({stump[0] for stump in stumps}):
        own = [stump for stump in stumps if stump[0] == j]
        thresholds = sorted({t for _, t, _, _ in own})
        # Interval i holds x with t[i-1] < x <= t[i]: left of every stump whose threshold is t[i] or above.
        values = [
            sum(left if t >= bound else right for _, t, left, right in own) for bound in [*thresholds, float("inf")]
        ]
        terms.append({"feature": FEATURES[j], "thresholds": thresholds, "values": [round(v, 6) for v in values]})
    return terms


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


def cross_fitted_scores(lines: pl.DataFrame, trainable: pl.Expr) -> np.ndarray:
    """Each line's score by a model trained on the other folds' pages: the threshold is chosen on
    scores of lines the model did not see, as it will meet them."""
    folds = np.array([fold(doc) for doc in lines["document_id"]])
    mask = lines.select(trainable).to_series().to_numpy()
    x, y = lines.select(FEATURES).to_numpy(), lines["label"].fill_null(0).to_numpy().astype(np.float64)
    scores = np.zeros(lines.height)
    for k in range(FOLDS):
        bias, stumps = train_stumps(x[mask & (folds != k)], y[mask & (folds != k)])
        scores[folds == k] = as_model(bias, step_functions(stumps)).score(lines.filter(pl.Series(folds == k)))
    return scores


def as_model(bias: float, terms: list[dict]) -> boilerplate_model.BoilerplateModel:
    return boilerplate_model.BoilerplateModel(
        bias,
        0.0,
        tuple(boilerplate_model.Term(t["feature"], np.array(t["thresholds"]), np.array(t["values"])) for t in terms),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-kept", type=float, default=MIN_KEPT, help="must-keep share kept on dev (%(default)s)")
    args = parser.parse_args()
    pages = [
        {**page, "text": (TRAFILATURA / "txt" / f"{page['id']}.txt").read_text(encoding="utf-8")}
        for page in trafilatura_pages()
        if half(page["id"]) == "dev"
    ]
    STOPWORDS_PATH.write_text(
        json.dumps(derive_stopwords(pages), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    boilerplate_model.stopwords.cache_clear()
    lines = labelled_lines(pages)
    trainable = pl.col("label").is_not_null() & (pl.col("ruled") == 0)
    train = lines.filter(trainable)
    x, y = train.select(FEATURES).to_numpy(), train["label"].to_numpy().astype(np.float64)
    bias, stumps = train_stumps(x, y)
    terms = step_functions(stumps)
    scores = cross_fitted_scores(lines, trainable)
    threshold = choose_threshold(lines, scores, args.min_kept)
    drop_score = drop_scores(lines, scores)
    rules_kept, rules_dropped, keeps, drops = snippet_rates(lines, drop_score, np.inf)
    kept, dropped, _, _ = snippet_rates(lines, drop_score, threshold)
    stored = {
        "about": "tasks/boilerplate_model.py; written by bench/train_boilerplate.py, do not edit",
        "trained_on": f"web-boilerplate-trafilatura, dev half: {len(pages)} pages, "
        f"{train.height} lines no rule decided ({int(y.sum())} boilerplate)",
        "dev_snippets": {
            "must_keep": keeps,
            "must_drop": drops,
            "rules": {"kept": round(rules_kept, 4), "dropped": round(rules_dropped, 4)},
            "rules_and_model": {"kept": round(kept, 4), "dropped": round(dropped, 4)},
        },
        "settings": {
            "rounds": ROUNDS,
            "learning_rate": LEARNING_RATE,
            "bins": BINS,
            "l2": L2,
            "min_kept": args.min_kept,
        },
        "bias": round(bias, 6),
        "threshold": threshold if np.isfinite(threshold) else 1e9,
        "terms": terms,
    }
    MODEL_PATH.write_text(json.dumps(stored, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({key: stored[key] for key in ("trained_on", "dev_snippets", "threshold")}, indent=1))


if __name__ == "__main__":
    main()
