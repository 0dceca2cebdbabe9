import polars as pl
import pytest

from bench.language import labelled_paragraphs, lingua_variant
from flows.settings import DEFAULT_FILE_MAX_BYTES, DEFAULT_LANGUAGES, DEFAULT_PARAGRAPH_MAX_CHARS
from tasks.discover import KNOWN_SCHEMA, list_files, plan_reads
from tasks.language import (
    UNDETERMINED,
    LanguageConfigError,
    cld2_language,
    decide_languages,
    detect_languages,
    identify_languages,
    script_rules,
)
from tasks.prepare import BatchLimits, prepare_batch
from tasks.segment import segment_documents
from tests.corpus import GERMAN_SEED, KAZAKH_SEEDS, RUSSIAN_SEEDS, SEEDS, SHARED_DATA

RUSSIAN = "Президент России провёл совещание с членами правительства, на котором обсуждался бюджет на следующий год."
KAZAKH = "Қазақстан Республикасының Президенті бүгін Үкімет отырысында келесі жылғы бюджетті талқылады."
GERMAN = "Die Bundesregierung hat am Mittwoch ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen."
LATIN = ("de", "en", "es", "fr")


def seed_paragraphs() -> pl.DataFrame:
    documents = pl.DataFrame(
        {"document_id": [p.name for p in sorted(SEEDS.iterdir())],
         "text": [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())]}
    )  # fmt: skip
    paragraphs, _ = segment_documents(documents)
    return paragraphs


def test_every_seed_document_gets_its_language() -> None:
    _, documents, _ = identify_languages(seed_paragraphs(), DEFAULT_LANGUAGES)
    expected = {KAZAKH_SEEDS[0]: "kk", KAZAKH_SEEDS[1]: "kk", GERMAN_SEED: "de"} | dict.fromkeys(RUSSIAN_SEEDS, "ru")
    assert dict(documents.iter_rows()) == expected


def test_every_seed_paragraph_with_words_is_in_its_documents_language() -> None:
    labelled, documents, _ = identify_languages(seed_paragraphs(), DEFAULT_LANGUAGES)
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


def test_the_only_configured_language_of_a_script_is_decided_by_rule() -> None:
    assert script_rules([GERMAN, RUSSIAN], ("de", "kk", "ru")) == [("de", ("de",)), ("ru", ("kk", "ru"))]
    assert script_rules([RUSSIAN, KAZAKH], ("de", "en", "ru")) == [("ru", ("ru",)), ("ru", ("ru",))]


def test_kazakh_letters_tell_kazakh_from_russian() -> None:
    assert script_rules([KAZAKH, RUSSIAN], DEFAULT_LANGUAGES) == [("kk", ("kk", "ru")), ("ru", ("kk", "ru"))]
    # Too few words to call Russian by the absence of Kazakh letters; a Kazakh name in Russian text; the
    # Ukrainian і in a few words: the detectors decide, between Kazakh and Russian only.
    for text in ("Астана мен Алматы", "Токаев посетил Қарағанды и встретился там с жителями области.",
                 "Верховна Рада ухвалила закон про державний бюджет на наступний рік у другому читанні."):  # fmt: skip
        assert script_rules([text], DEFAULT_LANGUAGES) == [(None, ("kk", "ru"))], text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (GERMAN, "de"),
        ("Der Minister sagte, die Reform sei «too little, too late» und werde nicht reichen.", "de"),
        ("The government said on Wednesday that it would not raise taxes this year.", "en"),
        ("El Gobierno aprobó el miércoles una ley para reducir los precios de la energía.", "es"),
        ("Le gouvernement a présenté mercredi une réforme qui sera votée avant la fin de l'année.", "fr"),
    ],
)
def test_function_words_tell_the_latin_languages_apart(text: str, language: str) -> None:
    assert script_rules([text], DEFAULT_LANGUAGES) == [(language, LATIN)]


