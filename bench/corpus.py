"""Corpus builder: deterministic news-shaped corpora of any size, recombined from the real texts in ../shared/data.

    .venv/bin/python bench/corpus.py --size 100MB --out /tmp/newsflow-corpus/100MB
    .venv/bin/python bench/corpus.py --mutate 0.01 --out /tmp/newsflow-corpus/100MB --seed 7
    .venv/bin/python bench/corpus.py --size 100MB --quote-share 0.1 --out /tmp/newsflow-corpus/100MB-quotes

--size (10MB, 100MB, 1GB or a number of bytes) writes articles until the files hold that many bytes,
streaming: memory stays bounded whatever the size. The same --size and --seed give byte-identical files.
Articles are ~40% Russian, ~40% German, ~20% Kazakh, one UTF-8 file each, at most 1,000 files a folder:
<out>/<lang>/0000/000000.txt. Every article is:
  - a headline line (no sentence punctuation at its end, so the pipeline reads it as the title), a blank line;
  - 3-15 story paragraphs of 1-4 real sentences of that language, drawn at random: most paragraphs are new
    text. In 25% of articles the first opens with a wire dateline. Each may instead, with 6.5%, be a copy
    of a paragraph printed in an earlier article (syndicated wire copy). With --quote-share (0 by default),
    that share of the new story paragraphs quote another of the three languages: the whole paragraph is
    drawn from that language (the manifest counts them in `quoted_paragraphs`);
  - in 10% of articles, a block of 2-4 consecutive story paragraphs (never the first) printed a second time
    further on, as in the German seed;
  - in 30% of articles, a footer of 1-2 boilerplate lines from a small per-language pool.
Paragraphs are one per line, separated by a newline or a blank line (half and half, as in the seeds).
No other duplicates: every drawn paragraph and headline is checked against a Bloom filter of the normalized
texts written so far (the pipeline's own normalization) and redrawn, one sentence longer, when it may repeat
one. The counts in the manifest are therefore all the duplicates there are.

The manifest goes beside the folder, <out>.manifest.json, so the pipeline does not ingest it. Its
`paragraphs` counts the lines after the headlines; the pipeline also counts each headline as a paragraph.

--mutate appends a new paragraph to round(fraction x files) of the files of an existing corpus, chosen by
--seed, for the "run again after 1% of the files changed" benchmark. Use a new --seed for every round.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import xxhash

from tasks.dateline import parse_dateline

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_SEED = 6  # issue 6
LANGUAGES = ("ru", "de", "kk")
LANGUAGE_WEIGHTS = (0.4, 0.4, 0.2)
PARAGRAPHS = (3, 15)
SENTENCES = (1, 2, 3, 4)
SENTENCE_WEIGHTS = (0.25, 0.35, 0.25, 0.15)
SYNDICATED_RATE = 0.065
REPEATED_BLOCK_RATE = 0.10
REPEATED_BLOCK = (2, 4)
BOILERPLATE_RATE = 0.30
DATELINE_RATE = 0.25
WIRE_POOL = 2_000  # recent paragraphs per language that later articles may syndicate
FILES_PER_FOLDER = 1_000
UNITS = {"": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}

# The characters tasks/fingerprint.py drops before hashing a paragraph.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# A sentence: 30-400 characters (shorter pieces are headings, bylines and split debris), starting like one
# and ending in terminal punctuation, perhaps inside closing quotes.
SENTENCE_CHARS = (30, 400)
OPENING = "«„\"'(“"
CLOSING = "»“”\"')"
BREAK = re.compile(rf"[.!?…][{CLOSING}]*\s+")
# A full stop after these is no sentence end: German and Russian abbreviations (single letters and numbers,
# such as the German ordinal in "am 3. Oktober", are caught by their shape).
ABBREVIATIONS = frozenset({
    "abs", "bzw", "ca", "dr", "evtl", "ggf", "inkl", "mio", "mrd", "nr", "prof", "st", "str", "usw", "vgl", "z.b",
    "u.a", "d.h", "гг", "им", "млн", "млрд", "проф", "руб", "св", "стр", "тыс", "ул", "т.е", "т.д", "т.п", "т.к", "др",
})  # fmt: skip
# corus lost the newlines of some Russian texts to a literal "n" ("месяца.nnДля", "Новости.nСредства").
MANGLED_NEWLINE = re.compile(r"(?<=[а-яёА-ЯЁ\d.,:;!?»\")])n{1,2}(?=[«\"(А-ЯЁа-яё])")
# derStandard opens the body with the place ("Wien – Die Gewerkschaft ..."); kept, it would sit mid-paragraph.
PLACE_PREFIX = re.compile(r"[^\W\d_][\w.]{2,}(?:/[^\W\d_][\w.]+)*\s+[–—-]\s+")
HEADLINE_WORDS = (3, 8)
HEADLINE_DROP = dict.fromkeys(map(ord, OPENING + CLOSING))
HEADLINE_TRIM = " ,.;:!?…-–—"

# Wire datelines in the shapes tasks/dateline.py reads (RIA, dpa/APA, Kazinform); the derStandard form
# ("Wien – ") has no date and is a dateline only to a reader.
RU_PLACES = ("МОСКВА", "САНКТ-ПЕТЕРБУРГ", "ЯКУТСК", "ВЛАДИВОСТОК", "НОВОСИБИРСК", "КАЗАНЬ", "МИНСК")
RU_MONTHS = ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
DE_PLACES = ("Berlin", "Wien", "München", "Hamburg", "Brüssel", "Zürich", "Graz")
DE_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember")  # fmt: skip
DE_AGENCIES = ("dpa", "APA", "AFP", "Reuters")
KK_PLACES = ("Астана", "Алматы", "Шымкент", "Ақтөбе", "Қарағанды", "Атырау", "Орал")
KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
             "қараша", "желтоқсан")  # fmt: skip

# The Russian samples carry no boilerplate, so these footers are written after common Russian news sites.
RU_BOILERPLATE = (
    ("Читайте также:",),
    ("© РИА Новости. Все права защищены. При перепечатке ссылка обязательна.",),
    ("Подписывайтесь на наш канал в Telegram, чтобы первыми узнавать о главных новостях.",),
    ("Если вы заметили ошибку, выделите её и нажмите Ctrl+Enter.",),
    ("Новости России и мира — в нашем Дзен-канале.",),
)
DE_COPYRIGHT = ("© APA – Austria Presse Agentur. Alle Rechte vorbehalten.",)
TRAFILATURA_FOOTERS = 10  # the most frequent German boilerplate snippets labelled in the trafilatura pages


@dataclass(frozen=True)
class Sources:
    """The material of every corpus: real sentences and boilerplate footers, by language."""

    sentences: dict[str, list[str]]
    boilerplate: dict[str, list[tuple[str, ...]]]


def load_sources(data: Path = SHARED_DATA) -> Sources:
    if not data.is_dir():
        raise FileNotFoundError(f"{data} is absent: the shared corpora must sit beside the repository (../shared)")
    de_articles = [row["text"] for row in _rows(data / "de-fr-news-20min-xd" / "articles.jsonl") if row["lang"] == "de"]
    kk_sentences = [row["text"] for row in _rows(data / "kk-news-sentences-kaznerd" / "sentences.jsonl")]
    footers = {
        "ru": list(RU_BOILERPLATE),
        "de": [*_recurring_runs(de_articles), *_trafilatura_footers(data), DE_COPYRIGHT],
        # Broadcast formulas the Kazakh news repeat (reporter sign-offs ending in «Қорытынды жаңалықтар»).
        "kk": [(line,) for line, count in Counter(kk_sentences).items() if count >= 3],
    }
    boilerplate = {lang: [tuple(map(_collapse, unit)) for unit in units] for lang, units in footers.items()}
    ru_lines = (
        line
        for row in _rows(data / "ru-news-corus-samples" / "docs.jsonl")
        for line in MANGLED_NEWLINE.sub("\n", row["text"]).split("\n")
    )
    de_lines = [
        *(row["text"] for row in _rows(data / "de-news-10kgnad-test" / "docs.jsonl")),
        *(line for text in de_articles for line in text.split("\n")),
    ]
    texts = {"ru": ru_lines, "de": de_lines, "kk": kk_sentences}
    sentences = {}
    for lang, lines in texts.items():
        excluded = {_key(line) for unit in boilerplate[lang] for line in unit}
        distinct: dict[str, str] = {}
        for line in lines:
            for sentence in _split_sentences(line):
                key = _key(sentence)
                if key not in excluded and _is_sentence(sentence):
                    distinct.setdefault(key, sentence)
        sentences[lang] = list(distinct.values())
    return Sources(sentences, boilerplate)


def build(out: Path, size: int, seed: int, sources: Sources, quote_share: float = 0.0) -> dict[str, object]:
    """Write articles into the empty or absent folder `out` until they hold `size` bytes; return the manifest."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty: a corpus is built into a fresh folder")
    if not 0 <= quote_share <= 1:
        raise ValueError(f"quote share {quote_share} is not between 0 and 1")
    started = time.perf_counter()
    builder = _Builder(random.Random(seed), sources, quote_share)
    files = {lang: 0 for lang in LANGUAGES}
    written = 0
    while written < size:
        lang = builder.rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        data = builder.article(lang).encode("utf-8")
        index = files[lang]
        folder = out / lang / f"{index // FILES_PER_FOLDER:04d}"
        if index % FILES_PER_FOLDER == 0:
            folder.mkdir(parents=True)
        (folder / f"{index:06d}.txt").write_bytes(data)
        files[lang] += 1
        written += len(data)
    counts = builder.counts
    duplicates = {kind: counts[kind] for kind in ("repeated_block", "syndicated", "boilerplate_repeat")}
    manifest = {
        "seed": seed,
        "size_target_bytes": size,
        "bytes_written": written,
        "files": sum(files.values()),
        "articles": files,
        "paragraphs": counts["paragraphs"],
        "quote_share": quote_share,
        "quoted_paragraphs": counts["quoted_paragraphs"],
        "paragraphs_expected_duplicates": {**duplicates, "total": sum(duplicates.values())},
        "articles_with_repeated_block": counts["articles_with_repeated_block"],
        "articles_with_boilerplate": counts["articles_with_boilerplate"],
        "articles_with_dateline": counts["articles_with_dateline"],
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    manifest_path(out).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def mutate(folder: Path, fraction: float, seed: int) -> list[Path]:
    """Append a new paragraph (four recombined sentences) to round(fraction x files) files; return them, sorted."""
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction {fraction} is not between 0 and 1")
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a corpus folder")
    files = sorted(folder.rglob("*.txt"))
    rng = random.Random(seed)
    chosen = sorted(rng.sample(files, round(fraction * len(files))))
    sentences = load_sources().sentences
    for path in chosen:
        paragraph = " ".join(rng.sample(sentences[path.relative_to(folder).parts[0]], SENTENCES[-1]))
        with path.open("a", encoding="utf-8") as file:
            file.write(f"\n{paragraph}\n")
    return chosen


class _SeenTexts:
    """Normalized texts written so far, in fixed memory: a Bloom filter of 2^28 bits (32 MB), two bits a text.
    At 1 GB (~3 million texts) one new text in ~2,500 looks seen; that costs only a redraw."""

    BITS = 1 << 28

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS // 8)

    def add(self, text: str) -> bool:
        """Record the text; False when it may have been recorded before."""
        digest = xxhash.xxh3_64_intdigest(_key(text).encode("utf-8"))
        new = False
        for bit in (digest & (self.BITS - 1), (digest >> 32) & (self.BITS - 1)):
            byte, mask = bit >> 3, 1 << (bit & 7)
            if not self.bits[byte] & mask:
                self.bits[byte] |= mask
                new = True
        return new


class _Builder:
    def __init__(self, rng: random.Random, sources: Sources, quote_share: float = 0.0) -> None:
        self.rng = rng
        self.sources = sources
        self.quote_share = quote_share
        self.seen = _SeenTexts()
        for units in sources.boilerplate.values():
            for unit in units:
                for line in unit:
                    self.seen.add(line)
        self.wire: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
        self.boilerplate_printed: set[str] = set()
        self.counts: Counter[str] = Counter()

    def article(self, lang: str) -> str:
        rng = self.rng
        story: list[str] = []
        syndicated: list[bool] = []
        for _ in range(rng.randint(*PARAGRAPHS)):
            copy = self._syndicated(lang, story) if rng.random() < SYNDICATED_RATE else None
            story.append(copy or self._new_paragraph(self._quoted(lang)))
            syndicated.append(copy is not None)
        # A dateline on a copy would make it new text, and the manifest count wrong.
        if not syndicated[0] and rng.random() < DATELINE_RATE:
            story[0] = self._dateline(lang) + story[0]
            self.counts["articles_with_dateline"] += 1
        lines = list(story)
        if rng.random() < REPEATED_BLOCK_RATE:
            length = rng.randint(REPEATED_BLOCK[0], min(REPEATED_BLOCK[1], len(story) - 1))
            start = rng.randint(1, len(story) - length)
            at = rng.randint(start + length, len(story))
            lines[at:at] = story[start : start + length]
            self.counts["repeated_block"] += length
            self.counts["articles_with_repeated_block"] += 1
        if rng.random() < BOILERPLATE_RATE:
            footer = rng.choice(self.sources.boilerplate[lang])
            lines.extend(footer)
            self.counts["boilerplate_repeat"] += sum(line in self.boilerplate_printed for line in footer)
            self.boilerplate_printed.update(footer)
            self.counts["articles_with_boilerplate"] += 1
        self.counts["syndicated"] += sum(syndicated)
        self.counts["paragraphs"] += len(lines)
        # Added only now, so that no paragraph is syndicated into the article it first appeared in.
        wire = self.wire[lang]
        for paragraph, copy in zip(story, syndicated, strict=True):
            if copy:
                continue
            if len(wire) < WIRE_POOL:
                wire.append(paragraph)
            else:
                wire[rng.randrange(WIRE_POOL)] = paragraph
        separator = rng.choice(("\n", "\n\n"))
        return f"{self._headline(lang)}\n\n{separator.join(lines)}\n"

    def _new_paragraph(self, lang: str) -> str:
        sentences = self.sources.sentences[lang]
        count = self.rng.choices(SENTENCES, SENTENCE_WEIGHTS)[0]
        while True:
            text = " ".join(self.rng.sample(sentences, count))
            # Four sentences make ~10^12 combinations even for the ~1,100 Russian ones: taken as new.
            if self.seen.add(text) or count == SENTENCES[-1]:
                return text
            count += 1

    def _quoted(self, lang: str) -> str:
        """The language of the next new paragraph: the article's, or with quote_share another one it quotes."""
        # No draw at all when quotes are off, so that the default corpora stay byte-identical to earlier builds.
        if not self.quote_share or self.rng.random() >= self.quote_share:
            return lang
        self.counts["quoted_paragraphs"] += 1
        return self.rng.choice([other for other in LANGUAGES if other != lang])

    def _syndicated(self, lang: str, story: list[str]) -> str | None:
        wire = self.wire[lang]
        if not wire:
            return None
        copy = self.rng.choice(wire)
        return None if copy in story else copy

    def _headline(self, lang: str) -> str:
        """The first words of one sentence, or, when those were a headline before, of two joined by a colon."""
        sentences = self.sources.sentences[lang]
        for parts in (1, 2, 2, 2):
            headline = ": ".join(self._headline_part(self.rng.choice(sentences)) for _ in range(parts))
            if self.seen.add(headline):
                break
        return headline

    def _headline_part(self, sentence: str) -> str:
        words = sentence.translate(HEADLINE_DROP).split()[: self.rng.randint(*HEADLINE_WORDS)]
        return " ".join(words).rstrip(HEADLINE_TRIM)

    def _dateline(self, lang: str) -> str:
        rng = self.rng
        day = rng.randint(1, 28)
        if lang == "ru":
            return f"{rng.choice(RU_PLACES)}, {day} {rng.choice(RU_MONTHS)} – РИА Новости. "
        if lang == "kk":
            return f"{rng.choice(KK_PLACES)}, {day} {rng.choice(KK_MONTHS)} (ҚазАқпарат) — "
        if rng.random() < 0.5:
            return f"{rng.choice(DE_PLACES)} – "
        return f"{rng.choice(DE_PLACES).upper()}, {day}. {rng.choice(DE_MONTHS)} ({rng.choice(DE_AGENCIES)}) – "


def _rows(path: Path) -> Iterator[dict]:
    # Line by line over the file: str.splitlines would also split at the U+2028 inside some texts.
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.strip():
                yield json.loads(line)


def _split_sentences(text: str) -> Iterator[str]:
    start = 0
    for match in BREAK.finditer(text):
        following = text[match.end() : match.end() + 1]
        if not (following.isupper() or following.isdigit() or following in OPENING):
            continue
        if text[match.start()] == ".":
            word = text[text.rfind(" ", start, match.start()) + 1 : match.start()]
            if len(word) <= 1 or word.isdigit() or word.casefold() in ABBREVIATIONS:
                continue
        yield _clean(text[start : match.end()])
        start = match.end()
    yield _clean(text[start:])


def _key(text: str) -> str:
    """tasks.fingerprint.normalize_paragraph without the steps every loaded text has had already (_collapse):
    its str.translate of the invisible characters alone costs ~12 us a sentence."""
    return text.casefold().replace("ё", "е")


def _collapse(text: str) -> str:
    return " ".join(INVISIBLE.sub("", text).split())


def _clean(sentence: str) -> str:
    sentence = _collapse(sentence)
    prefix = PLACE_PREFIX.match(sentence)
    return sentence[prefix.end() :] if prefix and sentence[prefix.end() :][:1].isupper() else sentence


def _is_sentence(text: str) -> bool:
    return (
        SENTENCE_CHARS[0] <= len(text) <= SENTENCE_CHARS[1]
        and (text[0].isupper() or text[0].isdigit() or text[0] in OPENING)
        and text.rstrip(CLOSING)[-1:] in (".", "!", "?", "…")
        and parse_dateline(text) is None
    )


def _recurring_runs(articles: list[str]) -> list[tuple[str, ...]]:
    """Runs of two or more consecutive sentences that recur across articles: the promo footers of 20 Minuten."""
    lines = [[line.strip() for line in text.split("\n") if line.strip()] for text in articles]
    articles_with = Counter(line for article in lines for line in set(article))
    recurring = {line for line, count in articles_with.items() if count > 1}
    runs: dict[tuple[str, ...], None] = {}
    for article in lines:
        run: list[str] = []
        for line in [*article, ""]:
            if line in recurring:
                run.append(line)
                continue
            if len(run) >= 2 and all(part.endswith((".", "!", "?")) for part in run):
                runs[tuple(run)] = None
            run = []
    return list(runs)


def _trafilatura_footers(data: Path) -> list[tuple[str, ...]]:
    pages = Counter(
        snippet.strip()
        for row in _rows(data / "web-boilerplate-trafilatura" / "pages.jsonl")
        if row["lang"] == "de"
        for snippet in set(row["must_not_contain"])
    )
    ranked = sorted(pages.items(), key=lambda item: (-item[1], item[0]))
    return [(snippet,) for snippet, _ in ranked[:TRAFILATURA_FOOTERS]]


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*([KMG]B)?", text.strip(), re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 10MB, 100MB, 1GB or a number of bytes")
    return int(match[1]) * UNITS[(match[2] or "").upper()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--size", type=parse_size, help="build a corpus of this many bytes: 10MB, 100MB, 1GB, ...")
    action.add_argument("--mutate", type=float, metavar="FRACTION", help="append a paragraph to this share of files")
    parser.add_argument("--out", type=Path, required=True, help="the corpus folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same bytes")
    parser.add_argument(
        "--quote-share", type=float, default=0.0, help="share of new story paragraphs in another language (quotes)"
    )
    args = parser.parse_args()
    try:
        if args.mutate is not None:
            changed = mutate(args.out, args.mutate, args.seed)
            print(f"appended a paragraph to {len(changed)} files in {args.out}")
        else:
            manifest = build(args.out, args.size, args.seed, load_sources(), args.quote_share)
            print(json.dumps(manifest, indent=2, ensure_ascii=False))
    except (FileExistsError, FileNotFoundError, ValueError) as error:
        parser.error(str(error))


if __name__ == "__main__":
    main()
