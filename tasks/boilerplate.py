"""Boilerplate hints: the paragraphs of a document that are site chrome, not the article.

Rules over one paragraph and its neighbours, in the languages of our corpora (de, fr, en, ru, kk,
es), as Polars expressions over the whole batch (no Python loop per paragraph). Each paragraph gets
the first rule it matches as `boilerplate_hint`, or null:
    teaser           links to other stories: "Lesen Sie auch", "Weitere Beiträge", "Read more: <title>", a
                     title + "…" fragment + bullet date
    share_subscribe  "Teilen", "Teilen Twittern Email", "Folgst du schon 20 Minuten auf WhatsApp?",
                     "Подписывайтесь на наш канал"
    cookie           cookie notices
    legal            "Impressum", "Datenschutz", "© 2024 …", "Все права защищены"
    comments         "Kommentar schreiben", "Antworten", "Leave a reply", "71 Kommentare"
    caption          "Foto: Instagram/…", "Bild: Keystone", "… (REUTERS/Juan Pérez)": the credit of a
                     picture the text does not show
    author           "Über den Autor"
    navigation       "Kategorie: …", "Publiziert: …", "Вы здесь:", breadcrumbs, menu words ("Startseite",
                     "Suche", "Главная"), symbols and counters ("►", "(1)"), and runs of NAV_RUN or more short
                     labels in a row (a menu or a tag list; not a list with figures: a recipe, a spec sheet)
    call_to_action   subscribe, sign up, donate, log in, rate or comment: in the imperative or to the reader
    footer           a short line that is no sentence, after the article's last body paragraph (one of
                     BODY_MIN_WORDS words or more that ends a sentence): the links and labels below it
Below the start of the article, a heading of related stories or of comments opens a section: its lines
that are not body paragraphs are `teaser` or `comments`, until two body paragraphs in a row.
Where no rule matched, a learned model of the line's shape and its neighbours' may flag it `layout`
(tasks/boilerplate_model.py). Lines that recur across the documents of a source folder are found later, in the warehouse
(warehouse/sql/boilerplate.sql), because a single batch cannot see them.

A document always keeps one paragraph: when every paragraph of it matched a rule, the longest
(the first of equals) is cleared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

from tasks.boilerplate_model import REASON, model_flags
from tasks.boilerplate_patterns import (
    AUTHOR_NOTE,
    BREADCRUMB,
    BULLET_DATE,
    CALL_TO_ACTION,
    CAPTION,
    CJK,
    COMMENT_COUNT,
    COMMENT_WORDS,
    COMMENTS_SEEN,
    COOKIE_NOTICE,
    COOKIE_SEEN,
    EXCERPT_END,
    FULL_STOP,
    LEGAL_NOTICE,
    LEGAL_WORDS,
    LINK_BAR,
    NAV_WORDS,
    NO_LETTERS,
    PICTURE_CREDIT,
    RELATED_HEADING,
    SENTENCE_END,
    SHARE_BAR,
    SHARE_PHRASES,
    SHARE_WORDS,
    SHARE_WORDS_SEEN,
    SIGN_OFF,
    TAXONOMY,
    TEASER_HEADINGS,
    TEASER_PHRASES,
    whole_line,
    within,
)


@dataclass(frozen=True)
class RecurringConfig:
    """When a line recurring across a source folder is boilerplate (warehouse/sql/boilerplate.sql).

    Chosen by measurement (bench/boilerplate.py, bench/README.md): promo and menu lines are short and
    recur in many documents; a syndicated news paragraph is long, or recurs in two or three.
    """

    max_chars: int = 200
    news_sentence_words: int = 9
    min_documents: int = 4
    min_share: float = 0.001

    def parameters(self) -> dict[str, object]:
        return asdict(self)


# A short label: a menu item, a tag, a section name. Article headings are short too, but they come
# one at a time between paragraphs, not NAV_RUN in a row.
LABEL_MAX_WORDS = 3
NAV_RUN = 4
FIGURES_MAX_SHARE = 0.25
# Rules that look at a whole line apply to short lines only: a long paragraph that mentions
# "Datenschutz" or "WhatsApp" is news about it.
LINE_MAX_WORDS = 12
LINE_MAX_CHARS = 100
NOTICE_MAX_WORDS = 60  # a cookie or copyright notice is a few sentences at most
BODY_MIN_WORDS = 20
FOOTER_MIN_LINES = 2
CREDIT_MAX_WORDS = 25  # a caption with its picture's credit
CTA_MAX_WORDS = 30  # a call to action is a sentence or two
NUMBERED = r"^\d+[.)]\s"  # "1. London", "2) …": a numbered list is the article's


def matches(text: pl.Expr, seen: str, pattern: str) -> pl.Expr:
    """`text` matches `pattern`, tested only where it matches the cheap `seen`."""
    seen_in = text.str.contains(seen)
    return (seen_in & within(seen_in, text).str.contains(pattern)).fill_null(False)


def first_rule(rules: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """The reason of the first rule whose condition holds, or null."""
    chain = pl.when(rules[0][1]).then(pl.lit(rules[0][0]))
    for reason, condition in rules[1:]:
        chain = chain.when(condition).then(pl.lit(reason))
    return chain.otherwise(None)


def line_rules(text: pl.Expr, words: pl.Expr, short: pl.Expr) -> pl.Expr:
    """The rules that read one line alone: the reason of the first that matches, or null."""
    # Most rules hold for short lines only (3% of a news batch's text): their patterns read no other line.
    short_text, cta_text = within(short, text), within(words <= CTA_MAX_WORDS, text)
    return first_rule(
        [
            ("teaser", short & short_text.str.contains(whole_line(TEASER_HEADINGS))),
            # A heading or a title, not a sentence: "Mehr Nachrichten als je zuvor erreichten die Redaktion."
            ("teaser", short & ~short_text.str.contains(r"[.!]$") & short_text.str.contains(TEASER_PHRASES)),
            # A teaser's label before its title: "Read more: New bridge opens after years of delay".
            ("teaser", short & short_text.str.contains(rf"(?i)^\W*(?:{TEASER_HEADINGS})\s*:\s*\S")),
            ("share_subscribe", short & short_text.str.contains(whole_line(SHARE_WORDS))),
            ("share_subscribe", short & short_text.str.contains(SHARE_BAR)),
            (
                "share_subscribe",
                (words <= 2 * LINE_MAX_WORDS + 10)
                & matches(within(words <= 2 * LINE_MAX_WORDS + 10, text), SHARE_WORDS_SEEN, SHARE_PHRASES),
            ),
            (
                "cookie",
                (words <= NOTICE_MAX_WORDS)
                & matches(within(words <= NOTICE_MAX_WORDS, text), COOKIE_SEEN, COOKIE_NOTICE),
            ),
            ("legal", short & short_text.str.contains(whole_line(LEGAL_WORDS))),
            (
                "legal",
                (words <= NOTICE_MAX_WORDS // 2)
                & within(words <= NOTICE_MAX_WORDS // 2, text).str.contains(LEGAL_NOTICE),
            ),
            ("comments", short & short_text.str.contains(whole_line(COMMENT_WORDS))),
            ("comments", short & matches(short_text, COMMENTS_SEEN, COMMENT_COUNT)),
            # A label, not a sentence of an interview ("Thema: die Zukunft der Arbeit.").
            ("navigation", short & ~short_text.str.contains(r"[.!?]$") & short_text.str.contains(TAXONOMY)),
            ("navigation", text.str.contains(LINK_BAR)),
            ("navigation", short & short_text.str.contains(BREADCRUMB)),
            ("caption", short & short_text.str.contains(CAPTION)),
            (
                "caption",
                (words <= CREDIT_MAX_WORDS)
                & ~text.str.contains(r"[.!?]$")
                & ~text.str.contains(SIGN_OFF)
                & within(words <= CREDIT_MAX_WORDS, text).str.contains(PICTURE_CREDIT),
            ),
            ("author", short & short_text.str.contains(AUTHOR_NOTE)),
            ("navigation", short & short_text.str.contains(whole_line(NAV_WORDS))),
            ("navigation", text.str.contains(NO_LETTERS)),
            ("call_to_action", (words <= CTA_MAX_WORDS) & cta_text.str.contains(CALL_TO_ACTION)),
        ]
    )


def hint_boilerplate(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Add `boilerplate_hint` (the rule matched, `layout` if the model flags it, or null) to
    (document_id, position, text[, language])."""
    lines = apply_rules(paragraphs)
    # Where no rule decided, the model may: its reason says it was the line's shape, not a rule.
    learned = pl.when(pl.col("rule_hint").is_null() & ~pl.col("article") & model_flags(lines)).then(pl.lit(REASON))
    hinted = lines.select(*paragraphs.columns, boilerplate_hint=pl.coalesce("rule_hint", learned))
    return keep_one_paragraph(hinted)


