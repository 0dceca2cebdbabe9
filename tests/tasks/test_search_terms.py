"""Search terms in prepare: each distinct paragraph text of a batch tokenized once, in reading order."""

import polars as pl

from tasks.search_terms import tokenize_paragraphs

PRESIDENTS = "Президенты встретились."


def test_each_distinct_text_of_a_paragraph_is_tokenized_once_in_reading_order() -> None:
    occurrences = pl.DataFrame(
        {
            "document_id": ["d1", "d1", "d2", "d2", "d3"],
            "position": [1, 2, 1, 2, 1],
            "paragraph_id": ["p", "q", "p", "p", "q"],
            # q's second occurrence is another text of the same id (ё folds to е in ids, not in Kazakh tokens).
            "text": [PRESIDENTS, "Ёлка тұр.", PRESIDENTS, PRESIDENTS, "Елка тұр."],
            "language": ["ru", "kk", "ru", "ru", "kk"],
        }
    )

    variants, terms = tokenize_paragraphs(occurrences)

    assert variants.rows() == [
        (0, "p", "ru", "d1", 1, 2),
        (1, "q", "kk", "d1", 2, 2),
        (2, "q", "kk", "d3", 1, 2),
    ]
    assert terms["variant"].to_list() == sorted(terms["variant"].to_list())
    assert sorted(terms.rows()) == [(0, "встрет", 1), (0, "президент", 1), (1, "тұр", 1), (1, "ёлка", 1),
                                    (2, "елка", 1), (2, "тұр", 1)]  # fmt: skip
