"""Boilerplate model: a learned second opinion on the lines the rules of tasks/boilerplate.py leave.

In the spirit of boilerpipe (Kohlschütter et al., "Boilerplate Detection using Shallow Text Features",
2010) and jusText: per line, shallow features of its text (words, mean word length, capitalised words,
sentence ends, digits, punctuation, words to the reader), of its neighbours up to three lines away, of its
place in the document (from the start and end, from the nearest body paragraph, from the document's main
block: the span of lines densest in words, found as a maximum-sum run), of the run of short lines around
it and of the rules' verdicts nearby, all computed over the whole batch as Polars expressions; and a
learned lexicon: the log-odds of chrome of each word seen in at least a few labelled lines ("newsletter",
"weiterlesen" against "wurden", "man"), summed, averaged and at its extremes over the line's words.
Boosted decision trees (LightGBM, trained by bench/train_boilerplate.py on the dev half of the labelled
web pages only) score them; tasks/boilerplate_model.json holds the trees as arrays and the lexicon, so the
runtime needs NumPy and Polars only, and no download. A line whose score reaches the model's threshold
(chosen on the dev half so that 98% of the article's lines of each language stay) is flagged `layout`,
only where no rule decided, and never where tasks/boilerplate.py says the line is the article's by its
shape (`article`).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from tasks.boilerplate_patterns import FULL_STOP, READER_WORDS, within

MODEL_PATH = Path(__file__).with_name("boilerplate_model.json")
REASON = "layout"
MISSING = -1.0  # the value of a neighbour's feature before the first line or after the last
# A line of more words than this adds to the main block, one of fewer takes away (jusText calls a block
# of 10 words or more "long"): the main block is the run of lines with the largest sum of (words - 10).
MAIN_BLOCK_WORDS = 10
WINDOW = 7  # lines, the line in the middle: the neighbourhood whose mean words, body and short lines count
WORD = r"\p{L}+"

# The features of one line that its neighbours' features repeat (as prev_* and next_*; prev2_*, … for
# the lines two and three away).
LINE_FEATURES = ("words", "mean_word_len", "cap_share", "ends_sentence", "ruled", "body")
FAR_FEATURES = ("words", "body")
LEXICON_FEATURES = ("lex_sum", "lex_max", "lex_min", "lex_mean", "lex_known")
CONTEXT_FEATURES = (
    *LINE_FEATURES,
    "chars",
    "ends_colon",
    "ends_ellipsis",
    "sentences",
    "digit_share",
    "reader_share",
    "punct_share",
    "upper_share",
    "arrows",
    "address",
    "repeated",
    *(f"prev_{name}" for name in LINE_FEATURES),
    *(f"next_{name}" for name in LINE_FEATURES),
    *(f"{side}{k}_{name}" for k in (2, 3) for side in ("prev", "next") for name in FAR_FEATURES),
    "window_words",
    "window_body",
    "window_short",
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
    "words_rank",
    "from_longest",
    "from_main_block",
    "main_block_lines",
    "main_block_words_share",
)
FEATURES = (*CONTEXT_FEATURES, *LEXICON_FEATURES)
# The features read from a line's own text (line_features measures them only where they are read).
TEXT_FEATURES = (
    "mean_word_len",
    "cap_share",
    "ends_sentence",
    "ends_colon",
    "ends_ellipsis",
    "sentences",
    "digit_share",
    "reader_share",
    "punct_share",
    "upper_share",
    "arrows",
    "address",
)


class BoilerplateModelError(RuntimeError):
    """The model file is missing or does not fit this code's features."""


