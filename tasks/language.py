"""Identify language: of every paragraph, offline, and of every document by the most text.

Each distinct text of a batch is decided once, on its first DETECT_CHARS characters, by the cheapest
means that is sure, restricted to the configured languages:
1. Script rules, counted in Rust over the whole batch (Polars regexes). Words are runs of Latin,
   Cyrillic or other letters; the script of most words narrows the candidates to the configured
   languages written in it, as lingua's own rules do. One candidate is the answer. Between Kazakh
   and Russian, Kazakh's own letters (әғқңөұүһі) decide: on half the words or more it is Kazakh
   (lingua's rule too); on none of at least RUSSIAN_MIN_WORDS words it is Russian.
2. CLD2 (Google's Compact Language Detector 2, C++) for what the rules leave: its answer stands when
   it calls it reliable, gives it at least CLD2_MIN_PERCENT of the text, and it is a candidate.
3. lingua decides the rest (short, mixed or unusual text), restricted to the candidates of the
   text's script: far more accurate on short text, and ~10x slower than CLD2.
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
# A paragraph's language shows in its first sentences; the detectors cost time per character.
DETECT_CHARS = 400
# Below this share of the text CLD2's first language is a guess on a mixed paragraph; lingua decides.
CLD2_MIN_PERCENT = 80
# Kazakh without one of its own letters in this many words is so rare that such text is Russian; shorter
# text (a headline, "Астана мен Алматы") goes on to the detectors.
RUSSIAN_MIN_WORDS = 8
# The share of its words a script must have for the text to count as written in it. A text of two scripts
# in more even parts (a quote, a name) is left to lingua with every configured language.
SCRIPT_SHARE = 0.8
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
# Letter runs by script, as Rust regexes (Polars): Latin and Cyrillic as Unicode scripts, "other" any letter of
# neither; a Kazakh word is a Cyrillic run with at least one Kazakh letter.
LATIN_WORD = r"\p{Latin}+"
CYRILLIC_WORD = r"\p{Cyrillic}+"
OTHER_WORD = r"[\p{L}--\p{Latin}--\p{Cyrillic}]+"
KAZAKH_WORD = rf"\p{{Cyrillic}}*[{KAZAKH_LETTERS}]\p{{Cyrillic}}*"
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
                f"language {code!r} (NEWSFLOW_LANGUAGES) is not an ISO 639-1 code lingua supports"
            ) from None
    if len(codes) < 2:
        raise LanguageConfigError("NEWSFLOW_LANGUAGES needs at least two languages to tell apart")
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
        if language is not None:
            language_of[text] = language
            by_rule += 1
        elif (language := cld2_language(text, candidates)) is not None:
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
    decided = [language_of[text] if _has_letters(text) else UNDETERMINED for text in texts]
    return Decided(decided, by_rule, by_cld2, sum(map(len, unsure.values())))


def script_rules(texts: list[str], languages: tuple[str, ...]) -> list[tuple[str | None, tuple[str, ...]]]:
    """For every text, (its language when the script rules decide it, else None; the candidates left).

    The candidates are the configured languages written in the script of most of the text's words, or all
    configured languages when no script has most words or none of them is written in it.
    """
    words = pl.DataFrame({"text": texts}, schema={"text": pl.String}).select(
        latin=pl.col("text").str.count_matches(LATIN_WORD),
        cyrillic=pl.col("text").str.count_matches(CYRILLIC_WORD),
        other=pl.col("text").str.count_matches(OTHER_WORD),
        kazakh=pl.col("text").str.count_matches(KAZAKH_WORD),
    )
    written_in = {script: tuple(code for code in languages if code in codes) for script, codes in SCRIPTS.items()}
    decided = []
    for latin, cyrillic, other, kazakh in words.iter_rows():
        words = latin + cyrillic + other
        script = "latin" if latin >= SCRIPT_SHARE * words else "cyrillic" if cyrillic >= SCRIPT_SHARE * words else None
        candidates = written_in[script] if words and script is not None and written_in[script] else languages
        decided.append((_rule(candidates, words, cyrillic, kazakh), candidates))
    return decided


def _rule(candidates: tuple[str, ...], words: int, cyrillic: int, kazakh: int) -> str | None:
    if len(candidates) == 1:
        return candidates[0]
    if sorted(candidates) == ["kk", "ru"]:
        if 2 * kazakh >= words:
            return "kk"
        if kazakh == 0 and cyrillic >= RUSSIAN_MIN_WORDS:
            return "ru"
    return None


def cld2_language(text: str, languages: tuple[str, ...]) -> str | None:
    """CLD2's language for `text` when it is sure and the language is configured, else None."""
    try:
        reliable, _, details = pycld2.detect(text)
    except (pycld2.error, UnicodeEncodeError):  # text CLD2 cannot take (e.g. lone surrogates): lingua decides
        return None
    _, code, percent, _ = details[0]
    return code if reliable and percent >= CLD2_MIN_PERCENT and code in languages else None


def identify_languages(paragraphs: pl.DataFrame, languages: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (paragraphs with `language`, documents' language).

    A document's language is the determined language of most of its characters; ties go to the
    smaller code, so the answer is repeatable.
    """
    labelled = paragraphs.with_columns(
        language=pl.Series(detect_languages(paragraphs["text"].to_list(), languages), dtype=pl.String)
    )
    documents = (
        labelled.group_by("document_id", "language")
        .agg(chars=pl.col("text").str.len_chars().sum())
        .with_columns(determined=pl.col("language") != UNDETERMINED)
        .sort(["document_id", "determined", "chars", "language"], descending=[False, True, True, False])
        .group_by("document_id", maintain_order=True)
        .agg(language=pl.col("language").first())
    )
    return labelled, documents


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
