"""Datelines: where, when and by whom a wire story was filed, from its first paragraph.

Three shapes cover the wire copy in our corpora:
    MINSK, 27. Februar (BelTA) – Belarus und ...          place, date (agency) dash
    ЯКУТСК, 10 авг – РИА Новости. Средства ...             place, date dash agency.
    Москва. 30 апреля. INTERFAX.RU - Чемпион мира ...      place. date. agency dash
    КРАСНОЯРСК, 10 августа. /ТАСС/. Взрывы на ...          place, date. /agency/.
A paragraph that opens with a numeric date ("12.01.15, 14:00:51 Знаменитая гитара …", "28.09.2016, 22:10")
states when it was published, though it names no place.
A date counts only with its year: a dateline without one ("10 авг") gives no `published_on`,
because guessing the year would decide, wrongly, which copy of a story is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PLACE = r"(?P<place>[^\W\d_][^\W\d_.-]*(?:[ -][^\W\d_]+){0,3})"
DATE = r"(?P<day>\d{1,2})\.?\s+(?P<month>[^\W\d_]{3,})\.?(?:\s+(?P<year>\d{4}))?"
DASH = r"\s*[-–—]\s*"
DATELINES = [
    re.compile(rf"{PLACE},\s+{DATE}\s+\((?P<agency>[^()]{{2,40}})\){DASH}"),
    re.compile(rf"{PLACE},\s+{DATE}{DASH}(?P<agency>[^.\n]{{2,40}}?)\.\s*"),
    re.compile(rf"{PLACE}\.\s+{DATE}\.\s+(?P<agency>\S{{2,40}}){DASH}"),
    re.compile(rf"{PLACE},\s+{DATE}\.\s+/(?P<agency>[^/]{{2,40}})/"),
]
STAMP = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})\b")
# Month names by their first three letters, in the corpus languages (German, Russian, English, Kazakh).
MONTHS = {
    prefix: number
    for number, prefixes in enumerate(
        [
            "jan янв қаң", "feb фев ақп", "mär mar мар нау", "apr апр сәу", "mai may мая май мам",
            "jun июн мау", "jul июл шіл", "aug авг там", "sep сен қыр", "okt oct окт қаз",
            "nov ноя қар", "dez dec дек жел",
        ],
        start=1,
    )
    for prefix in prefixes.split()
}  # fmt: skip


@dataclass(frozen=True)
class Dateline:
    place: str
    agency: str
    published_on: dt.date | None


def parse_dateline(paragraph: str) -> Dateline | None:
    for pattern in DATELINES:
        match = pattern.match(paragraph)
        if match:
            return Dateline(match["place"], match["agency"].strip(), _date(match["day"], match["month"], match["year"]))
    return None


def parse_stamp(paragraph: str) -> dt.date | None:
    """The date a paragraph opens with, day.month.year (a two-digit year is 20yy)."""
    match = STAMP.match(paragraph)
    if match is None:
        return None
    year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
    try:
        return dt.date(year, int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def _date(day: str, month: str, year: str | None) -> dt.date | None:
    number = MONTHS.get(month[:3].lower())
    if year is None or number is None:
        return None
    try:
        return dt.date(int(year), number, int(day))
    except ValueError:
        return None