@dataclass(frozen=True)
class Tree:
    """One LightGBM tree as arrays: node i sends a line left when its `features[feature[i]]` <= threshold[i];
    a child >= 0 is a node, a child < 0 the leaf ~child, whose value the tree adds to the score."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        if not len(self.feature):  # a tree of one leaf
            return np.full(len(x), self.value[0])
        node = np.zeros(len(x), dtype=np.int64)
        rows = np.arange(len(x))
        while len(rows):
            at = node[rows]
            going_left = x[rows, self.feature[at]] <= self.threshold[at]
            node[rows] = np.where(going_left, self.left[at], self.right[at])
            rows = rows[node[rows] >= 0]
        return self.value[~node]


@dataclass(frozen=True)
class BoilerplateModel:
    threshold: float  # a line whose score (log-odds of boilerplate) reaches it is flagged
    features: tuple[str, ...]  # the columns the trees' feature indices name, in order
    trees: tuple[Tree, ...]
    lexicon: pl.DataFrame  # word, log_odds

    def score(self, features: pl.DataFrame) -> np.ndarray:
        """The log-odds that each line is boilerplate, from its features (`model_features`)."""
        x = features.select(self.features).to_numpy().astype(np.float64)
        scores = np.zeros(features.height)
        for tree in self.trees:
            scores += tree.predict(x)
        return scores

    def context_features(self) -> tuple[str, ...]:
        return tuple(name for name in self.features if name in CONTEXT_FEATURES)


@functools.cache
def load_model(path: Path = MODEL_PATH) -> BoilerplateModel:
    """The model the training script wrote; its features must be this module's."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        trees = tuple(
            Tree(
                np.array(tree["feature"], dtype=np.int64),
                np.array(tree["threshold"], dtype=np.float64),
                np.array(tree["left"], dtype=np.int64),
                np.array(tree["right"], dtype=np.int64),
                np.array(tree["value"], dtype=np.float64),
            )
            for tree in stored["trees"]
        )
        lexicon = pl.DataFrame(
            {"word": list(stored["lexicon"]), "log_odds": list(stored["lexicon"].values())},
            schema={"word": pl.String, "log_odds": pl.Float64},
        )
        model = BoilerplateModel(float(stored["threshold"]), tuple(stored["features"]), trees, lexicon)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise BoilerplateModelError(
            f"{path}: cannot read the boilerplate model ({error}); reinstall newsflow, or write it again with "
            "bench/train_boilerplate.py"
        ) from error
    unknown = set(model.features) - set(FEATURES)
    if unknown or any(len(tree.feature) and tree.feature.max() >= len(model.features) for tree in trees):
        raise BoilerplateModelError(
            f"{path}: the boilerplate model does not fit this version of newsflow (features {sorted(unknown)}); "
            "write it again with bench/train_boilerplate.py"
        )
    return model


