"""Agency credits: one name across scripts and spellings, and only where the text credits it."""

from __future__ import annotations

import polars as pl

from tasks.boilerplate import hint_boilerplate
from tasks.credits import find_credits
from tasks.segment import segment_documents
from tests.corpus import SEEDS


def credits_of(texts: dict[str, str]) -> list[tuple[str, str, str]]:
    paragraphs, _ = segment_documents(pl.DataFrame({"document_id": list(texts), "text": list(texts.values())}))
    return find_credits(hint_boilerplate(paragraphs)).rows()


def test_belta_in_three_scripts_is_one_agency() -> None:
    found = credits_of({path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(SEEDS.iterdir())})
    assert found == [
        ("000", "BelTA", "хабарлады БЕЛТА"),
        ("000", "Kazinform", "ҚазАқпарат"),
        ("002", "BelTA", "(BelTA)"),
        ("003", "BelTA", "со ссылкой на БЕЛТА"),
    ]


def test_datelines_and_sign_offs_credit_their_agency() -> None:
    found = credits_of(
        {
            "ria": "ЯКУТСК, 10 авг – РИА Новости. Средства резервного фонда направят на погашение долга.",
            "interfax": "Москва. 30 апреля. INTERFAX.RU - Чемпион мира наказан дисквалификацией.",
            "tass": "КРАСНОЯРСК, 10 августа. /ТАСС/. Взрывы на складе повредили две линии.",
            "dpa": "Juan Izquierdo ist tot.\n(DPA/jar)",
            "afp": "Le club est en deuil.\n(afp)",
        }
    )
    assert {(document, agency) for document, agency, _ in found} == {
        ("ria", "RIA Novosti"), ("interfax", "Interfax"), ("tass", "TASS"), ("dpa", "dpa"), ("afp", "AFP"),
    }  # fmt: skip


def test_an_agency_as_the_topic_is_no_credit() -> None:
    assert credits_of({"ap": "31 октября был взломан корпоративный сайт агентства Associated Press."}) == []
