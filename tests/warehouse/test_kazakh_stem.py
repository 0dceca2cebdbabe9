"""The light Kazakh suffix stripper: plural, possessive and case endings off, short stems kept whole."""

import pytest

from warehouse.kazakh_stem import strip_suffixes


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("қазақстанның", "қазақстан"),  # genitive
        ("қазақстанға", "қазақстан"),  # dative
        ("астанада", "астана"),  # locative
        ("мектептерде", "мектеп"),  # plural + locative
        ("үкіметінің", "үкімет"),  # possessive + genitive
        ("елдерімізден", "елдер"),  # plural + "our" + ablative: "ел" would be too short a prefix
        ("ауыл", "ауыл"),  # nothing to strip
        ("су", "су"),  # shorter than any stem worth a prefix
    ],
)
def test_strip_suffixes(word: str, stem: str) -> None:
    assert strip_suffixes(word) == stem


@pytest.mark.parametrize(
    "family",
    [
        ("президент", "президенті", "президентінің", "президентке", "президенттің"),
        ("мектеп", "мектептер", "мектептерде", "мектепте", "мектептің"),
    ],
)
def test_every_form_of_a_word_starts_with_the_stem_of_each_form(family: tuple[str, ...]) -> None:
    # "президенті" (his president) loses "ті", taken for an accusative: the stem is only a prefix, so
    # stripping a letter too many still finds every form, and the forms still find each other.
    for form in family:
        assert all(other.startswith(strip_suffixes(form)) for other in family), form
