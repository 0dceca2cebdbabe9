"""The near-duplicate stages end to end on an in-memory warehouse: copies joined, facts apart."""

from __future__ import annotations

import re

import polars as pl

from tasks.near_config import NearDupConfig
from tasks.near_dedup import cluster_texts
from tasks.near_signature import SENTENCE_END, sign_paragraphs
from tasks.near_verify import screen_pairs, shingle_sets, text_and_sentence_shingles, verify_pairs

CONFIG = NearDupConfig()

RU = (
    "Президент Беларуси Александр Лукашенко провел в понедельник переговоры с делегацией Казахстана. "
    "Стороны обсудили торговлю, логистику и совместные проекты в машиностроении. "
    "Товарооборот двух стран в прошлом году превысил 1,5 млрд долларов, рост составил 17 %."
)
DE = (
    "Die Bundesregierung hat am Mittwoch in Berlin ein neues Gesetz zur Förderung der Windenergie beschlossen. "
    "Nach Angaben des Ministeriums sollen bis 2030 rund 1.000 neue Anlagen entstehen. "
    "Die Opposition kritisierte den Entwurf als unzureichend."
)
KK = (
    "Елордада жаңа мектеп ашылды, онда бір мың екі жүз оқушы білім алады. "
    "Мектеп ғимаратында заманауи зертханалар мен спорт залы бар. "
    "Құрылыс жұмыстары екі жылға созылды деп хабарлады қала әкімдігі."
)
KK_LATIN_2021 = (
    "Elordada jaña mektep aşyldy, onda bır myñ ekı jüz oquşy bılım alady. "
    "Mektep ğimaratynda zamanaui zerthanalar men sport zaly bar. "
    "Qūrylys jūmystary ekı jylğa sozyldy dep habarlady qala äkımdıgı."
)


def clusters(texts: dict[str, str]) -> dict[str, str]:
    frame = pl.DataFrame({"paragraph_id": list(texts), "text": list(texts.values()), "language": "und"})
    return dict(cluster_texts(frame).iter_rows())


def together(found: dict[str, str], *names: str) -> bool:
    return len({found[name] for name in names}) == 1


def test_edited_copies_join_their_original() -> None:
    first, second, third = RU.split(". ")
    copies = {
        "original": RU,
        "typo": RU.replace("машиностроении", "машинострении"),
        "quotes_dashes_yo": RU.replace("провел", "провёл") + " — передает БЕЛТА.",
        "numbers_reformatted": RU.replace("1,5", "1.5").replace("17 %", "17%"),
        "last_sentence_cut": f"{first}. {second}.",
        "swapped": f"{second}. {first}. {third}",
        "ocr": RU.replace("о", "o", 3).replace("л", "л", 1).replace("переговоры", "перегoвopы"),
    }
    found = clusters(copies)
    assert together(found, *copies)
    # The cluster is named by its canonical member: the first in the keep order (here, the smallest path).
    assert found["original"] == min(copies)


def test_kazakh_in_latin_script_joins_its_cyrillic_original() -> None:
    assert together(clusters({"cyrillic": KK, "latin": KK_LATIN_2021}), "cyrillic", "latin")


def test_different_facts_stay_apart() -> None:
    found = clusters(
        {
            "original": DE,
            "every_number_changed": DE.replace("2030", "2035").replace("1.000", "1.200"),
            "one_number_changed": DE.replace("2030", "2031"),
            "shares_one_sentence": DE.split(". ")[0] + ". " + RU.split(". ", 1)[1],
            "unrelated": KK,
        }
    )
    assert len(set(found.values())) == 5


def test_a_truncated_copy_cannot_chain_two_facts() -> None:
    first, second, _ = RU.split(". ")
    found = clusters(
        {
            "a_rate_17": RU,
            "b_rate_19": RU.replace("17 %", "19 %"),
            "c_cut": f"{first}. {second}. Товарооборот двух стран в прошлом году превысил 1,5 млрд долларов.",
        }
    )
    assert found["a_rate_17"] != found["b_rate_19"]
    assert found["c_cut"] in (found["a_rate_17"], found["b_rate_19"])


def test_short_paragraphs_match_only_exactly() -> None:
    found = clusters({"a": "Фото: Reuters / Денис Иванов", "b": "Фото: Reuters / Денис Иванoв"})
    assert not together(found, "a", "b")


def test_a_shared_first_sentence_does_not_chain_two_paragraphs() -> None:
    first, second, _third = RU.split(". ")
    other = "Министры также подписали соглашение о сотрудничестве в области образования и науки"
    found = clusters(
        {"a_first_two": f"{first}. {second}.", "b_first_only": f"{first}.", "c_first_other": f"{first}. {other}."}
    )
    # The first sentence alone is a cut copy of either paragraph: it joins one, and they stay apart.
    assert found["a_first_two"] != found["c_first_other"]
    assert found["b_first_only"] in (found["a_first_two"], found["c_first_other"])


