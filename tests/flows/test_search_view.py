"""A search hit as a person reads it: about two lines around the best match, matches highlighted."""

from rich.console import Console

from flows.search_view import MATCH_STYLE, render_hits, snippet, snippet_window

TEXT = (
    "Минск, 27 февраля. На масштабное развитие двусторонней кооперации с Казахстаном настроен "
    "Президент Беларуси Александр Лукашенко, передает наш сайт со ссылкой на БЕЛТА. "
    * 3
    + "В конце текста снова Лукашенко и Лукашенко."
)


def spans_of(word: str, text: str = TEXT) -> list[tuple[int, int]]:
    found, start = [], text.find(word)
    while start != -1:
        found.append((start, start + len(word)))
        start = text.find(word, start + 1)
    return found


def test_a_short_paragraph_is_shown_whole() -> None:
    assert snippet_window("Kurz.", [(0, 4)], 100) == (0, 5)


def test_the_window_holds_the_most_matches_and_is_cut_at_spaces() -> None:
    spans = spans_of("Лукашенко")
    start, end = snippet_window(TEXT, spans, 60)
    assert end - start <= 60
    assert sum(1 for s, e in spans if s >= start and e <= end) == 2  # the two at the end
    assert TEXT[start - 1] == " " and (end == len(TEXT) or TEXT[end] == " ")


def test_a_snippet_fits_two_lines_and_highlights_every_match_it_shows() -> None:
    console = Console(width=80, record=True)
    shown = snippet(TEXT, spans_of("Лукашенко"), 80)

    lines = shown.wrap(console, 76)
    assert len(lines) <= 2
    highlighted = [shown.plain[span.start : span.end] for span in shown.spans if span.style == MATCH_STYLE]
    assert highlighted and set(highlighted) == {"Лукашенко"}
    assert shown.plain.startswith("…")


def test_hits_render_within_the_width_without_trailing_spaces() -> None:
    console = Console(width=60, record=True)
    hit = {"source_path": "ru/a.txt", "position": 3, "language": "ru", "score": 2.5, "near_copies": 2,
           "text": TEXT, "spans": spans_of("Лукашенко")}  # fmt: skip
    console.print(render_hits([hit], console))
    lines = console.export_text().splitlines()
    assert lines[0] == " 1. ru/a.txt ¶3  ru  score 2.50  +2 near copies"
    assert all(len(line) <= 60 and line == line.rstrip() for line in lines)
    assert lines[-1] == "1 hit, best first; --format json or csv prints the full text"
