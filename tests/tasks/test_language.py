import polars as pl
import pytest

from flows.settings import DEFAULT_LANGUAGES
from tasks.language import UNDETERMINED, LanguageConfigError, cld2_language, detect_languages, identify_languages
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


def test_cld2_answers_only_when_sure_and_configured() -> None:
    german = "Die Bundesregierung hat am Mittwoch ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen."
    assert cld2_language(german, DEFAULT_LANGUAGES) == "de"
    assert cld2_language(german, ("kk", "ru")) is None  # not a configured language: lingua decides
    assert cld2_language("Ok", DEFAULT_LANGUAGES) is None  # too short to be reliable
    assert cld2_language("\ud800 lone surrogate", DEFAULT_LANGUAGES) is None


def test_what_cld2_leaves_lingua_labels_within_the_configured_languages() -> None:
    ukrainian = "Верховна Рада ухвалила закон про державний бюджет на наступний рік у другому читанні."
    assert cld2_language(ukrainian, ("kk", "ru")) is None
    assert detect_languages([ukrainian, "Ok"], ("kk", "ru")) == ["ru", UNDETERMINED]  # Latin fits neither