def screened(texts: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Screen every pair of `texts` as the verify stage screens candidates (no texts passed on)."""
    signed, _, _ = sign_paragraphs(pl.DataFrame({"paragraph_id": list(texts), "text": list(texts.values())}), CONFIG)
    signed = signed.with_row_index("key")  # the signature key of the index (warehouse/near.py)
    left, right = (
        signed.rename(lambda c: f"left_{c}".replace("_paragraph", "")),
        signed.rename(lambda c: f"right_{c}".replace("_paragraph", "")),
    )
    pairs = left.join(right, how="cross").filter(pl.col("left_id") < pl.col("right_id"))
    pairs = pairs.rename({"left_sentence_sketch": "left_sketch", "right_sentence_sketch": "right_sketch"})
    return screen_pairs(pairs.with_columns(cut_only=False), CONFIG)


def test_screening_sets_aside_two_stories_that_share_a_sentence_without_their_texts() -> None:
    shared = RU.split(". ")[0] + "."
    settled, to_compare = screened(
        {
            "a": shared + " Переговоры прошли в Минске во Дворце независимости при закрытых дверях.",
            "b": shared + " Вечером гости посетили выставку белорусской сельскохозяйственной техники.",
        }
    )
    assert to_compare.is_empty()
    assert settled.select("left_id", "right_id", "is_near_copy").rows() == [("a", "b", False)]


def test_screening_passes_edited_copies_on_to_the_text_comparison() -> None:
    edits = {
        "original": DE,
        "typo": DE.replace("Windenergie", "Windenergei").replace("Opposition", "Oposition"),
        "swapped": ". ".join(reversed(DE.rstrip(".").split(". "))) + ".",
        "credit": DE + " (dpa)",
        "quotes": DE.replace("Die Opposition", "„Die Opposition“"),
    }
    settled, to_compare = screened(edits)
    assert settled.is_empty()
    assert to_compare.height == len(edits) * (len(edits) - 1) // 2


def test_screening_settles_different_numbers_without_their_texts() -> None:
    settled, to_compare = screened({"rate": RU, "new rate": RU.replace("1,5", "1,7")})
    assert to_compare.is_empty()
    assert settled["numbers_agree"].to_list() == [False]


def test_sentence_shingles_are_those_of_each_sentence_alone() -> None:
    """Verify takes the sentences' shingles from the windows of the whole marked skeleton: the same sets
    as shingling each sentence cut out of the text on its own."""
    texts = pl.DataFrame({"id": ["ru", "de", "kk", "kk_latin"], "text": [RU, DE, KK, KK_LATIN_2021]})
    _, sentences = text_and_sentence_shingles(texts)
    for name, text in texts.iter_rows():
        alone = shingle_sets(pl.Series(re.sub(SENTENCE_END, "\\1\n", text).split("\n"))).to_list()
        found = sentences.filter(pl.col("id") == name)["sentence"].to_list()
        assert [sorted(s) for s in found] == [sorted(s) for s in alone if s]
        assert len(found) == 3


def test_the_text_comparison_sets_aside_two_stories_whose_shingles_are_mostly_shared() -> None:
    """Two paragraphs that share a long sentence and each add a short one of their own are similar enough
    by Jaccard, and the sentence-by-sentence look still keeps them apart; an edited copy passes it."""
    shared = " ".join(RU.split(". ")[:2]) + "."
    texts = {
        "a": shared + " Встреча прошла в Минске.",
        "b": shared + " Гости посетили выставку.",
        "c": shared.replace("понедельник", "понедельнк") + " Встреча прошла в Минске.",
    }
    pairs = pl.DataFrame(
        [(left, right, texts[left], texts[right]) for left, right in (("a", "b"), ("a", "c"))],
        schema=["left_id", "right_id", "left_text", "right_text"],
        orient="row",
    )
    verdicts = verify_pairs(pairs, CONFIG).sort("right_id")
    assert verdicts["similarity"][0] >= CONFIG.jaccard
    assert verdicts["is_near_copy"].to_list() == [False, True]


def test_chunk_sizes_do_not_change_the_clusters(monkeypatch) -> None:
    """Paragraphs signed, candidates screened, texts read and pairs compared a few at a time give the
    clusters of one pass."""
    import tasks.near_dedup as near_dedup

    first, second, third = RU.split(". ")
    texts = {
        "original": RU,
        "typo": RU.replace("машиностроении", "машинострении"),
        "cut": f"{first}. {second}.",
        "swapped": f"{second}. {first}. {third}",
        "de": DE,
        "de_typo": DE.replace("Windenergie", "Windenergi"),
        "de_other_number": DE.replace("2030", "2031"),
        "kk": KK,
        "kk_latin": KK_LATIN_2021,
    }
    at_once = clusters(texts)
    monkeypatch.setattr(near_dedup, "SIGN_CHUNK", 4)
    monkeypatch.setattr(near_dedup, "SCREEN_CHUNK", 2)
    monkeypatch.setattr(near_dedup, "READ_CHUNK", 3)
    monkeypatch.setattr(near_dedup, "VERIFY_CHUNK", 2)
    assert clusters(texts) == at_once
    assert len(set(at_once.values())) == 4