def line_features(
    lines: pl.DataFrame, features: tuple[str, ...] = CONTEXT_FEATURES, scored: str | None = None
) -> pl.DataFrame:
    """`features` (of CONTEXT_FEATURES) of every line of (document_id, position, text, words, short, body,
    rule_hint), each document's lines in a row in reading order (as apply_rules leaves them), as Float64
    columns beside the given ones. Only what they need is computed: Polars' lazy plan drops the rest. When
    `scored` names a boolean column, the features read from a line's own text are measured only on those
    lines and their neighbours (whose values the scored lines read as prev_* and next_*), and are MISSING
    elsewhere: the patterns then read a fifth of a news batch's text."""
    doc, text = "document_id", pl.col("text")
    chars = text.str.len_chars()
    words = pl.col("words").clip(lower_bound=1)
    # Computed once, as columns the final select drops: a line's index in its document, the document's lines.
    plan = lines.lazy().with_columns(_at=pl.int_range(pl.len()).over(doc), _lines=pl.len().over(doc))
    measured, own = pl.col("_measured"), pl.col("_own")
    if scored is None:
        plan = plan.with_columns(_measured=pl.lit(True), _own=text)
    else:
        near = (neighbour(pl.col(scored), k).fill_null(False) for k in (1, -1))
        plan = plan.with_columns(_measured=pl.col(scored) | pl.any_horizontal(*near))
        plan = plan.with_columns(_own=within(measured, text))
    plan = (
        plan.with_columns(
            mean_word_len=(chars - own.str.count_matches(r"\s")) / words,
            cap_share=own.str.count_matches(r"(?:^|\s)\p{Lu}") / words,
            ends_sentence=own.str.contains(FULL_STOP),
            ends_colon=own.str.contains(r":$"),
            ends_ellipsis=own.str.contains(r"(?:…|\.\.\.)$"),
            sentences=own.str.count_matches(r"[.!?…]+(?:\s|$)"),
            digit_share=own.str.count_matches(r"\d") / chars.clip(lower_bound=1),
            reader_share=own.str.count_matches(READER_WORDS) / words,
            punct_share=own.str.count_matches(r"[^\p{L}\d\s]") / chars.clip(lower_bound=1),
            upper_share=own.str.count_matches(r"\p{Lu}") / chars.clip(lower_bound=1),
            # Link bars and pagers ("« Zurück | Weiter »", "Next post →") and lines opening with a symbol.
            arrows=own.str.contains(r"[»›→←|•·>]|^\W"),
            address=own.str.contains(r"https?://|www\.|\.\w{2,3}/|@"),
        )
        .with_columns(pl.when(measured).then(pl.col(TEXT_FEATURES)))
        .with_columns(
            chars=chars,
            # A line printed twice in one page is a menu or a box repeated (news repeats no line).
            repeated=pl.len().over(doc, "text") > 1,
            ruled=pl.col("rule_hint").is_not_null(),
        )
    )
    ruled, body, index = pl.col("ruled"), pl.col("body"), pl.col("_at")
    short_run_id = (pl.col("short") != pl.col("short").shift(1)).fill_null(True).cum_sum().over(doc)
    # The Float64 cast makes the booleans 0/1: the model compares every feature with thresholds.
    return (
        with_main_block(plan)
        .with_columns(
            *(neighbour(pl.col(name), 1).alias(f"prev_{name}") for name in LINE_FEATURES),
            *(neighbour(pl.col(name), -1).alias(f"next_{name}") for name in LINE_FEATURES),
            *(neighbour(pl.col(name), k).alias(f"prev{k}_{name}") for k in (2, 3) for name in FAR_FEATURES),
            *(neighbour(pl.col(name), -k).alias(f"next{k}_{name}") for k in (2, 3) for name in FAR_FEATURES),
            *(
                pl.col(name).cast(pl.Float64).rolling_mean(WINDOW, center=True, min_samples=1).over(doc).alias(alias)
                for name, alias in (("words", "window_words"), ("body", "window_body"), ("short", "window_short"))
            ),
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
                *(neighbour(ruled, k).fill_null(False).cast(pl.Int32) for k in (-2, -1, 1, 2))
            ),
            lines=pl.len().over(doc),
            words_rank=pl.col("words").rank("dense", descending=True).over(doc),
            # Where the longest line is, the article usually is (boilerpipe's largest block), signed.
            from_longest=(index - index.sort_by(chars, descending=True).first().over(doc)) / pl.len().over(doc),
        )
        .select(
            *(name for name in lines.columns if name not in features),
            pl.col(features).cast(pl.Float64).fill_null(MISSING),
        )
        .collect()
    )


def neighbour(feature: pl.Expr, k: int) -> pl.Expr:
    """`feature` of the line k lines above (k < 0: below) in the same document, or null: what
    `feature.shift(k).over(document_id)` gives when each document's lines are in a row, by one shift of the
    whole column rather than one per document (~5x faster; line_features reads 26)."""
    at = pl.col("_at")
    return pl.when(at >= k if k > 0 else at < pl.col("_lines") + k).then(feature.shift(k))


