"""The words and patterns of the boilerplate rules (tasks/boilerplate.py), in the languages of our corpora
(de, fr, en, ru, kk, es): what each kind of site chrome says, as regular expressions for Polars (Rust's
regex engine)."""

from __future__ import annotations

import polars as pl

# Chinese and Japanese put no spaces between words: a whole sentence counts as one "word".
CJK = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"
SENTENCE_END = r"[.!?:;…\"»“”)]$"
# A full stop, question or exclamation, before closing quotes or brackets: a line that ends a sentence.
FULL_STOP = r"[.!?…][\"'»“”)]*$"
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


# Headings of a box of other stories in other words than TEASER_HEADINGS: "Weitere Beiträge zu diesem
# Artikel", "Empfehlungen aus der Redaktion", "More stories you may have missed"; or a teaser's own
# label before its title: "Auch lesen: Diese fünf Gärten …".
TEASER_PHRASES = (
    r"(?i)^\W*(?:weitere|mehr|andere|ähnliche|aktuelle|neueste|neue|beliebte|empfohlene|verwandte)\s(?:\p{L}+\s){0,2}"
    r"(?:beiträge|artikel|berichte|news|nachrichten|meldungen|themen|videos|stories|storys|geschichten|inhalte|posts)"
    r"|empfehlungen (?:der|aus der) redaktion|auch interessant|dazu passend"
    r"|^\W*(?:auch lesen|lesen sie auch|lies auch|siehe auch|see also|read also|also read|lire aussi|voir aussi"
    r"|lee también|lea también|veja também|читайте также|смотрите также|тағы оқыңыз)\s*:"
    r"|^\W*(?:more|latest|top|related|recommended|popular|trending|other)\s(?:\p{L}+\s){0,2}"
    r"(?:stories|articles|news|posts|videos|reads)|headline news|you may have missed|don't miss|editor's picks"
    r"|articles? (?:récents|similaires|liés|populaires)|à lire (?:aussi|également)|dans la même rubrique"
    r"|^\W*(?:más|otras|últimas) (?:noticias|artículos)|noticias relacionadas|te puede interesar"
    r"|^\W*(?:другие|ещё|еще|последние|популярные|похожие) (?:новости|материалы|статьи)|материалы по теме"
    r"|басқа жаңалықтар|соңғы жаңалықтар"
)
# Of those, the headings of a box of stories related to this one, which sits below the article (boxes
# of the latest or most read stories sit anywhere, beside the article too).
RELATED_HEADING = (
    r"(?i)^\W*(?:ähnliche|verwandte|weitere|empfohlene|related|recommended|more|similar)\s"
    r"(?:beiträge|artikel|themen|nachrichten|meldungen|stories|posts|articles|news)\W*$"
    r"|^\W*(?:más|otras) noticias|^\W*(?:другие|похожие) новости|^\W*(?:autres|plus d') articles"
)


def within(condition: pl.Expr, text: pl.Expr) -> pl.Expr:
    """`text` where `condition` holds, else "": a pattern then reads only those lines, and `condition & <pattern
    on it>` is `condition & <pattern on text>`. Not null: Polars' regexes read the string behind a null too."""
    return pl.when(condition).then(text).otherwise(pl.lit(""))


def whole_line(words: str) -> str:
    """A case-insensitive pattern for a line that is one of `words`, give or take a trailing colon."""
    return rf"(?i)^\W*(?:{words})\s*[:.!»›>|]*$"


