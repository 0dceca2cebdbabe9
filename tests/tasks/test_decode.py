import re
import shutil
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from tasks.clean_text import PLAIN, REMOVABLE, clean_text, plain, plain_texts
from tasks.decode import content_hash, decode_files, decode_text, document_id
from tasks.discover import KNOWN_SCHEMA, list_files, plan_reads
from tasks.encoding import QuarantineError
from tasks.segment import segment_loaded
from tests.corpus import GERMAN_SEED, SEEDS, SHARED_DATA

MAX_BYTES = 2**20


def plan_for(folder: Path) -> pl.DataFrame:
    return plan_reads(list_files(folder), pl.DataFrame(schema=KNOWN_SCHEMA))[0]


def test_utf8_with_and_without_bom_decode_to_the_same_text() -> None:
    raw = (SEEDS / GERMAN_SEED).read_bytes()
    plain, plain_encoding, _ = decode_text(raw)
    bom, bom_encoding, _ = decode_text(b"\xef\xbb\xbf" + raw)
    assert plain == bom
    assert (plain_encoding, bom_encoding) == ("utf-8", "utf-8-sig")
    assert not bom.startswith("\ufeff")


def test_crlf_cr_and_mixed_line_endings_become_lf() -> None:
    raw = (SEEDS / GERMAN_SEED).read_bytes()
    lf, _, _ = decode_text(raw)
    assert decode_text(raw.replace(b"\n", b"\r\n"))[0] == lf
    assert decode_text(raw.replace(b"\n", b"\r"))[0] == lf
    mixed = b"".join(line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(raw.split(b"\n")))
    assert decode_text(mixed)[0].rstrip("\n") == lf.rstrip("\n")


def test_text_is_composed_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Bevollmächtigten Қазақстан Ёлка")
    text, _, _ = decode_text(decomposed.encode("utf-8"))
    assert text == "Bevollmächtigten Қазақстан Ёлка"
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty: the file has 0 bytes"),
        (b" \n\r\n\t ", "empty: the file holds only whitespace"),
        ("\u200b\n\ufeff\u00ad \x07".encode(), "empty: the file holds only whitespace and invisible or control"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary: NUL byte at offset 8; content looks like image/png"),
        (b"Nachricht\x00 mit NUL", "binary: NUL byte at offset 9"),
        ("Zeile mit \ufffd darin".encode(), "damaged: 1 U+FFFD replacement character(s), the first on line 1"),
        (bytes(range(1, 9)) * 20 + b"text", "binary: 160 control characters in 164 characters"),
    ],
)
def test_what_is_not_text_is_quarantined_with_its_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(QuarantineError) as caught:
        decode_text(raw)
    assert str(caught.value).startswith(reason)


def test_control_and_invisible_characters_are_removed_and_recorded() -> None:
    text, _, repairs = decode_text("Wahl\u00adergebnis\x07 liegt\u200b vor\x1b.".encode())
    assert text == "Wahlergebnis liegt vor."
    assert repairs == "2 control character(s) removed; 2 invisible character(s) removed"


def test_bidirectional_formatting_characters_are_removed_and_recorded() -> None:
    # "Trojan Source": shown as "Der Preis stieg um 10%.", stored with the digits the other way round.
    raw = "Der Preis stieg um \u202e%01\u202c. \u2066Минск\u2069 und \u200fАстана\u200e.".encode()
    text, _, repairs = decode_text(raw)
    assert text == "Der Preis stieg um %01. Минск und Астана."
    assert repairs == "6 bidirectional formatting character(s) removed"


def test_unicode_line_and_paragraph_separators_split_paragraphs_like_a_newline(articles: Path) -> None:
    (articles / "separators.txt").write_text(
        "Erste Zeile.\u2028Zweite Zeile.\u2029Dritte Zeile.\nVierte Zeile.", encoding="utf-8"
    )
    plan = plan_for(articles).filter(pl.col("source_path") == "separators.txt")

    outcomes = decode_files(plan, articles, MAX_BYTES)
    _, paragraphs, _ = segment_loaded(outcomes, 1000)

    assert outcomes["repairs"].to_list() == [None]  # a line break written another way is not damage
    assert paragraphs["text"].to_list() == ["Erste Zeile.", "Zweite Zeile.", "Dritte Zeile.", "Vierte Zeile."]


def test_clean_text_needs_no_repairs_recorded() -> None:
    assert decode_text((SEEDS / GERMAN_SEED).read_bytes())[2] is None


def test_a_plain_text_has_nothing_to_clean() -> None:
    # clean_text skips its scans on plain text: no pair of its characters may be changed by NFC, removed,
    # or be a line break written another way.
    assert all(unicodedata.is_normalized("NFC", a + b) for a in PLAIN for b in PLAIN)
    assert not REMOVABLE.search(PLAIN) and not set("\r\u2028\u2029") & set(PLAIN)
    pairs = "\n".join(a + b for a in PLAIN for b in PLAIN if plain(a + b))  # all but the suspect pairs
    assert clean_text(pairs, is_plain=True) == clean_text(pairs, is_plain=False)


@pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent: the shared corpora sit beside the repository in CI"
)
def test_plain_texts_finds_in_one_scan_what_plain_finds_text_by_text() -> None:
    # Real text of every kind: legacy encodings read as UTF-8 would be, mojibake cases, Kazakh, web pages.
    lines = [
        line
        for path in sorted(SHARED_DATA.glob("*/**/*.txt"))
        for line in path.read_bytes().decode("utf-8", errors="replace").split("\n")
    ]
    found = plain_texts(lines)
    assert found == [plain(line) for line in lines]
    assert 0.2 * len(lines) < sum(found) < 0.95 * len(lines)


