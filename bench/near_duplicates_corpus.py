"""The labelled near-duplicate set of issue 13, and the throughput corpus: both generated, deterministically.

Originals are real paragraphs of ../shared/data of at least MIN_WORDS words: Russian paragraphs as the corus
samples print them, German articles (one line each) cut into paragraphs of 2-4 sentences, Kazakh sentences
grouped 2-4 in file order. A paragraph that shares a quarter of its word trigrams with an earlier one is left
out, and so is one of two twin sentences (KazNERD prints some twice, the number once in words and once in
digits): the only near copies in the set are the ones made here.

Every row has its true `group`, its `role` and its edit `kind`:
  original            the real paragraph, the source of its group;
  copy                same group as its source, made by one edit of COPY_EDITS (`edits` names it) or by two
                      (kind `combination`, `edits` "a+b");
  apart               a different fact made from an original, its own group: APART_KINDS;
  distractor          an unrelated real paragraph, its own group.
Some apart rows get a copy of their own (an edit that keeps every sentence and every number), in their group.
A cut copy that keeps only sentences a different fact left unchanged (the changed number was in the cut
sentence) is a copy of that fact as much as of its original: `also_source_ids` names it, and the scores accept
either (bench/near_duplicates.py).
Row order is shuffled and the ids (`paragraph_id`) are given after, so neither tells the groups.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

# bench/corpus.py's sentence splitter, JSONL reader and repair of corus' lost newlines: the same sentences as
# the pipeline benchmark's corpora.
from bench.corpus import LANGUAGE_WEIGHTS, LANGUAGES, MANGLED_NEWLINE, SHARED_DATA, _rows, _split_sentences
from tasks.fingerprint import normalize_paragraph

SEED = 13  # issue 13
MIN_WORDS = 8
MAX_CHARS = 1_200
GROUP_SENTENCES = (2, 4)
ORIGINALS = 220  # per language
DISTRACTORS = 120  # per language
COPY_RATE = 0.4  # of each edit that applies to every paragraph; the conditional ones are always made
COMBINATION_RATE = 0.5
APART_RATE = 0.8  # of each apart kind that applies to an original
APART_COPY_RATE = 0.3
TWIN_WINDOW = 5
TWIN_SHARE = 0.5
FRESH_OVERLAP = 0.25  # a pool paragraph sharing this share of its trigrams with an earlier one is left out
SCHEMA = {
    "paragraph_id": pl.String,
    "text": pl.String,
    "language": pl.String,
    "group": pl.String,
    "role": pl.String,
    "kind": pl.String,
    "edits": pl.String,
    "source_id": pl.String,
    "also_source_ids": pl.List(pl.String),
}

# Edits work on the paragraph's sentences joined by "\n" (no edit writes a newline), so that the sentence edits
# still apply after a character edit; a row's text joins them with a space. None: the edit does not apply.
Edit = Callable[[str, str, random.Random], str | None]

WORD = re.compile(r"[^\W\d_]{4,}")
TOKEN = re.compile(r"\w+")
QUOTED = re.compile(r'«([^«»\n]*)»|„([^„“”\n]*)[“”]|"([^"\n]*)"|“([^“”\n]*)”')
QUOTE_STYLES = (("«", "»"), ("„", "“"), ('"', '"'), ("“", "”"))
SPACED_DASH = re.compile(r"(?<= )[—–-](?= )")
DASHES = "—–-"
AGENCIES = {
    "ru": (" — передает БЕЛТА.", " — сообщает ТАСС.", ", передает РИА Новости."),
    "de": (" (dpa)", " (APA)", " (AFP)"),
    "kk": (" (ҚазАқпарат)", " — ҚазАқпарат."),
}
# Scanner and OCR confusions: rn/m, l/1, O/0, e/c, and the Cyrillic and Latin letters that look alike.
LOOK_ALIKE = "аaеeоoрpсcуyхxАAВBЕEКKМMНHОOРPСCТTХX"
OCR_CONFUSIONS = (
    ("rn", "m"), ("m", "rn"), ("l", "1"), ("O", "0"), ("e", "c"),
    *((LOOK_ALIKE[i], LOOK_ALIKE[i + 1]) for i in range(0, len(LOOK_ALIKE), 2)),
    *((LOOK_ALIKE[i + 1], LOOK_ALIKE[i]) for i in range(0, len(LOOK_ALIKE), 2)),
)  # fmt: skip
OCR_ERRORS = (2, 4)
# Numbers in the formats the edits change without changing the value. A comma is a decimal separator (as in
# Russian, German and Kazakh); a dot before three digits groups thousands, as in German.
NUMBER_FORMS = re.compile(
    r"(?<![\w.,])(?:(?P<grouped>\d{1,3}(?:[ \u00a0]\d{3})+|\d{1,3}(?:\.\d{3})+)(?![\d]|[.,]\d)"
    r"|(?P<decimal>\d+,\d+|\d+\.(?:\d{1,2}|\d{4,}))(?![\d]|[.,]\d)"
    r"|(?P<plain>\d{4,})(?![\d]|[.,]\d)"
    r"|(?P<percent>\d+)(?P<space>[ \u00a0]?)%)"
)
GROUP_SEPARATORS = ("", " ", ".", ",")
YEARS = range(1800, 2101)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:[ \u00a0]\d{3}(?!\d))*")
DIGITS = re.compile(r"\d")
# Quotes, ё, a spaced dash, numbers: each in FEATURE_SHARE of the originals at least, where the language has them.
FEATURES = (QUOTED, re.compile("[ёЁ]"), SPACED_DASH, DIGITS)
FEATURE_SHARE = 0.15

# Kazakh Cyrillic -> Latin, lower case; upper case is the first letter capitalized, except where UPPER says.
# 2018 (decree of 19 February 2018, acute accents): И and Й are ı, І is i; У is ý, Ұ is u, Ү is ú.
KK_LATIN_2018 = {
    "а": "a", "ә": "á", "б": "b", "в": "v", "г": "g", "ғ": "ǵ", "д": "d", "е": "e", "ё": "ıo", "ж": "j", "з": "z",
    "и": "ı", "й": "ı", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ń", "о": "o", "ө": "ó", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "ý", "ұ": "u", "ү": "ú", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "ıý", "я": "ıa",
}  # fmt: skip
# 2021 (the government's version of 28 January 2021, diacritics): І is ı, И and Й are i (İ), Ы is y.
KK_LATIN_2021 = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ç",
    "ш": "ş", "щ": "ş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
KK_LATIN_2021_UPPER = {"и": "İ", "й": "İ", "ё": "İo", "ю": "İu", "я": "İa"}


@dataclass(frozen=True)
class Pool:
    """Real paragraphs (as sentence tuples) by language, none a near copy of another."""

    paragraphs: dict[str, list[tuple[str, ...]]]

    def sentences(self, language: str) -> list[str]:
        return [sentence for paragraph in self.paragraphs[language] for sentence in paragraph]


def load_pool(data: Path = SHARED_DATA, seed: int = SEED) -> Pool:
    if not data.is_dir():
        raise FileNotFoundError(f"{data} is absent: the shared corpora must sit beside the repository (../shared)")
    rng = random.Random(seed)
    ru = (
        [s for s in _split_sentences(line) if s]
        for row in _rows(data / "ru-news-corus-samples" / "docs.jsonl")
        for line in MANGLED_NEWLINE.sub("\n", row["text"]).split("\n")
    )
    de = (
        group
        for row in _rows(data / "de-news-10kgnad-test" / "docs.jsonl")
        for group in _grouped([s for s in _split_sentences(row["text"]) if s], rng)
    )
    kk = _grouped([row["text"] for row in _rows(data / "kk-news-sentences-kaznerd" / "sentences.jsonl")], rng)
    return Pool({lang: _fresh(paragraphs) for lang, paragraphs in zip(LANGUAGES, (ru, de, kk), strict=True)})


def _grouped(sentences: list[str], rng: random.Random) -> Iterator[list[str]]:
    sentences = _without_twins(sentences)
    start = 0
    while start < len(sentences):
        size = rng.randint(*GROUP_SENTENCES)
        yield sentences[start : start + size]
        start += size


def _without_twins(sentences: list[str]) -> list[str]:
    """One of each pair of sentences that share most of their words within TWIN_WINDOW of each other: KazNERD
    often prints a sentence twice, the number once in words and once in digits. The one with digits is kept."""
    kept: list[str] = []
    words: list[set[str]] = []
    for sentence in sentences:
        these = set(TOKEN.findall(normalize_paragraph(sentence)))
        twin = next(
            (i for i in range(max(0, len(kept) - TWIN_WINDOW), len(kept))
             if len(these & words[i]) >= TWIN_SHARE * min(len(these), len(words[i]))),
            None,
        )  # fmt: skip
        if twin is None:
            kept.append(sentence)
            words.append(these)
        elif DIGITS.search(sentence) and not DIGITS.search(kept[twin]):
            kept[twin], words[twin] = sentence, these
    return kept


def _trigrams(text: str) -> set[str]:
    words = TOKEN.findall(normalize_paragraph(text))
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def _fresh(paragraphs: Iterator[list[str]]) -> list[tuple[str, ...]]:
    """The paragraphs of MIN_WORDS to MAX_CHARS that share under FRESH_OVERLAP of their trigrams with any earlier."""
    kept: list[tuple[str, ...]] = []
    index: dict[str, list[int]] = defaultdict(list)
    for sentences in paragraphs:
        text = " ".join(sentences)
        if len(text.split()) < MIN_WORDS or len(text) > MAX_CHARS:
            continue
        shingles = _trigrams(text)
        shared: dict[int, int] = defaultdict(int)
        for shingle in shingles:
            for other in index[shingle]:
                shared[other] += 1
        if shared and max(shared.values()) >= FRESH_OVERLAP * len(shingles):
            continue
        for shingle in shingles:
            index[shingle].append(len(kept))
        kept.append(tuple(sentences))
    return kept


# --- copy edits: the same fact, written otherwise ---


def typo(text: str, language: str, rng: random.Random) -> str | None:
    """One character: a letter of a word replaced by another letter of the paragraph, dropped, or doubled."""
    words = list(WORD.finditer(text))
    if not words:
        return None
    word = rng.choice(words)
    at = rng.randrange(word.start() + 1, word.end())
    operation = rng.choice(("replace", "drop", "double"))
    if operation == "drop":
        return text[:at] + text[at + 1 :]
    if operation == "double":
        return text[: at + 1] + text[at:]
    letters = sorted({c for c in text if c.isalpha() and c.islower() == text[at].islower() and c != text[at]})
    return text[:at] + rng.choice(letters) + text[at + 1 :] if letters else None


def restyle_quotes(text: str, language: str, rng: random.Random) -> str | None:
    """Every quoted span in another style of « », „ “, " " and “ ”."""
    first = QUOTED.search(text)
    if first is None:
        return None
    current = QUOTE_STYLES[first.lastindex - 1]
    opening, closing = rng.choice([style for style in QUOTE_STYLES if style != current])
    return QUOTED.sub(lambda m: opening + m.group(m.lastindex) + closing, text)


def yo_as_e(text: str, language: str, rng: random.Random) -> str | None:
    return text.replace("ё", "е").replace("Ё", "Е") if "ё" in text or "Ё" in text else None


def change_dash(text: str, language: str, rng: random.Random) -> str | None:
    """Every spaced dash (— – -) as another of them."""
    first = SPACED_DASH.search(text)
    if first is None:
        return None
    return SPACED_DASH.sub(rng.choice(DASHES.replace(first.group(), "")), text)


def append_agency(text: str, language: str, rng: random.Random) -> str | None:
    """A wire credit at the end: "— передает БЕЛТА.", "(dpa)", "(ҚазАқпарат)"."""
    credit = rng.choice(AGENCIES[language])
    if credit.startswith((" —", ",")) and text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text + credit


def cut_last_sentence(text: str, language: str, rng: random.Random) -> str | None:
    head, _, _ = text.rpartition("\n")
    return head if len(head.split()) >= MIN_WORDS else None


def swap_sentences(text: str, language: str, rng: random.Random) -> str | None:
    sentences = text.split("\n")
    if len(sentences) < 2:
        return None
    at = rng.randrange(len(sentences) - 1)
    sentences[at], sentences[at + 1] = sentences[at + 1], sentences[at]
    return "\n".join(sentences)


def ocr_noise(text: str, language: str, rng: random.Random) -> str | None:
    """OCR_ERRORS[0] to [1] character confusions at different places."""
    spots = sorted({(m.start(), m.end(), new) for old, new in OCR_CONFUSIONS for m in re.finditer(old, text)})
    if len(spots) < OCR_ERRORS[0]:
        return None
    chosen = rng.sample(spots, min(len(spots), rng.randint(*OCR_ERRORS)))
    taken: set[int] = set()
    for start, end, new in sorted(chosen, reverse=True):
        if taken.isdisjoint(range(start, end)):
            text = text[:start] + new + text[end:]
            taken.update(range(start, end))
    return text


def reformat_numbers(text: str, language: str, rng: random.Random) -> str | None:
    """Numbers in another format of the same value: 1,5 / 1.5, 17 % / 17%, 1 000 / 1,000 / 1.000 / 1000."""

    def reformat(m: re.Match[str]) -> str:
        if m.group("percent"):
            return m.group("percent") + ("" if m.group("space") else " ") + "%"
        if m.group("decimal"):
            return m.group("decimal").translate(str.maketrans(",.", ".,"))
        digits = re.sub(r"\D", "", m.group())
        if m.group("plain") and len(digits) == 4 and int(digits) in YEARS:
            return m.group()
        current = "" if m.group("plain") else m.group()[-4].replace("\u00a0", " ")
        separator = rng.choice([s for s in GROUP_SEPARATORS if s != current])
        head = len(digits) % 3 or 3
        return separator.join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])

    edited = NUMBER_FORMS.sub(reformat, text)
    return edited if edited != text else None


def whitespace_case(text: str, language: str, rng: random.Random) -> str | None:
    """A few spaces doubled or made non-breaking or tabs, and the case of the paragraph or of some words changed."""
    case = rng.choice(("lower", "upper_first_words", "title_words"))
    words = text.split(" ")
    if case == "lower":
        words = [word.lower() for word in words]
    elif case == "upper_first_words":
        words[:2] = [word.upper() for word in words[:2]]
    else:
        for at in rng.sample(range(len(words)), min(3, len(words))):
            words[at] = words[at].capitalize() if words[at].islower() else words[at].lower()
    gaps = rng.sample(range(len(words) - 1), min(3, len(words) - 1))
    spaced = [
        word + (rng.choice(("  ", "\u00a0", "\t", " \u00a0")) if i in gaps else " ") for i, word in enumerate(words)
    ]
    return "".join(spaced).rstrip(" ") + rng.choice(("", " "))


def transliterator(table: dict[str, str], upper: dict[str, str]) -> Edit:
    mapping = {ord(cyrillic): latin for cyrillic, latin in table.items()}
    mapping.update({ord(c.upper()): upper.get(c, latin[:1].upper() + latin[1:]) for c, latin in table.items()})

    def transliterate(text: str, language: str, rng: random.Random) -> str | None:
        return text.translate(mapping) if language == "kk" else None

    return transliterate


COPY_EDITS: dict[str, Edit] = {
    "typo": typo,
    "quotes": restyle_quotes,
    "yo_as_e": yo_as_e,
    "dash": change_dash,
    "agency": append_agency,
    "last_sentence_cut": cut_last_sentence,
    "sentences_swapped": swap_sentences,
    "ocr_noise": ocr_noise,
    "number_format": reformat_numbers,
    "whitespace_case": whitespace_case,
    "kk_latin_2018": transliterator(KK_LATIN_2018, {}),
    "kk_latin_2021": transliterator(KK_LATIN_2021, KK_LATIN_2021_UPPER),
}
# Made whenever they apply (their conditions make them rare); the others with COPY_RATE.
CONDITIONAL = frozenset({"quotes", "yo_as_e", "dash", "number_format", "kk_latin_2018", "kk_latin_2021"})
# Copies of an apart row keep every sentence and every number, so they cannot become a copy of its original.
KEEPING_FACTS = ("typo", "quotes", "yo_as_e", "dash", "agency", "number_format", "whitespace_case", "kk_latin_2021")


# --- apart edits: a different fact ---


def _other_digit(number: str, rng: random.Random) -> str:
    """The number with one of its last two digits changed (a leading digit never to 0)."""
    places = [i for i, c in enumerate(number) if c.isdigit()][-2:]
    at = rng.choice(places)
    choices = [d for d in "0123456789" if d != number[at] and (d != "0" or at > 0 or len(places) == 1)]
    return number[:at] + rng.choice(choices) + number[at + 1 :]


def change_every_number(text: str, language: str, rng: random.Random) -> str | None:
    if not DIGITS.search(text):
        return None
    return NUMBER.sub(lambda m: _other_digit(m.group(), rng), text)


def change_one_number(text: str, language: str, rng: random.Random) -> str | None:
    numbers = list(NUMBER.finditer(text))
    if len(numbers) < 2:
        return None
    m = rng.choice(numbers)
    return text[: m.start()] + _other_digit(m.group(), rng) + text[m.end() :]


APART_EDITS: dict[str, Edit] = {"numbers_all_changed": change_every_number, "number_one_changed": change_one_number}
# one_sentence_shared takes sentences from elsewhere: _Builder.share_sentence.
APART_KINDS = (*APART_EDITS, "one_sentence_shared")
SHARED_FILLERS = (1, 3)


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: dict[str, dict] = {}
        self.texts: set[str] = set()

    def add(self, text: str, language: str, group: str, role: str, kind: str, edits: str, source: str | None) -> str:
        key = f"r{len(self.rows):05d}"
        self.rows[key] = {"text": text.replace("\n", " "), "language": language, "group": group, "role": role,
                          "kind": kind, "edits": edits, "source_id": source, "also_source_ids": []}  # fmt: skip
        self.texts.add(text.replace("\n", " "))
        return key

    def new(self, text: str | None) -> bool:
        return text is not None and text.replace("\n", " ") not in self.texts

    def copies(self, text: str, language: str, group: str, source: str) -> dict[str, frozenset[int]]:
        """Make the copies of an original; return the cut ones, each with the indices of the sentences it keeps."""
        rng = self.rng
        made: list[tuple[str, str]] = []
        for name, edit in COPY_EDITS.items():
            if name in CONDITIONAL or rng.random() < COPY_RATE:
                copy = edit(text, language, rng)
                if self.new(copy):
                    made.append((self.add(copy, language, group, "copy", name, name, source), copy))
        if rng.random() < COMBINATION_RATE:
            for _ in range(10):
                first, second = rng.sample(sorted(COPY_EDITS), 2)
                once = COPY_EDITS[first](text, language, rng)
                twice = COPY_EDITS[second](once, language, rng) if once is not None else None
                if self.new(twice):
                    made.append((self.add(twice, language, group, "copy", "combination", f"{first}+{second}", source),
                                 twice))  # fmt: skip
                    break
        sentences = text.split("\n")
        cut = {}
        for key, copy in made:
            edits = self.rows[key]["edits"].split("+")
            if "last_sentence_cut" not in edits:
                continue
            # Cut after a swap, the copy's sentences are the original's, unchanged; else it lost the last one.
            kept = set(copy.split("\n")) if "sentences_swapped" in edits else set(sentences[:-1])
            cut[key] = frozenset(i for i, sentence in enumerate(sentences) if sentence in kept)
        return cut

    def apart(self, text: str, language: str, group: str, original: str, fillers: list[str],
              cut: dict[str, frozenset[int]]) -> None:  # fmt: skip
        """Make the different facts of an original. A cut copy that keeps only sentences a different fact has
        unchanged is a copy of both: it is labelled with both sources (`also_source_ids`)."""
        rng = self.rng
        sentences = text.split("\n")
        for name in APART_KINDS:
            if rng.random() >= APART_RATE:
                continue
            if name in APART_EDITS:
                variant = APART_EDITS[name](text, language, rng)
            else:
                variant = self.share_sentence(text, fillers)
            if not self.new(variant):
                continue
            apart_group = f"{group}-{name}"
            key = self.add(variant, language, apart_group, "apart", name, name, original)
            unchanged = {i for i, sentence in enumerate(sentences) if sentence in variant.split("\n")}
            for copy, kept in cut.items():
                if kept <= unchanged:
                    self.rows[copy]["also_source_ids"].append(key)
            if rng.random() < APART_COPY_RATE:
                kind = rng.choice(KEEPING_FACTS)
                copy = COPY_EDITS[kind](variant, language, rng)
                if self.new(copy):
                    self.add(copy, language, apart_group, "copy", kind, kind, key)

    def share_sentence(self, text: str, fillers: list[str]) -> str | None:
        """The original's last sentence among 1-3 sentences from elsewhere (more, if the paragraph would have fewer
        than MIN_WORDS words): never in the original's cut copy, never all of the original."""
        sentences = text.split("\n")
        if len(sentences) < 2:
            return None
        count = self.rng.randint(*SHARED_FILLERS)
        others: list[str] = []
        while fillers and (len(others) < count or len(" ".join([*others, sentences[-1]]).split()) < MIN_WORDS):
            others.append(fillers.pop())
        others.insert(self.rng.randint(0, len(others)), sentences[-1])
        return "\n".join(others)