def test_too_few_words_or_no_clear_lead_leave_latin_text_to_the_detectors() -> None:
    half = "Die Regierung hat das entschieden und sagt: the government has decided this."
    assert script_rules(["Er hat im", "Kontakt", half], DEFAULT_LANGUAGES) == [(None, LATIN)] * 3
    assert detect_languages(["Kontakt"], DEFAULT_LANGUAGES) == ["de"]


def test_function_words_count_only_when_every_latin_candidate_has_its_own() -> None:
    # Dutch shares "die", "is", "de", ... with them and has no list here: CLD2 and lingua decide.
    assert script_rules([GERMAN], ("de", "nl", "ru")) == [(None, ("de", "nl"))]
    assert detect_languages([GERMAN], ("de", "nl", "ru")) == ["de"]


def test_a_quote_in_another_script_leaves_the_script_of_most_letters() -> None:
    quoting = f"{KAZAKH} Ол: «Wir schaffen das», – деді."
    assert script_rules([quoting, f"{RUSSIAN} «Wir schaffen das»"], DEFAULT_LANGUAGES) == [
        ("kk", ("kk", "ru")),
        ("ru", ("kk", "ru")),
    ]


def test_text_of_two_scripts_or_none_keeps_every_configured_language() -> None:
    mixed = f"{RUSSIAN} «{GERMAN}»"
    assert script_rules([mixed, "2024 — 11.11", ""], DEFAULT_LANGUAGES) == [(None, DEFAULT_LANGUAGES)] * 3


def test_each_distinct_text_is_decided_once_by_the_cheapest_sure_means() -> None:
    short_german = "Die Bundesregierung beschließt ein Gesetz."  # too few words for the rules; CLD2 is sure
    texts = [KAZAKH, GERMAN, KAZAKH, "Ok", short_german, GERMAN, "—", short_german]
    decided = decide_languages(texts, DEFAULT_LANGUAGES)
    assert decided.languages == ["kk", "de", "kk", "en", "de", "de", UNDETERMINED, "de"]
    assert (decided.by_rule, decided.by_cld2, decided.by_model) == (3, 1, 1)  # only "Ok" reaches lingua


@pytest.mark.slow  # loads lingua's models for every default language: ~15 s on a busy machine
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent: the shared corpora sit beside the repo")
def test_the_fast_path_agrees_with_lingua_on_all_text_of_real_paragraphs() -> None:
    """1,000 real kk/de/ru paragraphs, 100 with a quote in another language and 100 of sentences in languages
    drawn at random (bench/language.py has 24,000)."""
    _, texts = labelled_paragraphs(1_000, 100, 100)
    reference = lingua_variant(None)(texts)
    decided = decide_languages(texts, DEFAULT_LANGUAGES)
    agree = sum(map(str.__eq__, decided.languages, reference))
    assert agree >= 0.995 * len(texts), [
        (t, f, r) for t, f, r in zip(texts, decided.languages, reference, strict=True) if f != r
    ]
    # The point of the rules: most texts never reach lingua (the mixed ones mostly do).
    assert decided.by_model <= 0.03 * 1_000 + 200, decided.by_model
    assert decided.by_rule >= 0.5 * len(texts), decided.by_rule


def test_the_prepare_step_counts_what_each_means_decided() -> None:
    plan, _ = plan_reads(list_files(SEEDS), pl.DataFrame(schema=KNOWN_SCHEMA))
    limits = BatchLimits(DEFAULT_FILE_MAX_BYTES, DEFAULT_PARAGRAPH_MAX_CHARS)
    prepared = prepare_batch(plan, SEEDS, DEFAULT_LANGUAGES, limits)
    (language,) = [report for report in prepared.steps if report.step == "identify_language"]
    decided_by = {means: language.counts[f"decided_by_{means}"] for means in ("rule", "cld2", "model")}
    assert sum(decided_by.values()) == prepared.paragraphs["text"].n_unique() == 61
    # The seeds' two short Cyrillic lines ("доллардан асты", "Алексей Богданов:") are lingua's to decide.
    assert decided_by == {"rule": 55, "cld2": 4, "model": 2}
