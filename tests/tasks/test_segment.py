import polars as pl

from tasks.segment import find_title, segment_documents
from tests.corpus import GERMAN_SEED, RUSSIAN_SEED, SEEDS, read_seed


def paragraphs_of(text: str) -> list[str]:
    paragraphs, _ = segment_documents(pl.DataFrame({"document_id": ["d"], "text": [text]}))
    assert paragraphs["position"].to_list() == list(range(1, paragraphs.height + 1))
    return paragraphs["text"].to_list()


def test_german_seed_has_nine_paragraphs_four_printed_twice() -> None:
    paragraphs = paragraphs_of(read_seed(GERMAN_SEED))
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("MINSK, 27. Februar (BelTA)")
    assert paragraphs[5:] == paragraphs[1:5]


def test_each_seed_has_one_paragraph_per_non_blank_line() -> None:
    for path in sorted(SEEDS.iterdir()):
        text = path.read_text(encoding="utf-8")
        expected = [line.strip() for line in text.splitlines() if line.strip()]
        assert paragraphs_of(text) == expected, path.name


def test_blank_lines_and_surrounding_whitespace_are_layout() -> None:
    assert paragraphs_of("\n\n  Erster Absatz.  \n\n\n\tZweiter Absatz.\n  \n") == ["Erster Absatz.", "Zweiter Absatz."]


def test_positions_restart_for_every_document() -> None:
    frame = pl.DataFrame({"document_id": ["a", "b"], "text": ["eins\nzwei", "бір\nекі\nүш"]})
    paragraphs, _ = segment_documents(frame)
    assert paragraphs.rows() == [("a", 1, "eins"), ("a", 2, "zwei"), ("b", 1, "бір"), ("b", 2, "екі"), ("b", 3, "үш")]


def test_headline_set_apart_by_a_blank_line_is_the_title() -> None:
    assert find_title(read_seed(RUSSIAN_SEED)) == "Лукашенко рассчитывает на серьезный рост товарооборота с Казахстаном"


def test_no_title_when_the_text_starts_with_a_sentence_or_a_dateline() -> None:
    assert find_title(read_seed(GERMAN_SEED)) is None
    assert find_title("Der Satz endet mit einem Punkt.\n\nText.") is None
    assert find_title("Überschrift ohne Leerzeile\nText.") is None


def test_headers_carry_title_and_dateline_per_document() -> None:
    documents = pl.DataFrame({"document_id": ["de", "ru"], "text": [read_seed(GERMAN_SEED), read_seed(RUSSIAN_SEED)]})
    _, headers = segment_documents(documents)
    assert headers.rows(named=True) == [
        {"document_id": "de", "title": None, "dateline_place": "MINSK", "agency": "BelTA", "published_on": None},
        {
            "document_id": "ru",
            "title": "Лукашенко рассчитывает на серьезный рост товарооборота с Казахстаном",
            "dateline_place": None,
            "agency": None,
            "published_on": None,
        },
    ]