def test_decode_files_accounts_for_every_file(articles: Path) -> None:
    (articles / "empty.txt").write_bytes(b"")
    (articles / "legacy.txt").write_bytes("Größe und Maß: Die Straße wird gesperrt.".encode("cp1252"))
    plan = plan_for(articles)

    outcomes = decode_files(plan, articles, MAX_BYTES)

    assert outcomes.height == plan.height == 7
    statuses = dict(outcomes.select("source_path", "status").iter_rows())
    assert statuses.pop("empty.txt") == "quarantined"
    assert set(statuses.values()) == {"loaded"}
    legacy = outcomes.filter(pl.col("source_path") == "legacy.txt").row(0, named=True)
    assert (legacy["encoding"], legacy["text"]) == ("cp1252", "Größe und Maß: Die Straße wird gesperrt.")
    german = outcomes.filter(pl.col("source_path") == GERMAN_SEED).row(0, named=True)
    raw = (articles / GERMAN_SEED).read_bytes()
    assert german["content_hash"] == content_hash(raw)
    assert german["document_id"] == document_id(str(articles), GERMAN_SEED, content_hash(raw))
    assert german["text"] == raw.decode("utf-8")


def test_a_file_over_the_size_limit_is_quarantined_unread(articles: Path) -> None:
    plan = plan_for(articles).filter(pl.col("source_path") == GERMAN_SEED)
    size = plan["size_bytes"][0]
    outcome = decode_files(plan, articles, size - 1).row(0, named=True)
    assert outcome["status"] == "quarantined"
    assert outcome["reason"].startswith(f"too large: over NEWSFLOW_FILE_MAX_BYTES={size - 1}")
    assert outcome["content_hash"] is None  # not read
    assert decode_files(plan, articles, size)["status"].to_list() == ["loaded"]


def test_a_file_that_grew_past_the_limit_after_listing_is_quarantined(articles: Path) -> None:
    plan = plan_for(articles).filter(pl.col("source_path") == GERMAN_SEED)
    limit = plan["size_bytes"][0]
    (articles / GERMAN_SEED).write_bytes(b"x" * (limit + 100))
    outcome = decode_files(plan, articles, limit).row(0, named=True)
    assert outcome["reason"].startswith(f"too large: over NEWSFLOW_FILE_MAX_BYTES={limit} ({limit + 1} bytes or more)")


def test_vanished_and_unreadable_files_are_quarantined(articles: Path) -> None:
    plan = plan_for(articles)
    (articles / GERMAN_SEED).unlink()
    target = articles / "003_9331103ed73a230b.txt"
    target.unlink()
    target.mkdir()  # replaced by a folder between listing and reading: cannot be read as a file
    reasons = dict(decode_files(plan, articles, MAX_BYTES).select("source_path", "reason").iter_rows())
    assert reasons[GERMAN_SEED] == "vanished: the file was deleted or moved after the run listed it"
    assert reasons[target.name] == "unreadable: Is a directory"


def test_same_bytes_as_last_time_are_unchanged_not_reloaded(articles: Path) -> None:
    found = list_files(articles)
    known_hash = content_hash((articles / GERMAN_SEED).read_bytes())
    plan = found.filter(pl.col("source_path") == GERMAN_SEED).with_columns(content_hash=pl.lit(known_hash))
    assert decode_files(plan, articles, MAX_BYTES)["status"].to_list() == ["unchanged"]


def test_a_copy_under_another_name_is_another_document() -> None:
    same = content_hash(b"x")
    assert document_id("/news", "a.txt", same) != document_id("/news", "b.txt", same)


WEB_PAGES = SHARED_DATA / "web-boilerplate-trafilatura" / "txt"
BIDI_OR_SEPARATOR = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@pytest.mark.skipif(
    not WEB_PAGES.is_dir(), reason=f"{WEB_PAGES} is absent: the shared corpora sit beside the repository in CI"
)
def test_real_web_pages_lose_their_bidirectional_formatting_and_split_at_unicode_separators(tmp_path: Path) -> None:
    # 11 of the 949 pages hold some: marks around names and numbers, isolates, line separators.
    folder = tmp_path / "pages"
    folder.mkdir()
    marked = {}
    for page in sorted(WEB_PAGES.glob("*.txt")):
        found = BIDI_OR_SEPARATOR.findall(page.read_text(encoding="utf-8"))
        if found:
            shutil.copy(page, folder / page.name)
            marked[page.name] = found
    assert len(marked) >= 10

    outcomes = decode_files(plan_for(folder), folder, MAX_BYTES)

    assert outcomes["status"].unique().to_list() == ["loaded"]
    for name, text, repairs in outcomes.select("source_path", "text", "repairs").iter_rows():
        assert not BIDI_OR_SEPARATOR.search(text), name
        bidi = sum(char not in "\u2028\u2029" for char in marked[name])
        assert (f"{bidi} bidirectional formatting character(s) removed" in (repairs or "")) == bool(bidi), name
        separators = len(marked[name]) - bidi
        line_breaks = (folder / name).read_text(encoding="utf-8").count("\n")  # CR and CRLF read as LF
        assert text.count("\n") == line_breaks + separators, name
