"""Boilerplate model: a learned second opinion on the lines the rules of tasks/boilerplate.py leave.

In the spirit of boilerpipe (Kohlschütter et al., "Boilerplate Detection using Shallow Text Features",
2010) and jusText: per line, shallow features of its text (words, mean word length, capitalised words,
sentence ends, digits, the share of function words of the document's language), of its place in the
document, of its neighbours and of the run of short lines around it, and the rules' own verdicts nearby,
all computed over the whole batch as Polars expressions. An additive model of boosted decision stumps,
trained by bench/train_boilerplate.py on the dev half of the labelled web pages only, scores them: per
feature, a few thresholds and the score each interval adds (tasks/boilerplate_model.json). A line whose
score reaches the model's threshold (chosen on the dev half so that 98% of the article's lines of each
language stay) is flagged `layout`, only where no rule decided, and never where tasks/boilerplate.py
says the line is the article's by its shape (`article`). The runtime needs NumPy and Polars only, and
no download.

The function words are the most frequent words of jusText's stoplists in our corpora, derived once by
the training script (tasks/boilerplate_stopwords.json); a document in a language without a list is
measured against all of them.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from tasks.boilerplate_patterns import FULL_STOP, READER_WORDS

MODEL_PATH = Path(__file__).with_name("boilerplate_model.json")
STOPWORDS_PATH = Path(__file__).with_name("boilerplate_stopwords.json")
REASON = "layout"
UNDETERMINED = "und"
MISSING = -1.0  # the value of a neighbour's feature before the first line or after the last

# The features of one line that its neighbours' features repeat (as prev_* and next_*).
LINE_FEATURES = ("words", "mean_word_len", "cap_share", "ends_sentence", "stop_share", "ruled", "body")
FEATURES = (
    *LINE_FEATURES,
    "chars",
    "ends_colon",
    "sentences",
    "digit_share",
    "reader_share",
    *(f"prev_{name}" for name in LINE_FEATURES),
    *(f"next_{name}" for name in LINE_FEATURES),
    "from_start",
    "from_end",
    "relative_position",
    "short_run",
    "ruled_share",
    "after_last_body",
    "before_first_body",
    "lines_from_body",
    "ruled_around",
    "lines",
)


class BoilerplateModelError(RuntimeError):
    """The model file is missing or does not fit this code's features."""


@dataclass(frozen=True)
class Term:
    """One feature's share of the score: `values[i]` for a value in (thresholds[i-1], thresholds[i]]."""

    feature: str
    thresholds: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class BoilerplateModel:
    bias: float
    threshold: float  # a line whose score (log-odds of boilerplate) reaches it is flagged
    terms: tuple[Term, ...]

    def score(self, features: pl.DataFrame) -> np.ndarray:
        """The log-odds that each line is boilerplate."""
        scores = np.full(features.height, self.bias)
        for term in self.terms:
            column = features[term.feature].to_numpy()
            scores += term.values[np.searchsorted(term.thresholds, column, side="left")]
        return scores


@functools.cache
def load_model(path: Path = MODEL_PATH) -> BoilerplateModel:
    """The model the training script wrote; its features must be this module's."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        terms = tuple(
            Term(term["feature"], np.array(term["thresholds"], dtype=np.float64), np.array(term["values"]))
            for term in stored["terms"]
        )
        model = BoilerplateModel(float(stored["bias"]), float(stored["threshold"]), terms)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BoilerplateModelError(
            f"{path}: cannot read the boilerplate model ({error}); reinstall newsflow, or write it again with "
            "bench/train_boilerplate.py"
        ) from error
    unknown = {term.feature for term in terms} - set(FEATURES)
    if unknown or any(len(term.values) != len(term.thresholds) + 1 for term in terms):
        raise BoilerplateModelError(
            f"{path}: the boilerplate model does not fit this version of newsflow (features {sorted(unknown)}); "
            "write it again with bench/train_boilerplate.py"
        )
    return model


@functools.cache
def stopwords(path: Path = STOPWORDS_PATH) -> dict[str, tuple[str, ...]]:
    try:
        return {language: tuple(words) for language, words in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError) as error:
        raise BoilerplateModelError(
            f"{path}: cannot read the boilerplate model's function words ({error}); reinstall newsflow"
        ) from error


def document_language(lines: pl.DataFrame) -> pl.Expr:
    """The language of most of the document's characters (as tasks/language.py decides it), or `und`."""
    if "language" not in lines.columns:
        return pl.lit(UNDETERMINED)
    chars = pl.when(pl.col("language") != UNDETERMINED).then(pl.col("text").str.len_chars()).otherwise(0)
    per_language = chars.sum().over("document_id", "language")
    # The most characters; ties to the smaller code, so the answer is repeatable.
    ranked = pl.col("language").sort_by([per_language, "language"], descending=[True, False])
    return ranked.first().over("document_id")


