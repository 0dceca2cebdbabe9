"""The near-duplicate signature: a skeleton that forgets formats but not facts, and stable band keys."""

from __future__ import annotations

import random
import re

import numpy as np
import polars as pl
import pytest

from tasks.near_config import NearDupConfig
from tasks.near_signature import (
    ROMANIZE_ONE,
    SENTENCE_END,
    SENTENCE_MARK,
    SIGNATURE_VERSION,
    Shingles,
    Skeletons,
    band_keys,
    canonical_numbers,
    cut_forms,
    marked_skeletons,
    minhash_bands,
    number_values,
    segment_keys,
    sign_paragraphs,
    skeletons,
    text_keys,
)


def skeletons_of(*texts: str) -> list[str]:
    return skeletons(pl.Series(texts, dtype=pl.String)).to_list()


def numbers_of(text: str) -> list[str]:
    return pl.DataFrame({"text": [text]}).select(number_values(canonical_numbers(pl.col("text"))))["text"][0].to_list()


@pytest.mark.parametrize(
    "variants",
    [
        # quotes, dashes, case, ё/е
        ("Он сказал: «Всё решено» — и ушёл.", 'он сказал: "Все решено" - и ушел', "Он сказал „Всё решено“ – и ушёл"),
        # number formats that keep the value
        ("Inflation stieg um 1,5 % auf 1.000 Euro", "Inflation stieg um 1.5% auf 1 000 Euro",
         "inflation stieg um 1.5 % auf 1,000 euro"),
        # Kazakh in Cyrillic, in the 2021 Latin alphabet and in the 2018 one
        ("Шаһардағы ең үлкен мектеп оқушыны қабылдады", "Şahardağy eñ ülken mektep oqušyny qabyldady",
         "Shahardaǵy eń úlken mektep oqýshyny qabyldady"),
    ],
)  # fmt: skip
def test_spelling_variants_share_a_skeleton(variants: tuple[str, ...]) -> None:
    assert len(set(skeletons_of(*variants))) == 1


def test_different_numbers_and_words_keep_different_skeletons() -> None:
    assert len(set(skeletons_of("Курс 450,5 тенге", "Курс 452,5 тенге", "Курс 450,5 рубля"))) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Курс составил 1 000,5 тенге, рост 17 %", ["1000.5#1", "17#1"]),
        ("Preis: 1.000 Euro, 1,5 Prozent, am 11.11.2025", ["1.5#1", "1000#1", "11.11.2025#1"]),
        ("Score 3:2, 10.000.000.000 Tenge, 1,000,000 fans", ["10000000000#1", "1000000#1", "2#1", "3#1"]),
        # Each occurrence counts: "21 and 24" changed to "24 and 24" is a different fact.
        ("zu 24 Monaten, ebenfalls zu 24 Monaten", ["24#1", "24#2"]),
        ("Без чисел", []),
    ],
)
def test_numbers_are_values_not_formats(text: str, expected: list[str]) -> None:
    assert numbers_of(text) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 000 000 рублей.", "1000000 рублей."),
        ("итого 5 000", "итого 5000"),  # the text ends after the last group
        ("5.000! Danach", "5000! Danach"),
        ("Nr. 5 000abc", "Nr. 5 000abc"),  # a word goes on after the digits: no group
        ("5 000_7", "5 000_7"),
        ("1 000,5 тенге", "1000.5 тенге"),
    ],
)
def test_digit_groups_end_where_a_word_does(text: str, expected: str) -> None:
    assert pl.DataFrame({"text": [text]}).select(canonical_numbers(pl.col("text")))["text"][0] == expected


def test_short_paragraphs_get_no_band_keys() -> None:
    paragraphs = pl.DataFrame(
        {
            "paragraph_id": ["short", "long", "long"],
            "text": ["Фото: Reuters", "Die Regierung in Berlin hat am Montag neue Regeln beschlossen.", "again"],
        }
    )
    signatures, bands, prefixes = sign_paragraphs(paragraphs, NearDupConfig())
    assert signatures["paragraph_id"].to_list() == ["short", "long"]  # one row per distinct id
    assert signatures["words"].to_list() == [2, 10]
    assert set(bands["paragraph_id"]) == {"long"}
    assert bands.height == NearDupConfig().bands + 1
    # One sentence: no text without its last sentence; without its last word or two it still has 8 words.
    assert prefixes.height == 2 and set(prefixes["paragraph_id"]) == {"long"}


