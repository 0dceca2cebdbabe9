"""Boilerplate rules of the prepare step, on real multilingual text: what is chrome, what is news."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tasks.boilerplate import apply_rules, hint_boilerplate
from tasks.boilerplate_model import FEATURES, BoilerplateModelError, load_model, model_features, neighbour
from tasks.language import identify_languages
from tasks.segment import segment_documents
from tests.corpus import RUSSIAN_SEED, SEEDS, SHARED_DATA, read_seed


def hints(text: str) -> list[tuple[str, str | None]]:
    paragraphs, _ = segment_documents(pl.DataFrame({"document_id": ["d"], "text": [text]}))
    hinted = hint_boilerplate(paragraphs).sort("position")
    return list(zip(hinted["text"], hinted["boilerplate_hint"], strict=True))


def test_the_teaser_block_of_seed_003_is_flagged_and_its_article_is_not() -> None:
    flagged = hints(read_seed(RUSSIAN_SEED))
    # Nine paragraphs of the article (headline included), then four teasers of three lines each:
    # a title, an excerpt cut with "...", a bullet date.
    assert [hint for _, hint in flagged[:9]] == [None] * 9
    assert [hint for _, hint in flagged[9:]] == ["teaser"] * 12
    assert flagged[11][0] == "• 11.11.2025"


def test_no_seed_paragraph_but_the_teasers_is_flagged() -> None:
    for path in sorted(SEEDS.iterdir()):
        flagged = [text for text, hint in hints(path.read_text(encoding="utf-8")) if hint]
        assert len(flagged) == (12 if path.name == RUSSIAN_SEED else 0), path.name


def test_site_chrome_in_our_languages() -> None:
    page = "\n".join(
        [
            "Startseite",
            "Главная",
            "Басты бет",
            "Datenschutzerklärung",
            "© 2024 Beispiel Verlag GmbH",
            "Все права защищены",
            "Wir verwenden Cookies, um unsere Website für Sie zu verbessern. Mehr erfahren",
            "Nous utilisons des cookies pour améliorer votre expérience.",
            "Folgst du schon 20 Minuten auf Whatsapp?",
            "Подписывайтесь на наш Telegram-канал",
            "Lesen Sie auch:",
            "Читайте также",
            "Kategorie: Politik, Wirtschaft",
            "71 Kommentare",
            "Foto: Keystone",
            "Die Regierung hat am Dienstag ein neues Gesetz über den Schutz von Daten im Netz beschlossen, "
            "das im Frühjahr in Kraft treten soll.",
        ]
    )
    flagged = hints(page)
    assert [hint for _, hint in flagged] == [
        "navigation", "navigation", "navigation", "legal", "legal", "legal", "cookie", "cookie",
        "share_subscribe", "share_subscribe", "teaser", "teaser", "navigation", "comments", "caption", None,
    ]  # fmt: skip


def test_news_that_mentions_chrome_words_is_news() -> None:
    news = (
        "Der Datenschutzbeauftragte kritisiert, dass viele Websites Cookies ohne Einwilligung setzen, "
        "und fordert strengere Kontrollen durch die Behörden der Länder.\n"
        "Президент отметил, что все права граждан защищены Конституцией, и призвал суды следить за этим.\n"
        "Copyrightbeschwerden gegen Videomacher nehmen zu.\n"
        "1. London\n2. Barcelona\n3. Malaga\n4. Stockholm"
    )
    assert [hint for _, hint in hints(news)] == [None] * 7


def test_a_menu_is_a_run_of_short_labels_and_a_footer_follows_the_last_body_paragraph() -> None:
    body = (
        "Die Gemeinde hat beschlossen, das alte Schulhaus zu renovieren und dort ab dem nächsten Sommer "
        "eine Bibliothek und einen Jugendtreff einzurichten."
    )
    # A headline of three words or fewer right below a menu would join it: this one has four.
    menu, footer = ["Politik", "Sport", "Kultur", "Wetter"], ["Unsere Partner", "Jobs"]
    page = "\n".join([*menu, "Altes Schulhaus wird Bibliothek", body, *footer])
    assert [hint for _, hint in hints(page)] == [
        "navigation", "navigation", "navigation", "navigation", None, None, "footer", "footer",
    ]  # fmt: skip


def test_a_sign_off_and_speech_after_the_body_are_the_article() -> None:
    body = (
        "Les garde-côtes italiens ont annoncé mardi qu'ils effectuaient des plongées sur le site du naufrage, "
        "pour vérifier une éventuelle pollution, mais rien n'a été trouvé."
    )
    assert [hint for _, hint in hints(f"{body}\n(AFP)")] == [None, None]
    assert [hint for _, hint in hints(f"{body}\n- Біз бұл туралы сөз қозғадық\n- Иә")] == [None, None, None]


def test_chinese_sentences_are_not_short_labels() -> None:
    lines = [
        "钟南山院士说：武汉肯定能过关",
        "正是有了英勇的你们，才有这座英雄的城",
        "数字发现社会",
        "乡土中国是熟人社会",
    ]
    assert [hint for _, hint in hints("\n".join(lines))] == [None] * 4


def test_every_document_keeps_its_longest_paragraph() -> None:
    assert hints("Impressum\nKontakt\nDatenschutz und Cookies") == [
        ("Impressum", "legal"), ("Kontakt", "legal"), ("Datenschutz und Cookies", None),
    ]  # fmt: skip


def test_the_20min_promo_footer_is_flagged() -> None:
    folder = SHARED_DATA / "de-fr-news-20min-xd" / "txt"
    if not folder.exists():
        pytest.skip(f"{folder} is absent (a fresh clone has no ../shared)")
    flagged = hints((folder / "20min-de-54524974.txt").read_text(encoding="utf-8"))
    assert [text[:40] for text, hint in flagged if hint] == [
        "Folgst du schon 20 Minuten auf Whatsapp?",
        "Eine Newsübersicht am Morgen und zum Fei",
    ]


BODY_DE = (
    "Die Gemeinde hat beschlossen, das alte Schulhaus zu renovieren und dort ab dem nächsten Sommer "
    "eine Bibliothek und einen Jugendtreff einzurichten, wie der Bürgermeister am Montag mitteilte."
)
BODY_DE_2 = (
    "Die Kosten von rund zwei Millionen Franken teilen sich der Kanton und die Gemeinde, die dafür "
    "keine neuen Schulden aufnehmen muss, sagte die Finanzvorsteherin nach der Sitzung des Rates."
)


def test_calls_to_action_in_the_imperative_or_to_the_reader() -> None:
    chrome = [
        "Melde dich jetzt an und diskutiere mit!",
        "Subscribe now to our weekend edition for the full story.",
        "Bleiben Sie auf dem Laufenden: der Newsletter am Morgen",
        "Folge mir auf Instagram",
        "Подпишитесь на рассылку",
        "Пікір қалдырыңыз",
        "Anzeige",
    ]
    # Reports of what others did, with the same words: news.
    news = [
        "Оқырмандар мақалаға жүзден астам пікір қалдырыпты.",
        "Жарнамасына сенген тұрғындар ақшасынан айырылды.",
        "Фонд собрал пожертвования на сумму 5 млн рублей.",
        "Die Stiftung sammelte Spenden für die Opfer und registrierte 300 Helfer.",
        "Anzeigen gegen Unbekannt: Polizei ermittelt",
        "Wie gefällt Ihnen die neue Version?",  # an interviewer's question
    ]
    # The news stands inside the article, the chrome below it: the model reads a line's place too, and
    # title-like lines below a page's closing calls to action are, on the web, other stories' links.
    flagged = hints("\n".join([BODY_DE, *news, BODY_DE_2, *chrome]))
    assert [hint for _, hint in flagged[1:]] == [None] * (len(news) + 1) + ["call_to_action"] * len(chrome)


def test_picture_credits_are_captions_and_a_sign_off_is_not() -> None:
    captions = [
        "Stau auf der A1 © Max Muster / Bildagentur",
        "El alcalde durante la inauguración del puente (REUTERS/Juan Pérez)",
        "Photo by Jane Roe on Unsplash",
        "Die Siegerin im Ziel. © AFP / ERIKA MUSTER",
    ]
    news = [
        "(dpa/jar)",
        "Die Agentur Reuters berichtete unter Berufung auf Diplomaten von neuen Gesprächen.",
        "Das Foto wurde von der Polizei veröffentlicht.",
    ]
    flagged = hints("\n".join([BODY_DE, *captions, BODY_DE_2, *news]))
    assert [hint for _, hint in flagged] == [None, *["caption"] * len(captions), None, *[None] * len(news)]


def test_the_related_stories_section_ends_where_the_article_goes_on() -> None:
    page = [
        BODY_DE,
        "Ähnliche Beiträge",
        "Neues Hallenbad in Wil eröffnet",
        "Welche Katze passt zu mir?",
        BODY_DE_2,
        BODY_DE,
        "Der Zeitplan",  # the article's subheading, below its next two paragraphs
        BODY_DE_2,
    ]
    assert [hint for _, hint in hints("\n".join(page))] == [None, "teaser", "teaser", "teaser", None, None, None, None]


def test_the_comments_section_below_the_article() -> None:
    page = [BODY_DE, BODY_DE_2, "Kommentare", "Anna Muster", "19. Juni 2019 / 17:29", "Super Idee!", "Antworten"]
    assert [hint for _, hint in hints("\n".join(page))] == [None, None, *["comments"] * 5]


def test_share_bars_breadcrumbs_and_page_labels() -> None:
    chrome = [
        ("Teilen Twittern Email", "share_subscribe"),
        ("Zum Rezept Drucken Pinnen", "share_subscribe"),
        ("Startseite>Panorama>Welt>Sturm über Norddeutschland", "navigation"),
        ("Publiziert: 03.04.2020, 12:35", "navigation"),
        ("Вы здесь:", "navigation"),
        ("Weitere Beiträge zu diesem Artikel", "teaser"),
        ("Auch lesen: Diese fünf Gärten lohnen einen Besuch im Herbst", "teaser"),
        ("Другие новости", "teaser"),
        ("Read more: New bridge opens after years of delay", "teaser"),
        ("Über den Autor", "author"),
    ]
    news = [
        "Teilen statt besitzen: Die Stadt fördert Leihläden",
        "Temperaturen > 30 Grad erwartet",
        "Thema des Abends war die Wahl.",
        "Thema: die Zukunft der Arbeit.",  # a line of an interview, not a label
        "Weitere Details nannte die Polizei nicht.",
        "Mehr Nachrichten als je zuvor erreichten die Redaktion.",
        "Anna Beispiel ist eine Reporterin des Tagesblatts, die seit einem Jahr in Haft sitzt.",
    ]
    page = [BODY_DE]
    for line in [line for line, _ in chrome] + news:
        # One at a time between paragraphs: no run, no footer, and a section a heading opens ends at once.
        page += [line, BODY_DE_2, BODY_DE]
    flagged = dict(hints("\n".join(page)))
    assert {line: flagged[line] for line, _ in chrome} == dict(chrome)
    assert {line: flagged[line] for line in news} == dict.fromkeys(news)


def test_a_list_with_figures_is_a_recipe_not_a_menu() -> None:
    recipe = ["200 g Mehl", "Zucker", "3 Eier", "1 TL Salz", "Butter"]
    menu = ["Politik", "Sport", "Kultur", "Wetter"]
    flagged = hints("\n".join([*menu, BODY_DE, *recipe, BODY_DE_2]))
    assert [hint for _, hint in flagged] == ["navigation"] * 4 + [None] * (len(recipe) + 2)


def test_code_below_the_article_is_no_footer() -> None:
    code = ["#!/bin/bash", "filename=$1", "for line in `cat $filename`", "done"]
    assert [hint for _, hint in hints("\n".join([BODY_DE, *code]))] == [None] * 5


def test_the_model_file_loads_and_scores_every_line() -> None:
    model = load_model()
    assert model.trees and set(model.features) <= set(FEATURES) and model.lexicon.height
    page = ["Startseite", "Neue Bibliothek im alten Schulhaus", BODY_DE, BODY_DE_2, "Impressum"]
    paragraphs, _ = segment_documents(pl.DataFrame({"document_id": ["d"], "text": ["\n".join(page)]}))
    scores = model.score(model_features(apply_rules(paragraphs), model))
    assert scores.shape == (len(page),) and np.isfinite(scores).all()
    # The body paragraphs are the article's by a wide margin; the menu word is chrome by its shape too.
    assert max(scores[2:4]) < model.threshold - 1 < scores[0]


def test_the_model_flags_what_the_rules_leave_between_menu_items() -> None:
    page = [
        "Startseite", "Reiseziele im hohen Norden", "Kontakt", "Unsere schönsten Wanderwege", "Impressum",
        "Neue Bibliothek im alten Schulhaus", BODY_DE, BODY_DE_2,
    ]  # fmt: skip
    # The second title between menu items ("Unsere schönsten Wanderwege") scores 2.1 against the threshold
    # of 2.3 (the trees trained in December 2026): the model flags the first, not both.
    assert [hint for _, hint in hints("\n".join(page))] == [
        "navigation", "layout", "legal", None, "legal", None, None, None,
    ]  # fmt: skip


NEWS_PARAGRAPHS = 2000  # per set: every kind of paragraph a news article has, in a few seconds
DOCUMENT_PARAGRAPHS = 8  # the de and kk sets hold one article, or one sentence, a line: read 8 as an article
NEWS_SETS = {"de-news-10kgnad-test": "txt", "ru-news-corus-samples": "txt", "kk-news-sentences-kaznerd": "."}
LANGUAGES = ("de", "en", "es", "fr", "kk", "ru")  # flows/settings.py's default


@pytest.mark.parametrize("name", sorted(NEWS_SETS))
def test_the_model_flags_no_paragraph_of_real_news(name: str) -> None:
    folder = SHARED_DATA / name / NEWS_SETS[name]
    if not folder.exists():
        pytest.skip(f"{folder} is absent (a fresh clone has no ../shared)")
    lines = [line.strip() for path in sorted(folder.glob("*.txt")) for line in path.read_text("utf-8").splitlines()]
    news = [line for line in lines if line][:NEWS_PARAGRAPHS]
    paragraphs = pl.DataFrame(
        {
            "document_id": [str(i // DOCUMENT_PARAGRAPHS) for i in range(len(news))],
            "position": [i % DOCUMENT_PARAGRAPHS + 1 for i in range(len(news))],
            "text": news,
        }
    )
    paragraphs, _, _ = identify_languages(paragraphs, LANGUAGES)
    flagged = hint_boilerplate(paragraphs).filter(pl.col("boilerplate_hint") == "layout")
    assert flagged.height == 0, f"{flagged.height} of {len(news)} news paragraphs flagged by the model"


def test_a_damaged_model_file_is_one_named_error(tmp_path: Path) -> None:
    damaged = tmp_path / "boilerplate_model.json"
    damaged.write_text('{"threshold": 0.1, "trees": [', encoding="utf-8")
    with pytest.raises(BoilerplateModelError, match=r"cannot read the boilerplate model \(.*\); reinstall newsflow"):
        load_model(damaged)
    tree = {"feature": [0], "threshold": [1], "left": [-1], "right": [-2], "value": [0, 1]}
    stored = {"threshold": 1, "features": ["colour"], "lexicon": {}, "trees": [tree]}
    damaged.write_text(json.dumps(stored), encoding="utf-8")
    with pytest.raises(BoilerplateModelError, match=r"does not fit this version of newsflow \(features \['colour'\]\)"):
        load_model(damaged)


def test_a_neighbour_is_read_in_the_same_document_only() -> None:
    lines = pl.DataFrame({"document_id": list("abbcccdddd"), "value": range(10)}).with_columns(
        _at=pl.int_range(pl.len()).over("document_id"), _lines=pl.len().over("document_id")
    )
    for k in (-3, -2, -1, 1, 2, 3):
        found = lines.select(neighbour(pl.col("value"), k))["value"]
        assert found.equals(lines.select(pl.col("value").shift(k).over("document_id"))["value"]), k