def stopword_share(words: pl.Expr, language: pl.Expr) -> pl.Expr:
    """The share of the line's words that are function words of its document's language."""
    lists = stopwords()
    everything = sorted({word for words_of in lists.values() for word in words_of})
    hits = pl.coalesce(
        *(
            pl.when(language == code).then(words).list.eval(pl.element().is_in(list(of))).list.sum()
            for code, of in lists.items()
        ),
        words.list.eval(pl.element().is_in(everything)).list.sum(),
    )
    return hits / words.list.len().clip(lower_bound=1)


def line_features(lines: pl.DataFrame, features: tuple[str, ...] = FEATURES) -> pl.DataFrame:
    """`features` (of FEATURES) of every line of (document_id, position, text, [language,] words, short,
    body, rule_hint), in reading order per document, as Float64 columns beside the given ones. Only what
    they need is computed: Polars' lazy plan drops the rest (the model uses some of FEATURES, and the
    function words, which it does not use, would cost more than all the rules)."""
    doc, text = "document_id", pl.col("text")
    chars = text.str.len_chars()
    words = pl.col("words").clip(lower_bound=1)
    letters_words = text.str.to_lowercase().str.extract_all(r"\p{L}+")
    plan = lines.lazy().with_columns(
        chars=chars,
        mean_word_len=(chars - text.str.count_matches(r"\s")) / words,
        cap_share=text.str.count_matches(r"(?:^|\s)\p{Lu}") / words,
        ends_sentence=text.str.contains(FULL_STOP),
        ends_colon=text.str.contains(r":$"),
        sentences=text.str.count_matches(r"[.!?…]+(?:\s|$)"),
        digit_share=text.str.count_matches(r"\d") / chars.clip(lower_bound=1),
        reader_share=text.str.count_matches(READER_WORDS) / words,
        stop_share=stopword_share(letters_words, document_language(lines)),
        ruled=pl.col("rule_hint").is_not_null(),
    )
    ruled, body, index = pl.col("ruled"), pl.col("body"), pl.int_range(pl.len()).over(doc)
    short_run_id = (pl.col("short") != pl.col("short").shift(1)).fill_null(True).cum_sum().over(doc)
    # The Float64 cast makes the booleans 0/1: the model compares every feature with thresholds.
    return (
        plan.with_columns(
            *(pl.col(name).shift(1).over(doc).alias(f"prev_{name}") for name in LINE_FEATURES),
            *(pl.col(name).shift(-1).over(doc).alias(f"next_{name}") for name in LINE_FEATURES),
            from_start=index,
            from_end=pl.len().over(doc) - 1 - index,
            relative_position=index / (pl.len().over(doc) - 1).clip(lower_bound=1),
            short_run=pl.when(pl.col("short")).then(pl.len().over(doc, short_run_id)).otherwise(0),
            ruled_share=ruled.mean().over(doc),
            after_last_body=index > index.filter(body).max().over(doc),
            before_first_body=index < index.filter(body).min().over(doc),
            # How far the nearest body paragraph is (jusText's context: chrome comes in blocks away from the text).
            lines_from_body=pl.min_horizontal(
                index - pl.when(body).then(index).forward_fill().over(doc),
                pl.when(body).then(index).backward_fill().over(doc) - index,
            ),
            # Rule verdicts within two lines either side: chrome the rules found has neighbours they missed.
            ruled_around=pl.sum_horizontal(
                *(ruled.shift(k).over(doc).fill_null(False).cast(pl.Int32) for k in (-2, -1, 1, 2))
            ),
            lines=pl.len().over(doc),
        )
        .select(
            *(name for name in lines.columns if name not in features),
            pl.col(features).cast(pl.Float64).fill_null(MISSING),
        )
        .collect()
    )


def model_flags(lines: pl.DataFrame, model: BoilerplateModel | None = None) -> pl.Series:
    """True where the model calls a line boilerplate (lines as `line_features` takes them, in its order)."""
    model = model or load_model()
    scores = model.score(line_features(lines, tuple(term.feature for term in model.terms)))
    return pl.Series("model_flag", scores >= model.threshold)
