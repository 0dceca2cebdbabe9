"""Credits: the news agencies an article credits, under one name across scripts and spellings.

An agency's name counts as a credit only where the text credits it, not where it is a topic:
    in brackets or slashes       "MINSK, 27. Februar (BelTA) –", "(dpa/jar)", "КРАСНОЯРСК, 10 августа. /ТАСС/."
    after a verb of reporting    "передает наш сайт со ссылкой на БЕЛТА", "деп хабарлады БЕЛТА"
    before a dash                "ҚазАқпарат — Президент …", "INTERFAX.RU - Чемпион мира …"
    opening a dateline           "ТАСС, 10 августа. Военнослужащие …"
    as the one who reports       "ИТАР-ТАСС отмечает, что …"
    after a dash or at the end   "… – РИА Новости.", "…, — сообщает ТАСС."
Polars expressions over the batch's paragraphs; paragraphs hinted as boilerplate (a teaser's excerpt)
credit nothing. One row per (document, agency), with the first words that credit it.
"""

from __future__ import annotations

import polars as pl

# Canonical name -> the spellings it goes by (regex alternatives, matched case-insensitively).
AGENCIES = {
    "BelTA": r"belta|белта",
    "Kazinform": r"kazinform|qazinform|казинформ|қазақпарат|казахпарат|kazakparat",
    "RIA Novosti": r"риа\s+новости|ria\s+novosti|риа",
    "Interfax": r"interfax(?:\.ru|-kazakhstan)?|интерфакс(?:-казахстан)?",
    "TASS": r"тасс|tass",
    "dpa": r"dpa",
    "AFP": r"afp|франс[\s-]пресс|france[\s-]presse",
    "Reuters": r"reuters|рейтер",
    "AP": r"ap|associated\s+press",
    "Keystone-SDA": r"keystone-sda|keystone-ats|sda|ats",
    "APA": r"apa",
    "Xinhua": r"xinhua|синьхуа",
    "Kazakhstan Today": r"kazakhstan\s+today|казахстан\s+сегодня",
}
REPORTING = (
    r"со\s+ссылкой\s+на|передает|передаёт|сообщает|сообщил[аио]?|по\s+данным|пишет|приводит|информирует|"
    r"отмечает|хабарлады|хабарлайды|"
    r"according\s+to|reports?|told|berichtet|meldet|berichtete|meldete|selon|rapporte|rapporté|indique|"
    r"confirmée?s?|interrogée?s?|a\s+déclaré"
)


def credit_pattern(names: str) -> str:
    name = rf"(?:{names})\b"
    return (
        rf"(?i)\(\s*{name}[^()]{{0,15}}\)"  # (BelTA), (dpa/jar)
        rf"|\.\s*/[^/]{{0,12}}{name}[^/]{{0,30}}/"  # 10 августа. /ТАСС/ (not a photo's "… / AFP / …")
        rf"|^{name},\s+\d{{1,2}}\s+[^\W\d_]+\.?\s"  # ТАСС, 10 августа. Военнослужащие …
        rf"|\b{name}\W+(?:{REPORTING})\b"  # ИТАР-ТАСС отмечает
        rf"|\b(?:{REPORTING})\W+(?:[\w-]+\W+){{0,4}}?{name}"  # передает … со ссылкой на БЕЛТА
        rf"|(?:^|[^\w-]){name}\s*[-–—]\s"  # ҚазАқпарат — ; INTERFAX.RU -
        rf"|[-–—]\s*{name}[.\s]*$|[-–—]\s*{name}[.,]"  # … – РИА Новости. / - риа новости, марина шмаюн.
    )


def named(names: str) -> str:
    """Text that names one of `names` as a word. Not `\b`: on non-ASCII text it takes Rust's regex off its
    fast automaton, and a non-word character on each side says the same here (every name starts and ends
    with a letter)."""
    return rf"(?i)(?:^|\W)(?:{names})(?:\W|$)"


def find_credits(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """From (document_id, position, text, boilerplate_hint): (document_id, agency, evidence)."""
    # Only paragraphs that name an agency go through its credit patterns: few do, and the patterns cost
    # far more than this test (24 s against 2 s over 10 MB of web pages).
    news = paragraphs.filter(
        pl.col("boilerplate_hint").is_null() & pl.col("text").str.contains(named("|".join(AGENCIES.values())))
    ).sort("document_id", "position")
    found = [
        news.filter(pl.col("text").str.contains(named(names)))
        .select("document_id", agency=pl.lit(agency), evidence=pl.col("text").str.extract(credit_pattern(names), 0))
        .drop_nulls("evidence")
        .unique("document_id", keep="first", maintain_order=True)
        for agency, names in AGENCIES.items()
    ]
    credits = pl.concat(found) if found else pl.DataFrame()
    return credits.with_columns(pl.col("evidence").str.strip_chars(" -–—.,")).sort("document_id", "agency")