def _featured_first(paragraphs: list[tuple[str, ...]], originals: int, rng: random.Random) -> list[tuple[str, ...]]:
    """The paragraphs shuffled, with a share of the first `originals` carrying what the conditional and apart
    edits need: drawn at random, quotes or numbers would be in a handful of German or Kazakh originals."""
    rest = list(paragraphs)
    rng.shuffle(rest)
    first: list[tuple[str, ...]] = []
    for feature in FEATURES:
        having = [p for p in rest if feature.search(" ".join(p))][: int(originals * FEATURE_SHARE)]
        first += having
        taken = set(having)
        rest = [p for p in rest if p not in taken]
    return first + rest


def build_labelled(
    pool: Pool, seed: int = SEED, originals: int = ORIGINALS, distractors: int = DISTRACTORS
) -> pl.DataFrame:
    """The labelled set: one row per paragraph, in shuffled order, with the columns of SCHEMA."""
    rng = random.Random(seed)
    builder = _Builder(rng)
    for language in LANGUAGES:
        paragraphs = _featured_first(pool.paragraphs[language], originals, rng)
        chosen, unrelated = paragraphs[:originals], paragraphs[originals : originals + distractors]
        fillers = [s for p in paragraphs[originals + distractors :] for s in p]
        rng.shuffle(fillers)
        for number, sentences in enumerate(chosen):
            text = "\n".join(sentences)
            group = f"{language}-g{number:04d}"
            source = builder.add(text, language, group, "original", "original", "", None)
            cut = builder.copies(text, language, group, source)
            builder.apart(text, language, group, source, fillers, cut)
        for number, sentences in enumerate(unrelated):
            builder.add("\n".join(sentences), language, f"{language}-d{number:04d}", "distractor", "distractor", "",
                        None)  # fmt: skip
    keys = list(builder.rows)
    rng.shuffle(keys)
    ids = {key: f"p{i:05d}" for i, key in enumerate(keys)}
    rows = []
    for key in keys:
        row = builder.rows[key]
        rows.append({**row, "paragraph_id": ids[key], "source_id": ids.get(row["source_id"]),
                     "also_source_ids": [ids[other] for other in row["also_source_ids"]]})  # fmt: skip
    return pl.DataFrame(rows, schema=SCHEMA)


