"""Near-duplicate signature: per batch, in the parallel prepare step, what the later stages need to
find near copies of a paragraph without reading it again.

    text -> skeleton -> character shingles -> MinHash (one permutation, NumPy) -> LSH band keys
         -> numbers (the facts that must match)

The skeleton is a lossy, language-aware normalization made only for comparing texts (ids use the
exact normalization of tasks/fingerprint.py): case folded, ё -> е, number formats reduced to their
value (1,5 = 1.5, 1 000 = 1,000 = 1.000, 17 % = 17%), every script romanized with one table in which
Kazakh Cyrillic and both official Kazakh Latin alphabets (2018, 2021) meet (шаһар, şahar and shahar
all become `sahar`), accents dropped from Latin letters, and punctuation (quotes, dashes) gone. Shingles are its
overlapping SHINGLE_CHARS-character windows, hashed with NumPy over the whole batch at once, and
binned into each paragraph's MinHash (`minhash_bands`), whose rows are hashed band by band into
`bands` keys: paragraphs that share one are compared. Many rows per band make the keys strict, so
paragraphs that merely share a sentence rarely meet, which keeps the comparisons few as the corpus
grows. Exact keys add what MinHash misses: the whole skeleton, and the skeleton without its last
sentence or its last one to three words, so a copy with its last sentence cut, or a short one with a
credit appended (low Jaccard similarity), meets its original. A small sketch of each sentence (a few
MinHash values of its shingles) lets the verify stage set aside, without reading the texts again,
pairs in which each paragraph has a sentence the other lacks: two stories that share a sentence.

Paragraphs under `min_words` words get no band keys: they match only exactly.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np
import polars as pl
import pyarrow as pa

from tasks.near_config import NearDupConfig

# Change any of these, the skeleton, or the band hashing, and old band keys no longer meet new ones:
# bump SIGNATURE_VERSION; a warehouse signed with another version is signed again (warehouse/near.py).
SIGNATURE_VERSION = "6"
SHINGLE_CHARS = 5
# A copy with up to this many words appended (a credit) meets its original on an exact key.
CREDIT_WORDS = 3
# A sentence ends at . ! ? or … (and closing quotes), before whitespace.
SENTENCE_END = r"([.!?…]+[\"»”)]*)\s+"
SENTENCE_MARK = "\x01"
# MinHash values per sentence in its sketch. A sentence of one paragraph is "found" in the other when one
# of its values is among the other's: an edited sentence (Jaccard 0.6 with its original) is missed by all
# six with probability 0.4^6 = 0.4%, a different sentence matches by chance about never (32-bit values).
SKETCH_VALUES = 6
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
# A MinHash bin keeps the least of 32 bits; no shingle in it, it holds this.
EMPTY_BIN = np.uint32(0xFFFFFFFF)
DENSIFY_ATTEMPTS = 1000
# The whole-text and prefix keys: a polynomial hash over code points with this odd base, and its inverse.
KEY_BASE = 0x100000001B3
KEY_INVERSE = pow(KEY_BASE, -1, 2**64)


# Every Cyrillic letter of Russian and Kazakh, and the Latin letters of the Kazakh alphabets, meet in
# one Latin skeleton. Lossy on purpose (и, й, і and ı are all `i`; ш and sh both `s`): the skeleton only
# decides which paragraphs to compare, and the verify stage compares them on the same skeleton.
ROMANIZE = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "і": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "h",
    "һ": "h", "ц": "c", "ч": "c", "ш": "s", "щ": "s", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    # Kazakh Latin: 2018 (acute accents, digraphs) and 2021 (umlauts, cedillas); ý is у in 2018.
    "ý": "u", "ı": "i", "sh": "s", "ch": "c", "zh": "j", "ts": "c",
    "\u0307": "",  # the dot that lower-casing İ leaves on i
}  # fmt: skip
# Accented Latin letters (lower case) lose their accents: ä, á, ǵ, ş, ñ, é ... -> a, a, g, s, n, e.
ACCENTED = {
    letter: base[0]
    for letter in map(chr, range(0xC0, 0x250))
    if letter.islower() and len(base := unicodedata.normalize("NFKD", letter)) > 1 and base[0].isascii()
}
# Single letters only: the digraphs (sh, ch, zh, ts) are matched in `marked_skeletons`.
# ё is е, and Greek final sigma a sigma (lower-cased letter by letter, Σ is never ς).
ROMANIZE_ONE = {letter: to for letter, to in (ACCENTED | ROMANIZE).items() if len(letter) == 1} | {"ё": "e", "ς": "σ"}
# Digits grouped by a space (1 000), a dot or a comma (1.000, 1,000), up to 10^18: the group marks go.
# A single comma between digits is a decimal comma (1,5 -> 1.5). Dates (11.11.2025) keep their dots.
# The last group ends where a non-word character or the text does: that character is captured and put
# back, because a Unicode word boundary (\b) keeps the regex engine off its fast automaton, which made
# this pass nine times slower, the costliest of the skeleton's (bench/README.md, issue 13).
GROUP_MARK = "[ \u00a0\u202f.,]"
DIGIT_GROUPS = rf"(\d){GROUP_MARK}(\d{{3}})" + rf"(?:{GROUP_MARK}(\d{{3}}))?" * 5 + r"(\W|$)"
DECIMAL_COMMA = r"(\d),(\d)"
NUMBER = r"\d+(?:\.\d+)*"


def canonical_numbers(texts: pl.Expr) -> pl.Expr:
    """The text with every number written one way, whatever its format."""
    return texts.str.replace_all(DIGIT_GROUPS, "$1$2$3$4$5$6$7$8").str.replace_all(DECIMAL_COMMA, "$1.$2")


def character_table(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each code point: what it becomes in the skeleton, as up to two code points (first, second) and
    how many (0, 1 or 2): case folded, ё -> е, romanized (single letters: the digraphs are matched in
    `marked_skeletons`), accents dropped; what is neither letter nor digit becomes a space. A
    SENTENCE_MARK, and the TEXT_END `marked_skeletons` puts between texts, stay."""
    first, second = np.full(len(codes), ord(" "), np.uint32), np.zeros(len(codes), np.uint32)
    count = np.ones(len(codes), np.uint8)
    category = unicodedata.category
    for at, code in enumerate(codes.tolist()):
        lowered = chr(code).lower()
        if chr(code) in (SENTENCE_MARK, TEXT_END):
            out = chr(code)
        elif len(lowered) == 1 and lowered not in ROMANIZE_ONE:
            out = lowered if category(lowered)[0] in "LN" else " "
        else:
            out = "".join(ROMANIZE_ONE.get(letter, letter) for letter in lowered)
            out = "".join(c if category(c)[0] in "LN" else " " for c in out)
        count[at] = len(out)
        if out:
            first[at] = ord(out[0])
        if len(out) == 2:
            second[at] = ord(out[1])
    return first, second, count


