"""The search index's terms: tokenized in any script, stemmed per language, counted per paragraph."""

import polars as pl

from warehouse.search import paragraph_terms, query_terms


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
    languages, terms = query_terms("Президенту Länder", ["de", "ru"])
    pairs = set(zip(languages, terms, strict=True))
    assert ("ru", "президент") in pairs and ("de", "land") in pairs
    assert len(pairs) == 4
