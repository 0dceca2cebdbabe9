"""Kazakh words and their inflected forms, for matching a query word against the forms in the index.

Snowball has no Kazakh stemmer, so the index keeps Kazakh words whole (warehouse/search.py), and a
query for "Қазақстанға" (to Kazakhstan) would miss "Қазақстанның" and "Қазақстанда". Kazakh is
agglutinative: a word is its stem followed by suffixes in a fixed order (plural, possessive, case),
each in a front or back vowel form. Two words are forms of one word when both are one stem plus
such endings; a derived word ("қазақстандық", Kazakhstani) is not, because "дық" is no ending. The
candidates are the indexed words that begin with the query word's shortest stem;
bench/search_recall.py measures what it gains (bench/README.md).
"""

from __future__ import annotations

CASE = (
    "ның", "нің", "дың", "дің", "тың", "тің", "ң",  # genitive
    "нан", "нен", "дан", "ден", "тан", "тен",  # ablative
    "нда", "нде", "да", "де", "та", "те",  # locative
    "мен", "бен", "пен",  # instrumental
    "ға", "ге", "қа", "ке", "на", "не",  # dative
    "ны", "ні", "ды", "ді", "ты", "ті", "н",  # accusative
)  # fmt: skip
POSSESSIVE = ("ымыз", "іміз", "мыз", "міз", "сы", "сі", "ым", "ім", "ың", "ің", "ы", "і")
PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")
# Every way a stem can end: [plural] [possessive] [case], each optional.
ENDINGS = frozenset(p + q + c for p in ("", *PLURAL) for q in ("", *POSSESSIVE) for c in ("", *CASE))
# A stem shorter than this would join too many words.
MIN_STEM = 4


def stems(word: str) -> frozenset[str]:
    """Every stem of `word` (lower case) that the rest of it is an ending of; the word itself included."""
    return frozenset(word[:cut] for cut in range(MIN_STEM, len(word) + 1) if word[cut:] in ENDINGS) | {word}


def strip_suffixes(word: str) -> str:
    """The shortest stem of `word`: every form of the word begins with it."""
    return min(stems(word), key=len)


def same_word(word: str, form: str) -> bool:
    """Whether `form` is `word` with other endings: they share a stem."""
    return not stems(word).isdisjoint(stems(form))