TEXT_END = "\n"
# The Basic Multilingual Plane, looked up by code point; the few code points beyond it, case by case.
BMP = 0x10000
FIRST, SECOND, COUNT = character_table(np.arange(BMP, dtype=np.uint32))
# The Latin digraphs of Kazakh (2018), matched in ASCII letters of either case, leftmost first, as text is
# read (`tsh` is `c` + `h`): by their second letter, the letter before it (lower case), and what they become.
DIGRAPHS = {(pair[1], pair[0]): to for pair, to in ROMANIZE.items() if len(pair) == 2}
# Upper-case ASCII letters are found by setting the lower-case bit: no other code point lower-cases to
# a digraph's letter (tests/tasks/test_near_signature.py).


class Skeletons(NamedTuple):
    """Skeletons, text after text, as one array of code points: what shingles and keys are computed on."""

    codes: np.ndarray  # uint32; each sentence mark read as a space
    offsets: np.ndarray  # int64: where each text starts, len(texts) + 1 of them
    marks: np.ndarray  # int64, ascending: where a sentence mark was

    @classmethod
    def of(cls, texts: list[str]) -> Skeletons:
        """From skeleton strings, marked or not."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).copy()
        marks = np.flatnonzero(codes == ord(SENTENCE_MARK))
        codes[marks] = ord(" ")
        return cls(codes, np.concatenate([[0], np.cumsum(lengths)]), marks)

    def texts(self, *, marked: bool = False) -> list[str]:
        codes = self.codes.copy()
        if marked:
            codes[self.marks] = ord(SENTENCE_MARK)
        joined = codes.tobytes().decode("utf-32-le")
        bounds = self.offsets.tolist()
        return [joined[start:end] for start, end in itertools.pairwise(bounds)]


def marked_skeletons(canonical: pl.Series) -> Skeletons:
    """The skeletons of texts whose numbers are canonical already, with a SENTENCE_MARK in place of the
    space where each sentence ended (all but the last).

    Regular expressions mark sentence ends and decimal points; case folding, romanizing, what is neither
    letter nor digit, and the spaces squeezed go code point by code point through one lookup table in
    NumPy, over the batch as one array, which the later stages read as it is: Polars took ~3x longer for
    those passes, and handing the texts back as strings cost a fifth of the signature (bench/README.md,
    issue 13)."""
    marked = (
        canonical.fill_null("")
        .str.replace_all(SENTENCE_END, "$1" + SENTENCE_MARK)
        .str.replace_all(r"(\d)\.(\d)", "${1}d$2")
        .str.replace_all(TEXT_END, " ", literal=True)
    )
    if marked.is_empty():
        return Skeletons.of([])
    codes = np.frombuffer(marked.str.join(TEXT_END).item().encode("utf-32-le"), dtype=np.uint32)
    first, count, second_of = looked_up(codes)
    # Digraphs: the first letter takes the digraph's value, the second goes.
    for first_at, becomes in digraphs(codes):
        first[first_at] = becomes
        count[first_at + 1] = 0
    skeleton = first
    if not (count == 1).all():  # each code point as its 0, 1 or 2 code points
        skeleton = np.repeat(first, count)
        doubled, gone = np.flatnonzero(count == 2), np.flatnonzero(count == 0)
        # A doubled code point's second lands after as many extra code points as come before it, less those gone.
        second_at = doubled + np.arange(1, len(doubled) + 1) - np.searchsorted(gone, doubled)
        skeleton[second_at] = second_of(doubled)
    return squeezed(skeleton)


def squeezed(skeleton: np.ndarray) -> Skeletons:
    """Skeletons joined by TEXT_END as they come from the lookup table, made final: each run of spaces one
    space, no space beside a mark, and neither at either end of a text."""
    if not len(skeleton):
        return Skeletons.of([""])
    space = skeleton == ord(" ")
    skeleton = skeleton[np.concatenate([[True], ~(space[1:] & space[:-1])])]
    space, mark, end = (skeleton == ord(char) for char in (" ", SENTENCE_MARK, TEXT_END))
    beside_mark = np.zeros_like(mark)
    beside_mark[1:] |= mark[:-1]
    beside_mark[:-1] |= mark[1:]
    keep = ~end & ~(space & beside_mark)
    # Stripped: from each end of a text, spaces and marks go until a letter or digit. Few texts have any,
    # so this walks the texts that still do, not the code points.
    ends = np.flatnonzero(end)
    starts, stops = np.concatenate([[0], ends + 1]), np.append(ends, len(skeleton))
    junk = space | mark
    for at, last, step in ((starts, stops, 1), (stops - 1, starts - 1, -1)):
        walking = np.flatnonzero(at != last)
        while len(walking := walking[junk[at[walking]]]):
            keep[at[walking]] = False
            at[walking] += step
            walking = walking[at[walking] != last[walking]]
    kept = np.flatnonzero(keep)
    codes = skeleton[kept]
    marks = np.flatnonzero(codes == ord(SENTENCE_MARK))
    codes[marks] = ord(" ")
    return Skeletons(codes, np.concatenate([[0], np.searchsorted(kept, ends), [len(kept)]]), marks)


def looked_up(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """`character_table` of each code point: its first code point and count (fresh arrays), and how to
    find the second code point of those at some positions."""
    beyond = codes >= BMP
    if not beyond.any():
        return FIRST[codes], COUNT[codes], lambda at: SECOND[codes[at]]
    # Rare: the tables grown by the code points beyond the plane that occur.
    astral, index = np.unique(codes[beyond], return_inverse=True)
    extra = character_table(astral)
    first, second, count = (np.concatenate(pair) for pair in zip((FIRST, SECOND, COUNT), extra, strict=True))
    rows = codes.astype(np.int64)
    rows[beyond] = BMP + index
    return first[rows], count[rows], lambda at: second[rows[at]]


def digraphs(codes: np.ndarray) -> Iterator[tuple[np.ndarray, int]]:
    """Where each digraph begins, and what it becomes: leftmost first, so in `tsh` the `sh` is not one."""
    lower = codes | np.uint32(32)
    second_letters = sorted({ord(two) for two, _ in DIGRAPHS})
    after = lower[1:]
    maybe = functools.reduce(np.logical_or, (after == letter for letter in second_letters))
    seconds = np.flatnonzero(maybe) + 1
    before, these = lower[seconds - 1], lower[seconds]
    found = [(seconds[(these == ord(two)) & (before == ord(one))] - 1, ord(to)) for (two, one), to in DIGRAPHS.items()]
    starts = np.sort(np.concatenate([at for at, _ in found]))
    taken = np.ones(len(starts), dtype=bool)
    for overlapping in np.flatnonzero(starts[1:] == starts[:-1] + 1) + 1:  # few: `tsh`
        taken[overlapping] = not taken[overlapping - 1]
    overlapped = starts[~taken]
    for at, becomes in found:
        yield (at[~np.isin(at, overlapped)] if len(overlapped) else at), becomes


def text_skeletons(texts: pl.Series) -> Skeletons:
    """The marked skeletons of raw texts (their numbers made canonical first)."""
    return marked_skeletons(texts.to_frame("text").select(canonical_numbers(pl.col("text")))["text"])


def skeletons(texts: pl.Series) -> pl.Series:
    return pl.Series(text_skeletons(texts).texts(), dtype=pl.String)


def number_values(canonical: pl.Expr) -> pl.Expr:
    """The numbers of each text (its numbers made canonical already) by value, sorted, each with its
    occurrence (`24#1`, `24#2`): the facts a near copy must not change. Counting occurrences makes set
    inclusion multiset inclusion, so "21 and 24 months" changed to "24 and 24 months" differs."""
    values = canonical.str.extract_all(NUMBER)
    return values.list.eval(
        pl.element() + "#" + pl.int_range(1, pl.len() + 1).over(pl.element()).cast(pl.String)
    ).list.sort()


def splitmix64(x: np.ndarray) -> np.ndarray:
    """A fixed 64-bit mixer (SplitMix64's finalizer): stable across releases, unlike Polars' hash().
    Mixes `x` in place (and returns it): over millions of shingles, fresh temporaries cost more in page
    faults than the arithmetic."""
    shifted = np.empty_like(x)
    for shift, multiplier in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        np.bitwise_xor(x, np.right_shift(x, np.uint64(shift), out=shifted), out=x)
        np.multiply(x, np.uint64(multiplier), out=x)
    return np.bitwise_xor(x, np.right_shift(x, np.uint64(31), out=shifted), out=x)


class Sentences(NamedTuple):
    """The shingles that lie inside one sentence, sentence after sentence."""

    hashes: np.ndarray
    starts: np.ndarray  # where each sentence's hashes start
    text: np.ndarray  # the text each sentence belongs to


class Shingles(NamedTuple):
    """Every SHINGLE_CHARS-character window inside one text, hashed, text after text."""

    hashes: np.ndarray
    offsets: np.ndarray  # where each text's hashes start, len(texts) + 1 of them
    sentence: np.ndarray  # the sentence each window lies in, numbered over all texts; -1 if it spans a mark

    def sentences(self) -> Sentences:
        inside = np.flatnonzero(self.sentence >= 0)
        sentence = self.sentence[inside]
        starts = np.flatnonzero(np.diff(sentence, prepend=-1))  # sentences are numbered in window order
        text = np.searchsorted(self.offsets, inside[starts], side="right") - 1
        return Sentences(self.hashes[inside], starts, text)


def shingles(skeletons: Skeletons) -> Shingles:
    """The shingles of skeletons, with the sentence of each (marked skeletons; -1 where a window spans a mark)."""
    codes, lengths = skeletons.codes, np.diff(skeletons.offsets)
    windows = max(len(codes) - SHINGLE_CHARS + 1, 0)
    # A polynomial over the window's code points, modulo 2**32 (in place: this runs over every character).
    hashed = codes[:windows].copy()
    for offset in range(1, SHINGLE_CHARS):
        np.multiply(hashed, np.uint32(1_000_003), out=hashed)
        np.add(hashed, codes[offset : offset + windows], out=hashed)
    # Keep the windows that lie inside one text: each text's first `lengths - SHINGLE_CHARS + 1`.
    counts = np.maximum(lengths - SHINGLE_CHARS + 1, 0)
    keep = np.ones(windows, dtype=bool)
    ends = skeletons.offsets[1:]
    for cut in range(1, SHINGLE_CHARS):  # windows starting within the last few characters of a text
        crossing = ends - cut
        keep[crossing[(crossing >= 0) & (crossing < windows)]] = False
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.uint64)
    # A window's sentence: the sentences begun before it, by a mark or a text (no text begins with a mark).
    marks = np.zeros(len(codes), dtype=bool)
    marks[skeletons.marks] = True
    begins = marks.copy()
    begins[ends[:-1][ends[:-1] < len(begins)]] = True
    sentence = np.cumsum(begins, dtype=np.int32)[:windows]
    seen = np.cumsum(marks, dtype=np.int32)
    spans = seen[SHINGLE_CHARS - 1 : SHINGLE_CHARS - 1 + windows] - seen[:windows] + marks[:windows] > 0
    sentence[spans] = -1
    return Shingles(splitmix64(hashed[keep].astype(np.uint64)), offsets, sentence[keep])


def sentence_sketches(shingled: Shingles) -> pl.Series:
    """For each text, SKETCH_VALUES MinHash values of each sentence's shingles (32 bits each), sentence
    after sentence, as one list; sentences too short for a shingle have none."""
    texts = len(shingled.offsets) - 1
    sentences = shingled.sentences()
    # The hashes are mixed already: multiplying by an odd number reorders them (a permutation of the
    # 64-bit values) at a fraction of the cost of mixing them again, once per sketch value.
    multipliers = splitmix64(np.arange(1, SKETCH_VALUES + 1, dtype=np.uint64)) | np.uint64(1)
    minima = np.empty((len(sentences.starts), SKETCH_VALUES), dtype=np.uint64)
    reordered = np.empty_like(sentences.hashes)
    # The minimum of each sentence's hashes under each order.
    for column, multiplier in enumerate(multipliers if len(sentences.starts) else []):
        np.multiply(sentences.hashes, multiplier, out=reordered)
        minima[:, column] = np.minimum.reduceat(reordered, sentences.starts)
    values = (minima >> np.uint64(32)).astype(np.uint32).reshape(-1)
    per_text = np.bincount(sentences.text, minlength=texts) * SKETCH_VALUES
    lists = pa.LargeListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(per_text)])), pa.array(values))
    return pl.Series("sentence_sketch", lists, dtype=pl.List(pl.UInt32))


def minhash_bands(shingled: Shingles, config: NearDupConfig) -> np.ndarray:
    """(texts, bands) keys: a hash of each band of MinHash rows.

    The MinHash is one-permutation hashing with densification (Shrivastava, 2017): each shingle hash (mixed
    already) goes to one of `num_perm` bins by its high bits, and the bin keeps the least low bits; an empty
    bin (a text with fewer shingles than bins) is filled from a full one (`densified`). One pass over the
    shingles in NumPy, against one pass per permutation in rensa and its rows handed back as Python lists:
    half the CPU of this step, 14% less for the whole signature (bench/README.md, issue 13)."""
    texts, bins = len(shingled.offsets) - 1, config.num_perm
    # In place where it can be: a million paragraphs signed at once (bench/) make each temporary gigabytes.
    slot = np.repeat(np.arange(0, texts * bins, bins, dtype=np.intp), np.diff(shingled.offsets).astype(np.intp))
    bin_of = shingled.hashes >> np.uint64(32)
    np.multiply(bin_of, np.uint64(bins), out=bin_of)
    np.right_shift(bin_of, np.uint64(32), out=bin_of)
    np.add(slot, bin_of.view(np.intp), out=slot)  # under `bins`: the same value read as signed
    del bin_of
    minima = np.full(texts * bins, EMPTY_BIN, dtype=np.uint32)
    np.minimum.at(minima, slot, shingled.hashes.astype(np.uint32))  # the low 32 bits
    matrix = densified(minima.reshape(texts, bins)).reshape(texts, config.bands, config.rows).astype(np.uint64)
    with np.errstate(over="ignore"):
        # Multiply-xor folds a band's rows (a bijection in each row, so rows that differ in one value never
        # meet), and one mix at the end spreads the bits: a tenth of the cost of mixing after every row.
        keys = np.broadcast_to(np.arange(1, config.bands + 1, dtype=np.uint64), matrix.shape[:2]).copy()
        for row in range(config.rows):
            keys = (keys ^ matrix[:, :, row]) * GOLDEN
    return splitmix64(keys)


@functools.cache
def densify_sources(bins: int) -> np.ndarray:
    """(DENSIFY_ATTEMPTS, bins): the bin each empty bin looks at, attempt after attempt."""
    attempts = np.arange(DENSIFY_ATTEMPTS, dtype=np.uint64)[:, None] << np.uint64(32)
    return (splitmix64(attempts | np.arange(bins, dtype=np.uint64)) % np.uint64(bins)).astype(np.intp)


def densified(minima: np.ndarray) -> np.ndarray:
    """(texts, bins) minima with each empty bin filled from a full one of its text: the first full bin
    of a fixed pseudo-random sequence of bins for that bin ("optimal densification", Shrivastava 2017), the
    same sequence for every text, so two texts agree on a filled bin as often as on a full one and bins
    filled from one source stay few in a band. A text with no shingle keeps its bins empty."""
    filled, full = minima.copy(), minima != EMPTY_BIN
    texts, bins = np.nonzero(~full & full.any(axis=1, keepdims=True))
    for sources in densify_sources(minima.shape[1]):
        if not len(texts):
            break
        source = sources[bins]
        found = full[texts, source]
        filled[texts[found], bins[found]] = minima[texts[found], source[found]]
        texts, bins = texts[~found], bins[~found]
    # Past the last attempt (a text with one full bin of 120 has 2e-4 of its bins left after 1,000
    # attempts): the next full bin to the right, circularly.
    for text, bin in zip(texts.tolist(), bins.tolist(), strict=True):
        after = np.flatnonzero(np.roll(full[text], -bin))[0]
        filled[text, bin] = minima[text, (bin + after) % minima.shape[1]]
    return filled


def band_keys(skeletons: list[str], config: NearDupConfig) -> np.ndarray:
    """(texts, bands + 1) band keys: the MinHash bands, then a key of the whole skeleton."""
    coded = Skeletons.of(skeletons)
    return np.concatenate([minhash_bands(shingles(coded), config), text_keys(coded)[:, None]], axis=1)


def text_keys(skeletons: Skeletons) -> np.ndarray:
    """A key for each whole skeleton: texts equal but for format meet here, and a copy cut after a
    sentence meets the key of its original's shorter form (`cut_forms`)."""
    return segment_keys(skeletons.codes, skeletons.offsets[:-1], skeletons.offsets[1:])


def segment_keys(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A key for each run codes[start:end], the same wherever the run lies: a polynomial hash of its code
    points modulo 2**64, sum(code[i] * KEY_BASE**(i - start)), mixed with its length.

    Every key of a batch comes from one pass of prefix sums in NumPy: hashing each text or cut in Python
    (xxhash) was a sixth of the signature, most of it the cut texts made as strings (bench/README.md)."""
    with np.errstate(over="ignore"):
        # One array, in place (a million paragraphs signed at once make it gigabytes): summed[i] is
        # sum(code[j] * KEY_BASE**j for j < i), built from the powers of the base.
        summed = np.zeros(len(codes) + 1, dtype=np.uint64)
        weighted = summed[1:]
        weighted[:1], weighted[1:] = 1, KEY_BASE
        np.cumprod(weighted, out=weighted)
        np.cumsum(np.multiply(codes, weighted, out=weighted), out=weighted)
        # (summed[end] - summed[start]) / KEY_BASE**start: the base is odd, so it has an inverse modulo 2**64.
        shifted = (summed[ends] - summed[starts]) * powers_of(KEY_INVERSE, starts)
        return splitmix64(shifted ^ ((ends - starts).astype(np.uint64) * GOLDEN))


def powers_of(base: int, exponents: np.ndarray) -> np.ndarray:
    """base ** exponents modulo 2**64, by squaring."""
    result = np.ones(len(exponents), dtype=np.uint64)
    exponents, square = exponents.astype(np.uint64), base
    with np.errstate(over="ignore"):
        while exponents.any():
            odd = (exponents & np.uint64(1)).astype(bool)
            result[odd] *= np.uint64(square)
            exponents >>= np.uint64(1)
            square = square * square % 2**64
    return result


def cut_forms(skeletons: Skeletons, min_words: int) -> tuple[np.ndarray, np.ndarray]:
    """(text, end) of the shorter texts a copy of each skeleton may be, of at least `min_words` words: it
    without its last sentence (up to the first mark of its last run of marks), and it without its last one
    to CREDIT_WORDS words (the credit a wire copy appends: "(dpa)", "— передает БЕЛТА"). Each is the
    skeleton up to `end`. Words are counted as `skeleton.count(" ") + 1`; a word ends at a run of spaces
    (two marks side by side are two spaces)."""
    codes, marks = skeletons.codes, skeletons.marks
    starts, ends = skeletons.offsets[:-1], skeletons.offsets[1:]
    texts = np.arange(len(starts))
    spaces = np.flatnonzero(codes == ord(" "))
    word_ends = spaces[np.diff(spaces, prepend=-2) != 1]
    cuts = []
    if len(marks):
        last = np.searchsorted(marks, ends) - 1
        has_mark = (last >= 0) & (marks[np.maximum(last, 0)] >= starts)
        run_first = np.maximum.accumulate(np.where(np.diff(marks, prepend=-2) != 1, np.arange(len(marks)), 0))
        cuts.append((texts[has_mark], marks[run_first[last[has_mark]]]))
    first_word_end = np.searchsorted(word_ends, starts)
    for dropped in range(1, CREDIT_WORDS + 1):
        at = np.searchsorted(word_ends, ends) - dropped
        enough = at >= first_word_end
        cuts.append((texts[enough], word_ends[at[enough]]))
    text = np.concatenate([text for text, _ in cuts]).astype(np.int64)
    end = np.concatenate([end for _, end in cuts]).astype(np.int64)
    long_enough = np.searchsorted(spaces, end) - np.searchsorted(spaces, starts[text]) + 1 >= min_words
    return text[long_enough], end[long_enough]


def sign_paragraphs(paragraphs: pl.DataFrame, config: NearDupConfig) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """From (paragraph_id, text), one row per distinct paragraph_id: (paragraph_id, words, numbers, chars,
    sentence_sketch); for those of at least `config.min_words` words, their band keys (paragraph_id,
    band_key); and the keys of their shorter forms that still have that many words (paragraph_id,
    prefix_key). Short paragraphs have an empty sentence sketch: they match only exactly."""
    distinct = paragraphs.select("paragraph_id", "text").unique("paragraph_id", keep="first", maintain_order=True)
    # Numbers written one way feed both the numbers and the skeleton: computed once.
    distinct = distinct.with_columns(canonical=canonical_numbers(pl.col("text")))
    signed = distinct.select(
        "paragraph_id",
        words=pl.col("text").str.count_matches(r"\S+").cast(pl.Int32),
        numbers=number_values(pl.col("canonical")),
        chars=pl.col("text").str.len_chars().cast(pl.Int32),
    )
    long = distinct.with_columns(signed["words"]).filter(pl.col("words") >= config.min_words)
    skeleton = marked_skeletons(long["canonical"])
    # One pass of shingling serves the MinHash bands and the sentence sketches.
    shingled = shingles(skeleton)
    sketches = long.select("paragraph_id", sentence_sketches(shingled))
    signed = signed.join(sketches, on="paragraph_id", how="left", maintain_order="left").with_columns(
        pl.col("sentence_sketch").fill_null([])
    )
    # The whole texts and their shorter forms are keyed in one pass.
    cut, cut_end = cut_forms(skeleton, config.min_words)
    starts = skeleton.offsets[:-1]
    keyed = segment_keys(
        skeleton.codes, np.concatenate([starts, starts[cut]]), np.append(skeleton.offsets[1:], cut_end)
    )
    keys = np.concatenate([minhash_bands(shingled, config), keyed[: long.height, None]], axis=1)
    bands = pl.DataFrame(
        {"paragraph_id": np.repeat(long["paragraph_id"].to_numpy(), config.bands + 1), "band_key": keys.reshape(-1)},
        schema={"paragraph_id": pl.String, "band_key": pl.UInt64},
    )
    prefixes = pl.DataFrame(
        {"paragraph_id": long["paragraph_id"].gather(cut), "prefix_key": keyed[long.height :]},
        schema={"paragraph_id": pl.String, "prefix_key": pl.UInt64},
    )
    # Two forms of one paragraph may be the same text (its last sentence one word long): one key each.
    return signed, bands, prefixes.unique(maintain_order=True)
