import datetime as dt

import pytest

from tasks.dateline import Dateline, parse_dateline
from tests.corpus import GERMAN_SEED, KAZAKH_SEEDS, RUSSIAN_SEEDS, read_seed


def first_line(name: str) -> str:
    return next(line for line in read_seed(name).splitlines() if line.strip())


def test_the_german_seed_was_filed_by_belta_in_minsk_without_a_year() -> None:
    assert parse_dateline(first_line(GERMAN_SEED)) == Dateline("MINSK", "BelTA", None)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # Real first lines of the ru-news-corus samples (ODS RIA and Interfax).
        ("ЯКУТСК, 10 авг – РИА Новости.nСредства резервного фонда", Dateline("ЯКУТСК", "РИА Новости", None)),
        ("БУЭНОС-АЙРЕС, 10 авг – РИА Новости.nПрезидент Парагвая", Dateline("БУЭНОС-АЙРЕС", "РИА Новости", None)),
        ("Москва. 30 апреля. INTERFAX.RU - Чемпион мира", Dateline("Москва", "INTERFAX.RU", None)),
        # With a year, the date is known.
        ("BERLIN, 3. Oktober 2024 (dpa) - Die Feier", Dateline("BERLIN", "dpa", dt.date(2024, 10, 3))),
        ("МОСКВА, 10 августа 2023 - РИА Новости. Текст", Dateline("МОСКВА", "РИА Новости", dt.date(2023, 8, 10))),
        ("Астана, 5 мамыр 2024 (ҚазАқпарат) — Мәтін", Dateline("Астана", "ҚазАқпарат", dt.date(2024, 5, 5))),
        ("WIEN, 31. Februar 2024 (APA) - Kein Tag", Dateline("WIEN", "APA", None)),  # no such day
    ],
)
def test_wire_datelines(paragraph: str, expected: Dateline) -> None:
    assert parse_dateline(paragraph) == expected


@pytest.mark.parametrize("name", [*KAZAKH_SEEDS, *RUSSIAN_SEEDS])
def test_articles_without_a_dateline_have_none(name: str) -> None:
    assert parse_dateline(first_line(name)) is None


def test_ordinary_sentences_are_not_datelines() -> None:
    assert parse_dateline("Heute, 27 Menschen kamen - viele blieben.") is None
    assert parse_dateline("Die Regierung (SPÖ) – so heißt es – plant.") is None