def write_jsonl(frame: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        for row in frame.iter_rows(named=True):
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


# --- throughput corpus ---

THROUGHPUT_COPY_SHARE = 0.1
# Vectorized edits for the throughput corpus's near copies: Polars expressions over the text.
THROUGHPUT_EDITS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "whitespace_case": lambda text: text.str.to_lowercase(),
    "quotes": lambda text: text.str.replace_all("«", '"', literal=True).str.replace_all("»", '"', literal=True),
    "agency": lambda text: pl.concat_str(text, pl.lit(" (dpa)")),
    # One letter: the first Cyrillic а as о, or (in German) the first e as a.
    "typo": lambda text: text.str.replace("а", "о", literal=True).str.replace("e", "a", literal=True),
    "dash": lambda text: text.str.replace_all(" — ", " - ", literal=True).str.replace_all(" – ", " - ", literal=True),
}


def build_throughput(pool: Pool, paragraphs: int, seed: int = SEED) -> pl.DataFrame:
    """`paragraphs` rows of 2-4 real sentences recombined at random (columns paragraph_id, text, language,
    copy_of), THROUGHPUT_COPY_SHARE of them near copies of an earlier row: built column-wise in Polars."""
    rng = np.random.default_rng(seed)
    languages = rng.choice(len(LANGUAGES), size=paragraphs, p=LANGUAGE_WEIGHTS)
    sizes = rng.integers(GROUP_SENTENCES[0], GROUP_SENTENCES[1] + 1, size=paragraphs)
    texts = pl.Series("text", [None] * paragraphs, dtype=pl.String)
    for code, language in enumerate(LANGUAGES):
        rows = np.flatnonzero(languages == code)
        sentences = pl.Series(pool.sentences(language))
        picks = rng.integers(0, len(sentences), size=(len(rows), GROUP_SENTENCES[1]))
        parts = [
            pl.when(pl.lit(sizes[rows]) > place).then(sentences.gather(picks[:, place]))
            for place in range(GROUP_SENTENCES[1])
        ]
        joined = pl.select(pl.concat_str(parts, separator=" ", ignore_nulls=True)).to_series()
        texts = texts.scatter(rows, joined)
    frame = pl.DataFrame({"text": texts, "language": np.array(LANGUAGES)[languages]})
    is_copy = rng.random(paragraphs) < THROUGHPUT_COPY_SHARE
    originals = np.flatnonzero(~is_copy)
    copies = np.flatnonzero(is_copy)
    # Each copy's source: a row before it that is no copy itself, so that its text stays the one copied.
    before = np.searchsorted(originals, copies)
    copies, before = copies[before > 0], before[before > 0]
    sources = originals[(rng.random(len(copies)) * before).astype(np.int64)]
    kinds = rng.integers(0, len(THROUGHPUT_EDITS), size=len(copies))
    copy_of = np.full(paragraphs, -1, dtype=np.int64)
    copy_of[copies] = sources
    source_texts = frame["text"].gather(sources)
    edited = pl.select(
        pl.coalesce(
            [
                pl.when(pl.lit(kinds) == k).then(edit(pl.lit(source_texts)))
                for k, edit in enumerate(THROUGHPUT_EDITS.values())
            ]
        )
    ).to_series()
    frame = frame.with_columns(
        frame["text"].scatter(copies, edited), frame["language"].scatter(copies, frame["language"].gather(sources))
    )
    return frame.select(
        pl.format("t{}", pl.int_range(paragraphs, dtype=pl.Int64).cast(pl.String).str.zfill(7)).alias("paragraph_id"),
        "text",
        "language",
        pl.when(pl.lit(copy_of) >= 0)
        .then(pl.format("t{}", pl.lit(copy_of).cast(pl.String).str.zfill(7)))
        .alias("copy_of"),
    )
