"""Identify language: of every paragraph, offline, and of every document by the most text.

Each distinct text of a batch is decided once, by the cheapest means that is sure, among the configured
languages:
1. Rules, counted in Rust over the whole text of every distinct paragraph of the batch (Polars
   regexes). The script of SCRIPT_SHARE of the letters (Latin, Cyrillic) narrows the candidates to the
   configured languages written in it, as lingua does; one candidate is the answer. Between Kazakh and Russian,
   Kazakh's own letters (әғқңөұүһі) decide: in KAZAKH_SHARE of the Cyrillic words or more it is
   Kazakh, in none of at least RUSSIAN_MIN_WORDS words it is Russian. Between German, English,
   Spanish and French, function words that only one of them uses decide when one leads clearly.
2. CLD2 (Google's Compact Language Detector 2, C++) for what the rules leave, on the first
   DETECT_CHARS characters: its answer stands when it calls it reliable, gives it at least
   CLD2_MIN_PERCENT of the text, and it is a candidate.
3. lingua decides the rest (short, mixed or unusual text) on the same characters, among the
   candidates left: far more accurate on short text, ~10x slower than CLD2, and it holds the GIL.
How many texts each means decided, and how this agrees with lingua on all text, is measured by
bench/language.py (bench/README.md). A paragraph with no letters, or that fits none of the
configured languages, is `und` (undetermined).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import polars as pl
import pycld2
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

UNDETERMINED = "und"
# The detectors cost time per character, so they see a paragraph's first characters only: enough that on
# paragraphs of sentences in different languages their answer is lingua's on all text (at 400 characters
# 4% of such paragraphs differed, at 1,000 none: bench/README.md). Few paragraphs reach them.
DETECT_CHARS = 1000
# Below this share of the text CLD2's first language is a guess on a mixed paragraph; lingua decides.
CLD2_MIN_PERCENT = 80
# Kazakh's own letters in this share of the Cyrillic words make the text Kazakh. lingua's own rule says half,
# but real Kazakh sentences often have fewer: of 24,000 real and recombined paragraphs lingua called all
# 1,265 with 40% or more Kazakh, and 19 of the 2,053 with 30% or more Russian.
KAZAKH_SHARE = 0.4
# Kazakh without one of its own letters in this many words is so rare that such text is Russian; shorter
# text (a headline, "Астана мен Алматы") goes on to the detectors.
RUSSIAN_MIN_WORDS = 8
# The share of its letters a script must have for the text to count as written in it: on text of two
# scripts (a Kazakh paragraph quoting German) lingua answers in the script of most letters (of 2,000 such
# paragraphs only those between 45% and 55% went either way, bench/README.md). Closer to even, lingua
# decides among every configured language.
SCRIPT_SHARE = 0.6
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
# Letters and words (runs of letters) by script, as Rust regexes (Polars): Latin and Cyrillic as Unicode
# scripts, "other" any letter of neither; a Kazakh word is a Cyrillic run with at least one Kazakh letter.
LATIN_LETTER = r"\p{Latin}"
CYRILLIC_LETTER = r"\p{Cyrillic}"
OTHER_LETTER = r"[\p{L}--\p{Latin}--\p{Cyrillic}]"
LATIN_WORD, CYRILLIC_WORD, OTHER_WORD = (f"{letter}+" for letter in (LATIN_LETTER, CYRILLIC_LETTER, OTHER_LETTER))
KAZAKH_WORD = rf"\p{{Cyrillic}}*[{KAZAKH_LETTERS}]\p{{Cyrillic}}*"
# Function words that only one of German, English, Spanish and French uses (not "die", "des", "la", "que",
# "en", "es", "un", "se", "le", "les", "y", "was", "will", "los": two of them use those). Between these
# languages the one whose words make FUNCTION_SHARE of the text's words, at least FUNCTION_MIN_HITS of them
# and FUNCTION_LEAD times as many as any other's, is the language: news prose is full of them, and a name or
# a quoted phrase from another language does not tip the count.
FUNCTION_WORDS = {
    "de": "der das und nicht mit ist sich auch auf für wird werden ein eine einen einem einer dem zum zur sind wurde "
    "nach bei aus über noch wie oder aber hat haben dass sie ich wir vom nur schon kann im",
    "en": "the and of to is that with for are this from have has which would been were their they it not by",
    "es": "el del una por con para su al lo como más pero sus fue está",
    "fr": "et est une dans pour qui sur pas aux cette sont avec ont été mais il elle ce",
}
FUNCTION_SHARE = 0.1
FUNCTION_LEAD = 5
FUNCTION_MIN_HITS = 2
FUNCTION_MIN_WORDS = 5  # "Er hat im": too few words to count on
SCRIPTS = {
    "latin": frozenset(language.iso_code_639_1.name.lower() for language in Language.all_with_latin_script()),
    "cyrillic": frozenset(language.iso_code_639_1.name.lower() for language in Language.all_with_cyrillic_script()),
}


class LanguageConfigError(ValueError):
    """A configured language code is not one lingua knows."""


@dataclass(frozen=True)
class Decided:
    """The languages of a list of texts, and how many distinct texts each means decided."""

    languages: list[str]
    by_rule: int
    by_cld2: int
    by_model: int


@functools.cache
def detector(languages: tuple[str, ...]) -> LanguageDetector:
    codes = []
    for code in languages:
        try:
            codes.append(IsoCode639_1.from_str(code))
        except ValueError:
            raise LanguageConfigError(
                f"language {code!r} (NEWSFLOW_LANGUAGES) is not an ISO 639-1 code lingua supports; "
                "use two-letter codes separated by commas, e.g. de,kk,ru"
            ) from None
    if len(codes) < 2:
        raise LanguageConfigError("NEWSFLOW_LANGUAGES needs at least two languages to tell apart; e.g. de,kk,ru")
    return _build(tuple(codes))


@functools.cache
def _build(codes: tuple[IsoCode639_1, ...]) -> LanguageDetector:
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_languages(texts: list[str], languages: tuple[str, ...]) -> list[str]:
    return decide_languages(texts, languages).languages


def decide_languages(texts: list[str], languages: tuple[str, ...]) -> Decided:
    """The language of every text, each distinct text decided once by the cheapest sure means."""
    detector(languages)  # checks the setting before any text is looked at
    distinct = list(dict.fromkeys(texts))
    language_of: dict[str, str] = {}
    unsure: dict[tuple[str, ...], list[str]] = {}  # candidates -> texts lingua decides among them
    by_rule = by_cld2 = 0
    for text, (language, candidates) in zip(distinct, script_rules(distinct, languages), strict=True):
        if not _has_letters(text):  # no detector needed, nor its models loaded, to find nothing
            language_of[text] = UNDETERMINED
            by_rule += 1
        elif language is not None:
            language_of[text] = language
            by_rule += 1
        elif (language := cld2_language(text[:DETECT_CHARS], candidates)) is not None:
            language_of[text] = language
            by_cld2 += 1
        else:
            unsure.setdefault(candidates, []).append(text)
    for candidates, group in unsure.items():
        found = _build(tuple(IsoCode639_1.from_str(code) for code in candidates)).detect_languages_in_parallel_of(
            [text[:DETECT_CHARS] for text in group]
        )
        for text, language in zip(group, found, strict=True):
            language_of[text] = language.iso_code_639_1.name.lower() if language is not None else UNDETERMINED
    return Decided([language_of[text] for text in texts], by_rule, by_cld2, sum(map(len, unsure.values())))


def script_rules(texts: list[str], languages: tuple[str, ...]) -> list[tuple[str | None, tuple[str, ...]]]:
    """For every text, (its language when the script rules decide it, else None; the candidates left).

    The candidates are the configured languages written in the script of SCRIPT_SHARE of the text's letters,
    or all configured languages when no script has that share or none of them is written in it.
    """
    written_in = {script: tuple(code for code in languages if code in codes) for script, codes in SCRIPTS.items()}
    # Function words count only where every Latin candidate has its own: another language may share them.
    latin_languages = written_in["latin"]
    by_function_words = (
        latin_languages if len(latin_languages) > 1 and set(latin_languages) <= FUNCTION_WORDS.keys() else ()
    )
    frame = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    words = _count(frame, {"latin": LATIN_WORD, "cyrillic": CYRILLIC_WORD, "other": OTHER_WORD})
    scripts = _scripts(frame, words)
    # The rules within a script count their words only in the texts written in it.
    latin_rows = [row for row, script in enumerate(scripts) if script == "latin"] if by_function_words else []
    hits = dict(
        zip(
            latin_rows,
            _count(frame[latin_rows], {code: _function_words(code) for code in by_function_words}).rows(),
            strict=True,
        )
    )
    kazakh_or_russian = sorted(written_in["cyrillic"]) == ["kk", "ru"]
    cyrillic_rows = [row for row, script in enumerate(scripts) if script == "cyrillic"] if kazakh_or_russian else []
    kazakh = dict(zip(cyrillic_rows, _count(frame[cyrillic_rows], {"kazakh": KAZAKH_WORD})["kazakh"], strict=True))
    decided = []
    for row, (script, (latin_words, cyrillic_words, _)) in enumerate(zip(scripts, words.iter_rows(), strict=True)):
        candidates = written_in[script] if script is not None and written_in[script] else languages
        if len(candidates) == 1:
            language = candidates[0]
        elif row in hits:
            language = _function_word_rule(by_function_words, hits[row], latin_words)
        elif row in kazakh:
            language = _kazakh_or_russian(cyrillic_words, kazakh[row])
        else:
            language = None
        decided.append((language, candidates))
    return decided


def _count(frame: pl.DataFrame, patterns: dict[str, str]) -> pl.DataFrame:
    return frame.select(pl.col("text").str.count_matches(pattern).alias(name) for name, pattern in patterns.items())


def _scripts(frame: pl.DataFrame, words: pl.DataFrame) -> list[str | None]:
    """The script of SCRIPT_SHARE of every text's letters, or None. Most texts have words of one script only;
    letters are counted where scripts meet."""
    scripts: list[str | None] = []
    meeting = []
    for row, (latin, cyrillic, other) in enumerate(words.iter_rows()):
        scripts.append(
            "latin"
            if latin and not cyrillic and not other
            else "cyrillic"
            if cyrillic and not latin and not other
            else None
        )
        if (latin > 0) + (cyrillic > 0) + (other > 0) > 1:
            meeting.append(row)
    letters = _count(frame[meeting], {"latin": LATIN_LETTER, "cyrillic": CYRILLIC_LETTER, "other": OTHER_LETTER})
    for row, (latin, cyrillic, other) in zip(meeting, letters.iter_rows(), strict=True):
        total = latin + cyrillic + other
        scripts[row] = (
            "latin" if latin >= SCRIPT_SHARE * total else "cyrillic" if cyrillic >= SCRIPT_SHARE * total else None
        )
    return scripts


def _kazakh_or_russian(cyrillic_words: int, kazakh_words: int) -> str | None:
    if kazakh_words >= KAZAKH_SHARE * cyrillic_words:
        return "kk"
    if kazakh_words == 0 and cyrillic_words >= RUSSIAN_MIN_WORDS:
        return "ru"
    return None


def _function_word_rule(candidates: tuple[str, ...], hits: list[int], words: int) -> str | None:
    ranked = sorted(zip(hits, candidates, strict=True), reverse=True)
    (most, language), (second, _) = ranked[0], ranked[1]
    sure = words >= FUNCTION_MIN_WORDS and most >= max(
        FUNCTION_MIN_HITS, FUNCTION_SHARE * words, FUNCTION_LEAD * second
    )
    return language if sure else None


@functools.cache
def _function_words(code: str) -> str:
    # ASCII word boundaries: Rust's Unicode ones cost 20x the time. A neighbouring non-ASCII letter then also
    # counts as a boundary ("Räder" holds "der"), which adds a hit inside a word of that same language at most.
    return rf"(?i)(?-u:\b)(?:{'|'.join(FUNCTION_WORDS[code].split())})(?-u:\b)"


def cld2_language(text: str, languages: tuple[str, ...]) -> str | None:
    """CLD2's language for `text` when it is sure and the language is configured, else None."""
    try:
        reliable, _, details = pycld2.detect(text)
    except (pycld2.error, UnicodeEncodeError):  # text CLD2 cannot take (e.g. lone surrogates): lingua decides
        return None
    _, code, percent, _ = details[0]
    return code if reliable and percent >= CLD2_MIN_PERCENT and code in languages else None


def identify_languages(
    paragraphs: pl.DataFrame, languages: tuple[str, ...]
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Return (paragraphs with `language`, documents' language, distinct paragraphs decided by each means).

    A document's language is the determined language of most of its characters; ties go to the
    smaller code, so the answer is repeatable. The means are `rule`, `cld2` and `model` (lingua).
    """
    decided = decide_languages(paragraphs["text"].to_list(), languages)
    labelled = paragraphs.with_columns(language=pl.Series(decided.languages, dtype=pl.String))
    documents = (
        labelled.group_by("document_id", "language")
        .agg(chars=pl.col("text").str.len_chars().sum())
        .with_columns(determined=pl.col("language") != UNDETERMINED)
        .sort(["document_id", "determined", "chars", "language"], descending=[False, True, True, False])
        .group_by("document_id", maintain_order=True)
        .agg(language=pl.col("language").first())
    )
    return labelled, documents, {"rule": decided.by_rule, "cld2": decided.by_cld2, "model": decided.by_model}


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