def test_a_copy_cut_after_a_sentence_meets_its_original_on_a_key() -> None:
    original = "Die Regierung hat am Montag neue Regeln beschlossen. Sie gelten ab dem ersten Januar für alle Betriebe."
    paragraphs = pl.DataFrame({"paragraph_id": ["original", "cut"], "text": [original, original.split(". ")[0] + "."]})
    _, bands, prefixes = sign_paragraphs(paragraphs, NearDupConfig(min_words=5))
    whole_text_key = bands.filter(pl.col("paragraph_id") == "cut")["band_key"][-1]
    assert {"paragraph_id": "original", "prefix_key": whole_text_key} in prefixes.to_dicts()


def test_a_copy_with_a_credit_appended_meets_its_original_on_a_key() -> None:
    original = "В новогоднюю ночь ликвидировано семь полевых командиров боевиков"
    paragraphs = pl.DataFrame(
        {"paragraph_id": ["original", "copy"], "text": [original, original + " — передает БЕЛТА."]}
    )
    _, bands, prefixes = sign_paragraphs(paragraphs, NearDupConfig())
    whole_text_key = bands.filter(pl.col("paragraph_id") == "original")["band_key"][-1]
    assert {"paragraph_id": "copy", "prefix_key": whole_text_key} in prefixes.to_dicts()


def test_band_keys_are_pinned() -> None:
    # Stored band keys must meet the keys of later runs: if this changes, bump SIGNATURE_VERSION.
    assert SIGNATURE_VERSION == "6"
    keys = band_keys(["die regierung in berlin hat am montag neue regeln beschlossen"], NearDupConfig())
    assert keys.shape == (1, NearDupConfig().bands + 1)
    assert (int(keys[0, 0]), int(keys[0, -1])) == (PINNED_FIRST_KEY, PINNED_TEXT_KEY)


PINNED_FIRST_KEY = 10143632657854601844
PINNED_TEXT_KEY = 11139441398609567984


def shingle_pairs(size: int, overlap: float, pairs: int) -> Shingles:
    """`pairs` pairs of texts of `size` random shingle hashes each, sharing a share `overlap` of them."""
    rng = np.random.default_rng(size)
    shared = round(size * overlap)
    texts = []
    for _ in range(pairs):
        common, own = rng.integers(0, 2**64, shared, np.uint64), rng.integers(0, 2**64, 2 * (size - shared), np.uint64)
        texts += [np.concatenate([common, own[: size - shared]]), np.concatenate([own[size - shared :], common])]
    offsets = np.concatenate([[0], np.cumsum([len(text) for text in texts])]).astype(np.uint64)
    hashes = np.concatenate(texts)
    return Shingles(hashes, offsets, np.zeros(len(hashes), np.int32))


@pytest.mark.parametrize(("size", "overlap"), [(1000, 0.9), (1000, 0.7), (30, 0.9)])
def test_bands_meet_as_often_as_their_rows_agree(size: int, overlap: float) -> None:
    """A band of two texts is equal when its `rows` MinHash values are: with probability J ** rows, J being
    their Jaccard similarity, for long texts and for short ones whose empty bins are filled from others."""
    config = NearDupConfig()
    keys = minhash_bands(shingle_pairs(size, overlap, 300), config)
    shared = round(size * overlap)
    jaccard = shared / (2 * size - shared)
    met = (keys[0::2] == keys[1::2]).mean()
    assert abs(met - jaccard**config.rows) < 0.25 * jaccard**config.rows + 0.01


def test_equal_texts_share_every_band_and_disjoint_ones_none() -> None:
    config = NearDupConfig()
    for size in (3, 50, 500):
        same = minhash_bands(shingle_pairs(size, 1.0, 50), config)
        apart = minhash_bands(shingle_pairs(size, 0, 50), config)
        assert (same[0::2] == same[1::2]).all()
        assert not np.isin(apart[0::2], apart[1::2]).any()