# A bar of share buttons flattened into one line: "Teilen Twittern Email", "Zum Rezept Drucken Pinnen".
SHARE_BUTTONS = (
    "teilen|twittern|tweet|senden|drucken|pinnen|mailen|e-mail|email|mail|facebook|twitter|whatsapp|telegram|linkedin"
    "|xing|pinterest|reddit|flipboard|messenger|share|print|partager|imprimer|compartir|imprimir|поделиться|вконтакте"
    "|одноклассники|бөлісу|link kopieren|copy link|zum rezept"
)
SHARE_BAR = rf"(?i)^\W*(?:(?:{SHARE_BUTTONS})\W*){{2,}}$"
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
# "© 2024 …", "Copyright …": not "Copyrightbeschwerden gegen Videomacher …", a headline.
LEGAL_NOTICE = (
    r"(?i)^(?:©|\(c\)|copyright(?:[\s:©]|$))|creative commons|alle rechte vorbehalten|all rights reserved"
    r"|tous droits réservés"
    r"|todos los derechos reservados|все права защищены|барлық құқықтар қорғалған"
    r"|использование материалов.{0,40}разрешено"
)
# Labels of the page around the article: "Kategorie: …", "Tags: …", "Foto: …", "71 Kommentare".
TAXONOMY = (
    r"(?i)^(?:kategorie|kategorien|category|categories|etiquetas|tags|schlagwörter|schlagworte|stichworte"
    r"|veröffentlicht in|filed under|posted in|markiert mit|themen|рубрика|теги|метки|тегтер"
    # The page's labels of the article: when it was published, where the reader is, its picture.
    r"|publiziert|veröffentlicht|aktualisiert|published|updated|last updated|posted|publié|mis à jour|publicado"
    r"|actualizado|опубликовано|обновлено|жарияланды|getaggt mit|tagged|tagged with|thema|beitragsbild|titelbild"
    r"|you are here|sie sind hier|du bist hier|vous êtes ici|usted está aquí|вы здесь|bewerten)\s*:"
)
CAPTION = (
    r"(?i)^\W*(?:foto|fotos|photo|bild|bilder|image|imagen|quelle|grafik|фото|сурет)\s*:"
    r"|(?:foto|photo|imagen|фото)\s*:\s*[^.]{1,60}\)?$"
)
# The credit of a picture inside its caption: "Stau auf der A1 © Max Muster / Bildagentur", "… (REUTERS/Juan Pérez)",
# "Photo by Jane Roe on Unsplash", "Bild: AFP/SID/ERIKA MUSTER". A news sentence rarely carries one, and a
# caption ends with the credit, not with a full stop.
PICTURE_CREDIT = (
    r"(?i)©|\(c\)\s|photo(?:graph)?(?:ed)? by|(?:foto|fotos|photo|bild|image|imagen|crédito|credit|фото)\s*:"
    r"|getty ?images|(?:reuters|keystone|imago|afp|dpa|epa|ap|sda|tass|ria)\s*/\s*\p{Lu}|unsplash|shutterstock|istock"
    r"|picture[- ]alliance|imago images"
)
# The heading of a note on the author: "Über den Autor". (The note itself, "Jane Doe is a reporter at …",
# reads as news about a reporter would.)
AUTHOR_NOTE = (
    r"(?i)^\W*(?:about the author|über den autor|über die autorin|zum autor|zur autorin|à propos de l'auteur"
    r"|sobre el autor|об авторе|автор туралы)\W*$"
)
COMMENT_COUNT = (
    r"(?i)^(?:\d+|keine|no)\s+(?:kommentare?|comments?|comentarios?|commentaires?|комментари\w*|пікір)"
    r"|^\d+\s+gedanken zu|kommentarfunktion ist (?:geschlossen|deaktiviert)|comments are closed"
)
# A menu flattened into one line: "Invision | Kostenloses Hilfe-Forum | Kontakt | Einen Missbrauch melden".
LINK_BAR = r"^[^|]{1,40}(?:\s\|\s[^|]{1,40}){2,}$"
# A breadcrumb: "Startseite>Panorama>Welt>Sturm über Norddeutschland", "Start|Magazin|Coole Tipps".
BREADCRUMB = r"^[^|>›]{1,40}(?:\s?[|>›]\s?[^|>›]{1,40}){2,}$"
# A teaser's excerpt is cut mid-sentence: "… обес ..." / "… за ..."; its date is a line of its own.
EXCERPT_END = r"(?:\s\.\.\.|…|\s\.\.)\s*$"
BULLET_DATE = r"^[•·▪◦\-–—]?\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}(?:,?\s+\d{1,2}:\d{2})?$"
NO_LETTERS = r"^[^\p{L}]{0,12}$"
# The page asks the reader to do something: subscribe, sign up, donate, rate the page, comment, download
# the app; or says the lines are an advertisement. In the second person or the imperative, which news
# reports rarely use.
CALL_TO_ACTION = (
    r"(?i)subscribe (?:to|now|for|today)|^subscribe|sign up|join us|donate (?:now|today|to)|make a donation|support us"
    r"|download (?:the|our)|thank you for (?:reading|your support)|was this (?:article|page|post) helpful"
    r"|your email address will not be published|required fields are marked|save my name|affiliate|click here"
    r"|melde dich|melden sie sich|jetzt anmelden|jetzt registrieren|registrieren sie sich|registriere dich"
    r"|jetzt spenden|spenden sie|spende jetzt|mit (?:ihrer|deiner|einer) spende|unterstützen sie (?:uns|unser)"
    r"|unterstütze (?:uns|unser)|werde teil|hier klicken|(?:artikel|beitrag|text|seite) hilfreich"
    r"|als hilfreich bewerten"
    r"|was denkst du|was meinen sie|(?:ihre|deine) meinung (?:ist gefragt|zählt|interessiert)"
    r"|adresse wird nicht veröffentlicht|erforderliche felder|pflichtfeld|meinen namen, e-mail|antwort abbrechen"
    r"|noch keine kommentare|kommentar verfassen|deinen kommentar"
    r"|abonnez|inscrivez|faites un don|soutenez|téléchargez|ne sera pas publiée|champs obligatoires"
    r"|cliquez ici|laisser un commentaire"
    r"|suscríbete|regístrate|apóyanos|descarga la (?:app|aplicación)|no será publicada|campos obligatorios|haz clic"
    r"|deja un comentario"
    r"|подпишитесь|подписывайтесь|зарегистрируйтесь|поддержите нас|пожертвуйте|скачайте|не будет опубликован"
    r"|обязательные поля|нажмите|оставить комментарий|оставьте комментарий|нашли ошибку|ctrl\s*\+\s*enter"
    r"|жазылыңыз|тіркеліңіз|қолдау көрсетіңіз|пікір қалдырыңыз|қатені байқасаңыз|қате байқасаңыз"
    r"|folgen sie uns|folge uns|teile diesen|teilen sie diesen|bei pinterest|bleiben sie auf dem laufenden"
    r"|bleib auf dem laufenden|stay (?:up to date|informed|tuned)|gefällt (?:dir|ihnen) unser"
    r"|bezahlschranke|paywall|lade weitere|load more|mehr laden|загрузить ещё|показать ещё"
    r"|suggested citation|zitiervorschlag|cite this (?:article|page)|autor dieses (?:artikels|beitrags)"
    r"|author of this (?:article|post)|diese form des journalismus|never miss|don't forget to|schon registriert"
    r"|hier einloggen|log in to|pour lire la suite|(?:kostenlos|gratis) abonnieren|mit anderen teilen"
    r"|amazon associate|leave us a|los invitamos|kommentieren sie hier|wir schalten keine werbung"
    r"|loggen sie sich|logge dich|registrieren und weiterlesen|folge mir|follow me|suivez-moi|sígueme"
    # "Anzeige", "Werbung: …": the label of an advertisement, alone or before its text.
    r"|^\W*(?:anzeige|werbung|advertisement|sponsored|publicité|publicidad|реклама|жарнама)\s*(?:$|[-–:,|])"
)


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
# Words that speak to the reader or of "us" (the site, its authors): a feature of the boilerplate model
# (tasks/boilerplate_model.py), not a rule: news quotes people who say "we" and "you" too.
READER_WORDS = (
    r"(?i)\b(?:you|your|we|our|us|du|dich|dir|dein|deine|ihr|euch|euer|wir|uns|unser|unsere|vous|votre|nous|notre"
    r"|usted|nosotros|nuestro|вы|вас|ваш|мы|наш|сіз|біз)\b"
)
