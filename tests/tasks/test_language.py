import polars as pl
import pytest

from flows.settings import DEFAULT_LANGUAGES
from tasks.language import UNDETERMINED, LanguageConfigError, detect_languages, identify_languages
from tasks.segment import segment_documents
from tests.corpus import GERMAN_SEED, KAZAKH_SEEDS, RUSSIAN_SEEDS, SEEDS


def seed_paragraphs() -> pl.DataFrame:
    documents = pl.DataFrame(
        {"document_id": [p.name for p in sorted(SEEDS.iterdir())],
         "text": [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())]}
    )  # fmt: skip
    paragraphs, _ = segment_documents(documents)
    return paragraphs


def test_every_seed_document_gets_its_language() -> None:
    _, documents = identify_languages(seed_paragraphs(), DEFAULT_LANGUAGES)
    expected = {KAZAKH_SEEDS[0]: "kk", KAZAKH_SEEDS[1]: "kk", GERMAN_SEED: "de"} | dict.fromkeys(RUSSIAN_SEEDS, "ru")
    assert dict(documents.iter_rows()) == expected


def test_every_seed_paragraph_with_words_is_in_its_documents_language() -> None:
    labelled, documents = identify_languages(seed_paragraphs(), DEFAULT_LANGUAGES)
    by_document = dict(documents.iter_rows())
    worded = labelled.filter(pl.col("language") != UNDETERMINED)
    assert worded.height >= 61
    for document_id, language in worded.select("document_id", "language").iter_rows():
        assert language == by_document[document_id]


def test_paragraphs_without_letters_are_undetermined() -> None:
    assert detect_languages(["• 11.11.2025", "2024", "—", "Ой, Қазақстан!"], DEFAULT_LANGUAGES) == [
        UNDETERMINED, UNDETERMINED, UNDETERMINED, "kk",
    ]  # fmt: skip


@pytest.mark.parametrize("languages", [("de", "xx"), ("ru",)])
def test_bad_language_settings_are_named(languages: tuple[str, ...]) -> None:
    with pytest.raises(LanguageConfigError, match="NEWSFLOW_LANGUAGES"):
        detect_languages(["Hallo"], languages)