def reference_skeleton(canonical: str) -> str:
    """The skeleton the way Polars' string functions make it, step by step (the implementation before the
    lookup table): `marked_skeletons` must give the same."""
    text = pl.Series([canonical]).str.to_lowercase().str.replace_all("ё", "е").str.replace_all("ς", "σ")
    text = text.str.replace_all(SENTENCE_END, "$1" + SENTENCE_MARK)
    letters = ROMANIZE_ONE | DIGRAPHS_AS_TEXT
    text = text.str.replace_many(list(letters), list(letters.values()))
    text = text.str.replace_all(r"(\d)\.(\d)", "${1}d$2").str.replace_all(rf"[^\p{{L}}\p{{N}}{SENTENCE_MARK}]+", " ")
    return text.str.replace_all(rf" ?{SENTENCE_MARK} ?", SENTENCE_MARK).str.strip_chars(" " + SENTENCE_MARK).item()


DIGRAPHS_AS_TEXT = {"sh": "s", "ch": "c", "zh": "j", "ts": "c"}


def test_the_lookup_table_skeleton_equals_the_step_by_step_one() -> None:
    rng = random.Random(13)
    # Letters of every alphabet we see, both cases, the digraphs' letters, marks, punctuation, a line break,
    # letters that lower-case to two (İ), Greek sigma, combining accents, and beyond the plane (😀, 𝐀).
    pool = "aSsHhCcZzTtJéÄß ÖşŞğ ёЁъЬюЯшЩ әӘқҚһҺүҰ İΣσς 1,5.7 «»—!?….\n\t\x01\u0307\u0301😀𝐀"
    texts = ["", "   ", "TSH tsh Ts-h", "Объект, подъём. Съезд! Юрий?"]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 60))) for _ in range(3_000)]
    expected = [reference_skeleton(text) for text in texts]
    assert marked_skeletons(pl.Series(texts, dtype=pl.String)).texts(marked=True) == expected
    assert marked_skeletons(pl.Series([], dtype=pl.String)).texts(marked=True) == []


def test_only_ascii_letters_lower_case_to_a_digraphs_letters() -> None:
    letters = {letter for pair in DIGRAPHS_AS_TEXT for letter in pair}
    assert not [code for code in range(128, 0x110000) if chr(code).lower()[0] in letters]


def test_equal_texts_have_one_key_wherever_they_lie() -> None:
    texts = ["die regierung tagt", "курс тенге", "die regierung tagt", "", "die regierung tag", "курс тенге"]
    keys = text_keys(Skeletons.of(texts)).tolist()
    assert keys[0] == keys[2] and keys[1] == keys[5]
    assert len({keys[0], keys[1], keys[3], keys[4]}) == 4
    # A run inside a longer text has the key of the same text standing alone.
    whole = Skeletons.of(["xx die regierung tagt yy"])
    assert segment_keys(whole.codes, np.array([3]), np.array([21])).tolist() == [keys[0]]


def reference_cuts(marked: str, min_words: int) -> set[str]:
    """The shorter forms of a marked skeleton, made with regular expressions on its string."""
    skeleton = marked.replace(SENTENCE_MARK, " ")
    cuts = [re.sub(rf"(\s+\S+){{{dropped}}}$", "", skeleton, count=1) for dropped in (1, 2, 3)]
    cuts = [cut for cut in cuts if cut != skeleton]  # too few words to drop
    if SENTENCE_MARK in marked:
        cuts.append(re.sub(f"{SENTENCE_MARK}+[^{SENTENCE_MARK}]*$", "", marked).replace(SENTENCE_MARK, " "))
    return {cut for cut in cuts if cut.count(" ") + 1 >= min_words}


def test_cut_forms_are_the_texts_without_their_last_words_or_sentence() -> None:
    rng = random.Random(6)
    words = ["Die", "Regierung", "hat", "1,5", "Prozent", "beschlossen", "курс", "тенге", "Şahar"]
    ends = [" ", " ", " ", ". ", "! ", ". . ", "?! ", " — "]
    texts = ["".join(rng.choice(words) + rng.choice(ends) for _ in range(rng.randint(0, 14))) for _ in range(2_000)]
    skeleton = marked_skeletons(pl.Series(texts, dtype=pl.String))
    text, end = cut_forms(skeleton, min_words=4)
    starts = skeleton.offsets[:-1]
    joined = "".join(skeleton.texts())
    found = [set() for _ in texts]
    for at, stop in zip(text.tolist(), end.tolist(), strict=True):
        found[at].add(joined[starts[at] : stop])
    assert found == [reference_cuts(marked, 4) for marked in skeleton.texts(marked=True)]
    assert any(SENTENCE_MARK * 2 in marked for marked in skeleton.texts(marked=True))  # marks side by side
