"""Identify language: of every paragraph, offline, and of every document by the most text.

lingua ships its models in the wheel. It is restricted to the configured languages, which makes
it both faster and more accurate; a paragraph with no letters, or that fits none of them, is
`und` (undetermined). It is the costliest step of a run, so it sees each distinct text of a
batch once, and only its first DETECT_CHARS characters: on 20,000 real kk/ru/de paragraphs that
was 1.3x faster (1.95 s instead of 2.51 s) with the same accuracy but 0.06 points on German
(bench/language.py, bench/README.md).
"""

from __future__ import annotations

import functools

import polars as pl
from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

UNDETERMINED = "und"
# A paragraph's language shows in its first sentences; the n-gram models cost time per character.
DETECT_CHARS = 200


class LanguageConfigError(ValueError):
    """A configured language code is not one lingua knows."""


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
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_languages(texts: list[str], languages: tuple[str, ...]) -> list[str]:
    distinct = list(dict.fromkeys(texts))
    found = detector(languages).detect_languages_in_parallel_of([text[:DETECT_CHARS] for text in distinct])
    language_of = {
        text: language.iso_code_639_1.name.lower() if language is not None and _has_letters(text) else UNDETERMINED
        for text, language in zip(distinct, found, strict=True)
    }
    return [language_of[text] for text in texts]


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
