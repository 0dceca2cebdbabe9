"""The corpus builder (bench/corpus.py): deterministic, shaped like news, and its manifest tells the truth.

One corpus of ~1 MB is built per module; the builder's shape is checked article by article: a headline,
3-15 distinct story paragraphs, at most one repeated block of 2-4 of them, at most one boilerplate footer.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bench.corpus import LANGUAGES, Sources, build, load_sources, manifest_path, mutate
from tasks.dateline import parse_dateline
from tasks.fingerprint import normalize_paragraph
from tasks.segment import find_title
from tests.corpus import SHARED_DATA

pytestmark = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent: the shared corpora sit beside the repository in CI"
)

SIZE = 1_000_000
SEED = 6


@pytest.fixture(scope="module")
def sources() -> Sources:
    return load_sources(SHARED_DATA)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sources: Sources) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "corpus"
    build(out, SIZE, SEED, sources)
    return out


def read_files(folder: Path) -> dict[Path, bytes]:
    return {path.relative_to(folder): path.read_bytes() for path in sorted(folder.rglob("*.txt"))}


def body(text: str) -> list[str]:
    """The paragraphs after the headline: every non-blank line, as the pipeline splits them."""
    return [line.strip() for line in text.split("\n")[1:] if line.strip()]


def anatomy(lines: list[str], footers: list[tuple[str, ...]]) -> tuple[list[str], int, int]:
    """Split a body into its story paragraphs, the length of its repeated block and of its footer (0 if none)."""
    footer = next((len(f) for f in sorted(footers, key=len, reverse=True) if tuple(lines[-len(f) :]) == f), 0)
    lines = lines[: len(lines) - footer]
    repeats = [i for i, line in enumerate(lines) if line in lines[:i]]
    if not repeats:
        return lines, 0, footer
    start, length = repeats[0], len(repeats)
    assert repeats == list(range(start, start + length)), "the repeated paragraphs form one block"
    original = lines.index(lines[start])
    assert original >= 1 and original + length <= start, "the block repeats paragraphs after the first, later on"
    assert lines[original : original + length] == lines[start : start + length]
    return lines[:start] + lines[start + length :], length, footer


def test_the_same_arguments_build_byte_identical_files(corpus: Path, sources: Sources, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(again, SIZE, SEED, sources)
    assert read_files(again) == read_files(corpus)
    first, second = (json.loads(manifest_path(out).read_text(encoding="utf-8")) for out in (corpus, again))
    first.pop("build_seconds")
    second.pop("build_seconds")
    assert first == second


def test_articles_are_shaped_like_news(corpus: Path, sources: Sources) -> None:
    blocks = footers = 0
    sizes = []
    for path, data in read_files(corpus).items():
        text = data.decode("utf-8")
        headline, blank = text.split("\n")[:2]
        assert find_title(text) == headline and blank == "", path
        story, block, footer = anatomy(body(text), sources.boilerplate[path.parts[0]])
        assert 3 <= len(story) <= 15, path
        assert len(set(story)) == len(story), path
        assert block == 0 or 2 <= block <= 4, path
        blocks += block > 0
        footers += footer > 0
        sizes.append(len(data))
    # About 10% and 30% of ~270 articles: one standard deviation is 1.8 and 2.8 points.
    assert 0.04 <= blocks / len(sizes) <= 0.16, blocks
    assert 0.22 <= footers / len(sizes) <= 0.38, footers
    assert 2_000 <= sum(sizes) / len(sizes) <= 6_000


def test_all_three_languages_in_their_shares(corpus: Path) -> None:
    manifest = json.loads(manifest_path(corpus).read_text(encoding="utf-8"))
    articles = manifest["articles"]
    total = sum(articles.values())
    for lang, share in zip(LANGUAGES, (0.4, 0.4, 0.2), strict=True):
        assert abs(articles[lang] / total - share) < 0.06, lang
    assert sorted(path.name for path in corpus.iterdir()) == sorted(LANGUAGES)


def test_some_first_paragraphs_open_with_a_wire_dateline(corpus: Path) -> None:
    firsts = [body(data.decode("utf-8"))[0] for data in read_files(corpus).values()]
    share = sum(parse_dateline(first) is not None for first in firsts) / len(firsts)
    # 25% of articles get one; the date-less German kind ("Wien – ") is not a dateline to the pipeline.
    assert 0.12 <= share <= 0.28


def test_the_manifest_counts_what_is_on_disk(corpus: Path, sources: Sources) -> None:
    manifest = json.loads(manifest_path(corpus).read_text(encoding="utf-8"))
    files = read_files(corpus)
    texts = [data.decode("utf-8") for data in files.values()]
    assert manifest["files"] == len(files)
    assert manifest["bytes_written"] == sum(map(len, files.values())) >= SIZE
    assert manifest["articles"] == {lang: sum(path.parts[0] == lang for path in files) for lang in LANGUAGES}
    lines = [line for text in texts for line in body(text)]
    assert manifest["paragraphs"] == len(lines)
    # Counted with the pipeline's own normalization: the designed duplicates are the only ones.
    duplicates = len(lines) - len({normalize_paragraph(line) for line in lines})
    assert manifest["paragraphs_expected_duplicates"]["total"] == duplicates
    with_block = sum(
        anatomy(body(text), sources.boilerplate[path.parts[0]])[1] > 0 for path, text in zip(files, texts, strict=True)
    )
    assert manifest["articles_with_repeated_block"] == with_block


def test_mutate_appends_a_new_paragraph_to_the_same_files_every_time(corpus: Path, tmp_path: Path) -> None:
    before = read_files(corpus)
    copies = [shutil.copytree(corpus, tmp_path / name) for name in ("one", "two")]
    changed = [[path.relative_to(copy) for path in mutate(copy, 0.05, seed=1)] for copy in copies]
    assert changed[0] == changed[1]
    assert len(changed[0]) == round(0.05 * len(before))
    after = [read_files(copy) for copy in copies]
    assert after[0] == after[1]
    assert [path for path in before if after[0][path] != before[path]] == changed[0]
    known = {line for data in before.values() for line in body(data.decode("utf-8"))}
    for path in changed[0]:
        added = after[0][path][len(before[path]) :].decode("utf-8")
        assert added.startswith("\n") and added.endswith("\n") and added.strip() not in known


def test_quote_share_writes_paragraphs_in_another_language(sources: Sources, tmp_path: Path) -> None:
    out = tmp_path / "quotes"
    manifest = build(out, 300_000, SEED, sources, quote_share=0.1)
    # About one new story paragraph in ten; the manifest's paragraphs also hold copies and footers.
    assert 0.05 <= manifest["quoted_paragraphs"] / manifest["paragraphs"] <= 0.12, manifest
    # A quote in a Russian or German article is Kazakh in about half the cases: Kazakh letters show it.
    kazakh = re.compile("[әғқңөұүһі]")
    foreign = [line for path in out.glob("[dr][eu]/*/*.txt") for line in body(path.read_text(encoding="utf-8"))]
    assert 0.02 <= sum(bool(kazakh.search(line)) for line in foreign) / len(foreign) <= 0.1
    with pytest.raises(ValueError, match="quote share"):
        build(tmp_path / "bad", 1_000, SEED, sources, quote_share=1.5)


def test_no_quotes_by_default(corpus: Path) -> None:
    assert json.loads(manifest_path(corpus).read_text(encoding="utf-8"))["quoted_paragraphs"] == 0
