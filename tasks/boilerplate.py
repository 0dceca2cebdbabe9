"""Boilerplate hints: the paragraphs of a document that are site chrome, not the article.

Rules over one paragraph and its neighbours, in the languages of our corpora (de, fr, en, ru, kk,
es), as Polars expressions over the whole batch (no Python loop per paragraph). Each paragraph gets
the first rule it matches as `boilerplate_hint`, or null:
    teaser           links to other stories: "Lesen Sie auch", a title + "…" fragment + bullet date
    share_subscribe  "Teilen", "Folgst du schon 20 Minuten auf WhatsApp?", "Подписывайтесь на наш канал"
    cookie           cookie notices
    legal            "Impressum", "Datenschutz", "© 2024 …", "Все права защищены"
    comments         "Kommentar schreiben", "Antworten", "Leave a reply", "71 Kommentare"
    caption          "Foto: Instagram/…", "Bild: Keystone": the credit of a picture the text does not show
    navigation       "Kategorie: …", "Tags: …", menu words ("Startseite", "Suche", "Главная"), symbols and
                     counters ("►", "(1)"), and runs of NAV_RUN or more short labels in a row (a menu or a tag list)
    footer           a short line that is no sentence, after the article's last body paragraph (one of
                     BODY_MIN_WORDS words or more that ends a sentence): the links and labels below it
Lines that recur across the documents of a source folder are found later, in the warehouse
(warehouse/sql/boilerplate.sql), because a single batch cannot see them.

A document always keeps one paragraph: when every paragraph of it matched a rule, the longest
(the first of equals) is cleared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl


@dataclass(frozen=True)
class RecurringConfig:
    """When a line recurring across a source folder is boilerplate (warehouse/sql/boilerplate.sql).

    Chosen by measurement (bench/boilerplate.py, bench/README.md): promo and menu lines are short and
    recur in many documents; a syndicated news paragraph is long, or recurs in two or three.
    """

    max_chars: int = 200
    news_sentence_words: int = 9
    min_documents: int = 4
    min_share: float = 0.001

    def parameters(self) -> dict[str, object]:
        return asdict(self)


# A short label: a menu item, a tag, a section name. Article headings are short too, but they come
# one at a time between paragraphs, not NAV_RUN in a row.
LABEL_MAX_WORDS = 3
NAV_RUN = 4
# Rules that look at a whole line apply to short lines only: a long paragraph that mentions
# "Datenschutz" or "WhatsApp" is news about it.
LINE_MAX_WORDS = 12
LINE_MAX_CHARS = 100
NOTICE_MAX_WORDS = 60  # a cookie or copyright notice is a few sentences at most
BODY_MIN_WORDS = 20
FOOTER_MIN_LINES = 2
# Chinese and Japanese put no spaces between words: a whole sentence counts as one "word".
CJK = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"
SENTENCE_END = r"[.!?:;…\"»“”)]$"
SIGN_OFF = r"^\([^()]{1,20}\)$"  # "(AFP)", "(dpa/jar)": the article's credit, not chrome

NAV_WORDS = (
    # de
    "home|startseite|start|menü|hauptmenü|navigation|suche|suchen|zurück|zurück zur übersicht|nach oben|"
    "weiter|mehr|mehr erfahren|mehr lesen|weiterlesen|alle artikel|alle news|archiv|anmelden|abmelden|login|"
    "registrieren|mein konto|übersicht|inhalt|zum inhalt|springe direkt zu|direkt zum inhalt|sitemap|"
    "themen|ressorts|videos|bilder|fotos|galerie|top stories|neueste beiträge|kategorien|schlagwörter|tags|"
    "seite drucken|seitenanfang|vorherige|nächste|vorheriger artikel|nächster artikel|erfahre mehr|"
    "entdecken sie jetzt|jetzt entdecken|auf dieser seite|"
    # en
    "menu|search|back|back to top|read more|more|next|previous|sign in|sign up|log in|log out|"
    "skip to content|skip to main content|related posts|recent posts|categories|archives|on this page|"
    "jump to recipe|print recipe|jump to recipeprint recipe|"
    # fr
    "accueil|rechercher|recherche|retour|lire la suite|en savoir plus|se connecter|suivant|précédent|"
    # es
    "inicio|buscar|leer más|ver más|siguiente|anterior|"
    # ru
    "главная|поиск|назад|наверх|подробнее|читать далее|читать полностью|все новости|войти|регистрация|"
    "далее|архив|меню|"
    # kk
    "басты бет|іздеу|артқа|толығырақ|барлық жаңалықтар|кіру"
)
SHARE_WORDS = (
    "teilen|drucken|e-mail|e-mail senden|per e-mail|whatsapp|facebook|twitter|x|instagram|linkedin|xing|"
    "pinterest|telegram|youtube|tiktok|rss|newsletter|newsletter abonnieren|abonnieren|jetzt abonnieren|"
    "share|print|email|tweet|subscribe|follow us|partager|imprimer|s'abonner|abonnez-vous|suivez-nous|"
    "compartir|imprimir|поделиться|подписаться|вконтакте|одноклассники|бөлісу|жазылу|"
    "gefällt mir|mit freunden teilen|diesen artikel teilen|artikel teilen|beitrag teilen|share this|"
    "share this article|partager cet article|поделиться в соцсетях"
)
LEGAL_WORDS = (
    "impressum|datenschutz|datenschutzerklärung|datenschutzhinweise|kontakt|agb|nutzungsbedingungen|"
    "barrierefreiheit|cookie-einstellungen|cookies|haftungsausschluss|disclaimer|privacy|privacy policy|"
    "terms|terms of use|terms of service|contact|contact us|about us|über uns|lizenz|"
    "mentions légales|politique de confidentialité|contactez-nous|aviso legal|política de privacidad|"
    "contacto|контакты|о нас|реклама|политика конфиденциальности|байланыс|біз туралы"
)
COMMENT_WORDS = (
    "antworten|kommentar schreiben|kommentare|kommentieren|schreibe einen kommentar|"
    "reply|leave a reply|leave a comment|comments|répondre|commentaires|responder|comentarios|"
    "ответить|комментарии|пікірлер"
)
TEASER_HEADINGS = (
    "lesen sie auch|lies auch|das könnte sie auch interessieren|das könnte dich auch interessieren|"
    "mehr zum thema|weitere artikel|ähnliche artikel|verwandte artikel|empfohlene artikel|meistgelesen|"
    "read also|read more|related|related articles|related links|you may also like|you might also like|"
    "recommended|most read|trending|populäre artikel.{0,30}|meistgelesene artikel|veja também|leia também|"
    "verwandte links|weiterführende links|notas relacionadas|artículos relacionados|"
    "lire aussi|à lire aussi|sur le même sujet|vous aimerez aussi|lee también|"
    "читайте также|смотрите также|похожие новости|по теме|еще по теме|ещё по теме|самое читаемое|"
    "оқи отырыңыз|ұқсас жаңалықтар|тағы оқыңыз"
)


def whole_line(words: str) -> str:
    """A case-insensitive pattern for a line that is one of `words`, give or take a trailing colon."""
    return rf"(?i)^\W*(?:{words})\s*[:.!»›>|]*$"


SHARE_PHRASES = (
    r"(?i)folgst du (?:schon )?.* auf (?:whatsapp|instagram|tiktok|facebook|x)"
    r"|abonniere (?:jetzt )?(?:den|unseren)|whatsapp-kanal"
    r"|newsletter.*(?:abonnier|anmeld|bestell)|jetzt (?:kostenlos )?abonnieren"
    r"|follow us on|sign up for (?:our|the) newsletter|abonnez-vous|suivez-nous sur"
    r"|inscrivez-vous à (?:notre|la) newsletter"
    r"|(?:news|updates|storys).*direkt auf dein (?:handy|smartphone)"
    r"|e-mail-adresse.*abonnieren|benachrichtigungen über neue|sign me up|push notifications"
    r"|verpasse keine|nichts mehr (?:verpassen|versäumen)|unser newsletter|our newsletter|notre newsletter"
    r"|подписывайтесь на наш|подпишитесь на наш|наш (?:telegram|телеграм)-канал|жазылыңыз"
)
# A cookie notice speaks to the reader ("we use", "accept"); news about cookies reports on others.
COOKIE_NOTICE = (
    r"(?i)(?:wir (?:verwenden|nutzen|setzen)|(?:diese|unsere) (?:web)?seite (?:verwendet|nutzt)|we use|"
    r"(?:this|our) (?:web)?site uses|nous utilisons|ce site utilise|utilizamos|usamos|мы используем|"
    r"сайт использует).*cookie|cookies?.*(?:akzeptieren|alle akzeptieren|einverstanden|"
    r"zustimmen|accept|consent|accepter|aceptar|согласие|соглашаетесь)"
)
LEGAL_NOTICE = (
    r"(?i)^(?:©|\(c\)|copyright)|creative commons|alle rechte vorbehalten|all rights reserved|tous droits réservés"
    r"|todos los derechos reservados|все права защищены|барлық құқықтар қорғалған"
    r"|использование материалов.{0,40}разрешено"
)
# Labels of the page around the article: "Kategorie: …", "Tags: …", "Foto: …", "71 Kommentare".
TAXONOMY = (
    r"(?i)^(?:kategorie|kategorien|category|categories|etiquetas|tags|schlagwörter|schlagworte|stichworte"
    r"|veröffentlicht in|filed under|posted in|markiert mit|themen|рубрика|теги|метки|тегтер)\s*:"
)
CAPTION = (
    r"(?i)^\W*(?:foto|fotos|photo|bild|bilder|image|imagen|quelle|grafik|фото|сурет)\s*:"
    r"|(?:foto|photo|imagen|фото)\s*:\s*[^.]{1,60}\)?$"
)
COMMENT_COUNT = (
    r"(?i)^(?:\d+|keine|no)\s+(?:kommentare?|comments?|comentarios?|commentaires?|комментари\w*|пікір)"
    r"|^\d+\s+gedanken zu|kommentarfunktion ist (?:geschlossen|deaktiviert)|comments are closed"
)
# A menu flattened into one line: "Invision | Kostenloses Hilfe-Forum | Kontakt | Einen Missbrauch melden".
LINK_BAR = r"^[^|]{1,40}(?:\s\|\s[^|]{1,40}){2,}$"
# A teaser's excerpt is cut mid-sentence: "… обес ..." / "… за ..."; its date is a line of its own.
EXCERPT_END = r"(?:\s\.\.\.|…|\s\.\.)\s*$"
BULLET_DATE = r"^[•·▪◦\-–—]?\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}(?:,?\s+\d{1,2}:\d{2})?$"
NO_LETTERS = r"^[^\p{L}]{0,12}$"


# Cheap tests (literal words) that a paragraph must pass before the patterns above run on it. Those
# use `.*` rather than bounded gaps (`.{0,40}`): a bounded gap of Unicode characters compiles into
# an automaton that cost seconds per batch; the lines they apply to are short anyway. Nor do they use
# `\b`: a Unicode word boundary keeps the regex engine off its fast path on non-ASCII text.
SHARE_WORDS_SEEN = (
    r"(?i)folgst|abonn|whatsapp|newsletter|follow|suivez|inscrivez|direkt auf dein|e-mail-adresse|benachrichtigung"
    r"|sign me up|push notification|verpasse|nichts mehr|подпис|telegram|телеграм|жазыл"
)
COOKIE_SEEN = r"(?i)cookie"
COMMENTS_SEEN = r"(?i)komment|comment|gedanken|пікір"


def matches(text: pl.Expr, seen: str, pattern: str) -> pl.Expr:
    """`text` matches `pattern`, tested only where it matches the cheap `seen` (nulls cost nothing)."""
    return pl.when(text.str.contains(seen)).then(text).str.contains(pattern).fill_null(False)


def hint_boilerplate(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Add `boilerplate_hint` (the rule matched, or null) to (document_id, position, text) in reading order."""
    text = pl.col("text")
    cjk = text.str.contains(CJK)
    words = text.str.count_matches(r"\S+")
    short = (words <= LINE_MAX_WORDS) & (text.str.len_chars() <= LINE_MAX_CHARS) & ~cjk
    # A numbered line ("1. London") is a list in the article, not a menu.
    label = (words <= LABEL_MAX_WORDS) & ~cjk & ~text.str.contains(r"[.!?;:…]$") & ~text.str.contains(r"^\d+[.)]\s")
    position = pl.col("position")
    body = (words >= BODY_MIN_WORDS) & text.str.contains(SENTENCE_END)
    after_body = body.any().over("document_id") & (position > position.filter(body).max().over("document_id"))
    # Speech ("- Біз бұл туралы …") and numbered lists are the article's; a lone short line after
    # the body is a heading or a fragment, a footer comes as two lines or more.
    trailing = (
        short
        & after_body
        & ~text.str.contains(SENTENCE_END)
        & ~text.str.contains(SIGN_OFF)
        & ~text.str.contains(r"^(?:[-–—]|\d+[.)]\s)")
    )
    trailing_run = (trailing != trailing.shift(1)).fill_null(True).cum_sum().over("document_id")
    footer = trailing & (pl.len().over("document_id", trailing_run) >= FOOTER_MIN_LINES)
    bullet_date = text.str.contains(BULLET_DATE)
    excerpt = text.str.contains(EXCERPT_END)
    # A teaser: title, excerpt, bullet date; or an excerpt or title whose next line is its date.
    next_date = bullet_date.shift(-1).over("document_id").fill_null(False)
    next_excerpt_dated = (excerpt & next_date).shift(-1).over("document_id").fill_null(False)
    teaser = (
        bullet_date
        | (excerpt & next_date)
        | next_excerpt_dated
        | (short & next_date)
        | (short & text.str.contains(whole_line(TEASER_HEADINGS)))
    )
    # Runs of short labels: the length of the run each label belongs to.
    run_id = (label != label.shift(1)).fill_null(True).cum_sum().over("document_id")
    in_label_run = label & (pl.len().over("document_id", run_id) >= NAV_RUN)
    rules = [
        ("teaser", teaser),
        ("share_subscribe", short & text.str.contains(whole_line(SHARE_WORDS))),
        ("share_subscribe", (words <= 2 * LINE_MAX_WORDS + 10) & matches(text, SHARE_WORDS_SEEN, SHARE_PHRASES)),
        ("cookie", (words <= NOTICE_MAX_WORDS) & matches(text, COOKIE_SEEN, COOKIE_NOTICE)),
        ("legal", short & text.str.contains(whole_line(LEGAL_WORDS))),
        ("legal", (words <= NOTICE_MAX_WORDS // 2) & text.str.contains(LEGAL_NOTICE)),
        ("comments", short & text.str.contains(whole_line(COMMENT_WORDS))),
        ("comments", short & matches(text, COMMENTS_SEEN, COMMENT_COUNT)),
        ("navigation", short & text.str.contains(TAXONOMY)),
        ("navigation", text.str.contains(LINK_BAR)),
        ("caption", short & text.str.contains(CAPTION)),
        ("navigation", short & text.str.contains(whole_line(NAV_WORDS))),
        ("navigation", text.str.contains(NO_LETTERS)),
        ("navigation", in_label_run),
        ("footer", footer),
    ]
    hint = pl.when(rules[0][1]).then(pl.lit(rules[0][0]))
    for reason, condition in rules[1:]:
        hint = hint.when(condition).then(pl.lit(reason))
    hinted = paragraphs.sort("document_id", "position").with_columns(boilerplate_hint=hint.otherwise(None))
    return keep_one_paragraph(hinted)


def keep_one_paragraph(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Clear the hint of the longest paragraph of a document whose every paragraph has one."""
    all_hinted = pl.col("boilerplate_hint").is_not_null().all().over("document_id")
    by_length = pl.col("position").sort_by([pl.col("text").str.len_chars(), "position"], descending=[True, False])
    longest = pl.col("position") == by_length.first().over("document_id")
    return paragraphs.with_columns(
        boilerplate_hint=pl.when(all_hinted & longest).then(None).otherwise(pl.col("boilerplate_hint"))
    )
