"""The search index's terms: tokenized in any script, stemmed per language, counted per paragraph."""

from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pytest

from warehouse.search import SearchError, matched_spans, paragraph_terms, query_terms, stemmer


def test_terms_are_stemmed_per_language_and_counted_per_paragraph() -> None:
    paragraphs = pl.DataFrame(
        {
            "paragraph_key": [1, 2, 3],
            "paragraph_id": ["a", "b", "c"],
            "text": [
                "Президент встретился с президентом.",
                "Die Zusammenarbeit der Länder, 2024.",
                "Қазақстан мен Әзірбайжан ынтымақтастығы",
            ],
            "language": ["ru", "de", "kk"],
        }
    )

    terms, lengths = paragraph_terms(paragraphs)

    by_paragraph = {
        key: dict(group.select("term", "tf").iter_rows()) for (key,), group in terms.group_by("paragraph_key")
    }
    assert by_paragraph[1] == {"президент": 2, "встрет": 1, "с": 1}
    assert by_paragraph[2] == {"die": 1, "zusammenarbeit": 1, "der": 1, "land": 1, "2024": 1}
    # Kazakh has no Snowball stemmer: its words are kept whole, its letters untouched.
    assert by_paragraph[3] == {"қазақстан": 1, "мен": 1, "әзірбайжан": 1, "ынтымақтастығы": 1}
    assert sorted(lengths.select("paragraph_key", "terms").iter_rows()) == [(1, 4), (2, 5), (3, 4)]


def test_a_query_is_stemmed_in_every_language_searched() -> None:
    pairs = {(term.language, term.term, term.word) for term in query_terms("Президенту Länder", ["de", "ru"])}
    assert ("ru", "президент", "президенту") in pairs and ("de", "land", "länder") in pairs
    assert len(pairs) == 4


def test_a_kazakh_query_word_matches_its_stem_with_other_endings_only() -> None:
    (term,) = query_terms("Қазақстанға", ["kk"])
    assert (term.term, term.matching) == ("қазақстан", "suffixes")
    assert all(term.matches(form) for form in ("қазақстан", "қазақстанның", "қазақстанда", "қазақстанымыздың"))
    # "Kazakhstani" is another word made from it, not a form of it; "қазақ" is shorter than the stem.
    assert not any(term.matches(form) for form in ("қазақстандық", "қазақ"))


@pytest.mark.parametrize("words", ["", "   ", "!!!", "— «» ...", "_"])
def test_a_query_without_words_is_refused_in_one_line(words: str) -> None:
    with pytest.raises(SearchError, match="holds no word to search for"):
        query_terms(words, ["ru"])


def test_matched_spans_are_the_stemmed_forms_of_the_query_words() -> None:
    text = "Президент встретился с президентами. Президентский дворец закрыт."
    spans = matched_spans(text, "ru", query_terms("президенту", ["ru", "de"]))
    # "Президентский" is another word made from it (stem "президентск"), not a form of it.
    assert [text[start:end] for start, end in spans] == ["Президент", "президентами"]


def test_russian_names_match_across_snowball_s_cuts() -> None:
    # Snowball cuts "Сноуден" to "сноуд" and "Сноудену" to "сноуден": variants of two letters meet.
    text = "Сноуден дал интервью. Сноудену предложили убежище. Сноудена видели в Москве."
    for query in ("Сноуден", "Сноудену"):
        spans = matched_spans(text, "ru", query_terms(query, ["ru"]))
        assert [text[start:end] for start, end in spans] == ["Сноуден", "Сноудену", "Сноудена"], query
    exact = matched_spans(text, "ru", query_terms("Сноудену", ["ru"], matching={}))
    assert [text[start:end] for start, end in exact] == ["Сноудену"]


def test_kazakh_forms_are_highlighted() -> None:
    text = "Қазақстанның Президенті Астанада қазақстандық Қазақстан туралы айтты."
    spans = matched_spans(text, "kk", query_terms("Қазақстанға президентке", ["kk"]))
    assert [text[start:end] for start, end in spans] == ["Қазақстанның", "Президенті", "Қазақстан"]


def test_each_thread_stems_with_its_own_stemmer() -> None:
    # PyStemmer's stemmers are not to be called concurrently, and prepare's threads stem side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        theirs = list(pool.map(lambda _: (stemmer("ru"), stemmer("ru")), range(2), timeout=10))
    assert all(first is second for first, second in theirs)  # one per thread and language, kept
    mine = stemmer("ru")
    assert mine is stemmer("ru") and all(mine is not first for first, _ in theirs)
    assert stemmer("kk") is None