def apply_rules(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """The paragraphs in reading order, with the rules' features (`words`, `short`, `body`, …) and
    `rule_hint`, the first rule each matches, or null."""
    text, position, doc = pl.col("text"), pl.col("position"), "document_id"
    # The features of each line, computed once as columns (an expression used by many rules would be
    # evaluated again by each: the word count alone then cost a third of the step); the rules over
    # neighbours below read them.
    lines = (
        paragraphs.sort(doc, "position")
        .with_columns(words=text.str.count_matches(r"\S+"), cjk=text.str.contains(CJK))
        .with_columns(
            short=(pl.col("words") <= LINE_MAX_WORDS) & (text.str.len_chars() <= LINE_MAX_CHARS) & ~pl.col("cjk")
        )
    )
    words, cjk, short = pl.col("words"), pl.col("cjk"), pl.col("short")
    short_text = within(short, text)
    lines = lines.with_columns(
        # A numbered line ("1. London") is a list in the article, not a menu.
        label=(words <= LABEL_MAX_WORDS) & ~cjk & ~text.str.contains(r"[.!?;:…]$") & ~text.str.contains(NUMBERED),
        body=(words >= BODY_MIN_WORDS) & text.str.contains(SENTENCE_END),
        # Speech ("- Біз бұл туралы …") and numbered lists are the article's, and so is its sign-off.
        own=text.str.contains(SIGN_OFF) | text.str.contains(r"^[-–—]") | text.str.contains(NUMBERED),
    )
    lines = lines.with_columns(
        loose=short
        & ~text.str.contains(SENTENCE_END)
        & ~pl.col("own")
        # Code below a how-to ("filename=$1", "for line in `cat $filename`", "# .tmux.conf") is no footer.
        & ~text.str.contains(r"[=$`{}]|^#"),
        figures=text.str.contains(r"\d"),
        bullet_date=text.str.contains(BULLET_DATE),
        excerpt=text.str.contains(EXCERPT_END),
        line_rule=line_rules(text, words, short),
        heading=pl.when(
            short & (short_text.str.contains(whole_line(TEASER_HEADINGS)) | short_text.str.contains(RELATED_HEADING))
        )
        .then(pl.lit("teaser"))
        .when(short & short_text.str.contains(whole_line(COMMENT_WORDS)))
        .then(pl.lit("comments")),
    )
    short, label, body, loose, bullet_date, excerpt, line_rule = (
        pl.col(name) for name in ("short", "label", "body", "loose", "bullet_date", "excerpt", "line_rule")
    )
    # A teaser: title, excerpt, bullet date; or an excerpt or title whose next line is its date.
    next_date = bullet_date.shift(-1).over(doc).fill_null(False)
    next_excerpt_dated = (excerpt & next_date).shift(-1).over(doc).fill_null(False)
    teaser = bullet_date | (excerpt & next_date) | next_excerpt_dated | (short & next_date)
    # Runs of short labels: the length of the run each label belongs to. A list with figures in it
    # ("65 g", "Zucker", "1 TL"; "36 Monate") is a recipe or a spec sheet of the article, not a menu.
    label_run = (label != label.shift(1)).fill_null(True).cum_sum().over(doc)
    long_run = label & (pl.len().over(doc, label_run) >= NAV_RUN)
    with_figures = pl.col("figures").mean().over(doc, label_run) >= FIGURES_MAX_SHARE
    in_menu = long_run & ~with_figures
    # A footer: two or more loose lines in a row below the article's last body paragraph (a lone
    # short line there is a heading or a fragment).
    trailing = loose & body.any().over(doc) & (position > position.filter(body).max().over(doc))
    trailing_run = (trailing != trailing.shift(1)).fill_null(True).cum_sum().over(doc)
    footer = trailing & (pl.len().over(doc, trailing_run) >= FOOTER_MIN_LINES)
    # A heading that opens the related stories or the comments, below the start of the article: what
    # follows it is that section, but for paragraphs of the body's kind (an article may go on below a
    # "Lesen Sie auch" box).
    started = position > position.filter(body).min().over(doc)
    section = (
        pl.when(started & pl.col("heading").is_not_null())
        .then(pl.col("heading"))
        .when(body & body.shift(-1).over(doc))
        .then(pl.lit(""))
        .forward_fill()
        .over(doc)
    )
    # The first rule that holds, in this order.
    hint = pl.coalesce(
        pl.when(teaser).then(pl.lit("teaser")),
        line_rule,
        pl.when(in_menu).then(pl.lit("navigation")),
        pl.when(~body & (section != "")).then(section),
        pl.when(footer).then(pl.lit("footer")),
    )
    # What is the article's by its shape, which the model may not take either (`article`): a list with
    # figures, the lines that are no footer above (`own`: speech, a numbered line, a sign-off), and a
    # sentence right below a sentence no rule took (the article's prose going on; in the 100 MB news
    # corpus the model took such sentences above a box of chrome).
    sentence = text.str.contains(FULL_STOP)
    prose = sentence & pl.col("rule_hint").is_null()
    continues = sentence & prose.shift(1).over(doc).fill_null(False)
    return lines.with_columns(rule_hint=hint).with_columns(
        article=(long_run & with_figures) | pl.col("own") | continues
    )


def keep_one_paragraph(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Clear the hint of the longest paragraph of a document whose every paragraph has one."""
    all_hinted = pl.col("boilerplate_hint").is_not_null().all().over("document_id")
    by_length = pl.col("position").sort_by([pl.col("text").str.len_chars(), "position"], descending=[True, False])
    longest = pl.col("position") == by_length.first().over("document_id")
    return paragraphs.with_columns(
        boilerplate_hint=pl.when(all_hinted & longest).then(None).otherwise(pl.col("boilerplate_hint"))
    )