def with_main_block(plan: pl.LazyFrame) -> pl.LazyFrame:
    """Add the main block's features: `from_main_block` (lines before its first line, negative, or after its
    last; 0 inside), `main_block_lines` and `main_block_words_share`. The main block is the run of lines
    with the largest sum of (words - MAIN_BLOCK_WORDS) per document (Kadane's maximum-sum run, by prefix
    sums): the article's text, which sidebars and menus of short lines surround."""
    doc, index, gain = "document_id", pl.col("_index"), pl.col("words").cast(pl.Float64) - MAIN_BLOCK_WORDS
    before, lowest, end, start = pl.col("_before"), pl.col("_lowest"), pl.col("_end"), pl.col("_start")
    inside = (index >= start) & (index <= end)
    # Window expressions may not nest: each stage reads the columns of the one before.
    return (
        plan.with_columns(_index=pl.int_range(pl.len()).over(doc), _before=(gain.cum_sum() - gain).over(doc))
        .with_columns(_lowest=before.cum_min().over(doc))  # the lowest prefix sum before each line
        .with_columns(_end=index.sort_by(before + gain - lowest, descending=True).first().over(doc))
        .with_columns(_lowest_at_end=lowest.filter(index == end).first().over(doc))
        .with_columns(_start=index.filter((index <= end) & (before == pl.col("_lowest_at_end"))).max().over(doc))
        .with_columns(
            from_main_block=pl.when(index < start).then(index - start).when(index > end).then(index - end).otherwise(0),
            main_block_lines=end - start + 1,
            main_block_words_share=pl.col("words").filter(inside).sum().over(doc)
            / pl.col("words").sum().over(doc).clip(lower_bound=1),
        )
        .drop("_index", "_before", "_lowest", "_end", "_lowest_at_end", "_start")
    )


def line_words(text: pl.Expr) -> pl.Expr:
    """The distinct lowercase words of a line, as the lexicon counts them."""
    return text.str.to_lowercase().str.extract_all(WORD).list.unique()


def lexicon_features(lines: pl.DataFrame, lexicon: pl.DataFrame) -> pl.DataFrame:
    """LEXICON_FEATURES beside the lines' columns: over the line's distinct words, the sum, mean, largest and
    smallest of the lexicon's log-odds of chrome (an unknown word counts 0), and the share of known words."""
    words = (
        lines.select(row=pl.int_range(pl.len()), word=line_words(pl.col("text")))
        .explode("word")
        .join(lexicon, on="word", how="left")
        .group_by("row")
        .agg(
            lex_sum=pl.col("log_odds").sum(),
            lex_max=pl.col("log_odds").max(),
            lex_min=pl.col("log_odds").min(),
            lex_mean=pl.col("log_odds").fill_null(0.0).mean(),
            lex_known=pl.col("log_odds").is_not_null().mean(),
        )
    )
    joined = lines.with_columns(row=pl.int_range(pl.len())).join(words, on="row", how="left", maintain_order="left")
    return joined.drop("row").with_columns(pl.col(LEXICON_FEATURES).cast(pl.Float64).fill_null(0.0))


def model_features(lines: pl.DataFrame, model: BoilerplateModel) -> pl.DataFrame:
    """The features the model reads, of lines as `line_features` takes them."""
    return lexicon_features(line_features(lines, model.context_features()), model.lexicon)


def model_flags(lines: pl.DataFrame, model: BoilerplateModel | None = None) -> pl.Series:
    """True where the model calls a line boilerplate (lines as `line_features` takes them, with `article`,
    in its order). Only the lines it may flag are scored: no rule decided them, and they are not the
    article's by their shape (in news, most paragraphs)."""
    model = model or load_model()
    open_to_model = (pl.col("rule_hint").is_null() & ~pl.col("article")).alias("open")
    context = line_features(lines.with_columns(open_to_model), model.context_features(), scored="open")
    candidates = context.filter("open")
    flags = np.zeros(lines.height, dtype=bool)
    if candidates.height:
        scores = model.score(lexicon_features(candidates, model.lexicon))
        flags[np.flatnonzero(context["open"].to_numpy())] = scores >= model.threshold
    return pl.Series("model_flag", flags)
