import unicodedata
from pathlib import Path

import polars as pl
import pytest

from tasks.decode import QuarantineError, content_hash, decode_files, decode_text, document_id
from tasks.discover import KNOWN_SCHEMA, list_files, plan_reads
from tests.corpus import GERMAN_SEED, SEEDS


def test_utf8_with_and_without_bom_decode_to_the_same_text() -> None:
    raw = (SEEDS / GERMAN_SEED).read_bytes()
    plain, plain_encoding = decode_text(raw)
    bom, bom_encoding = decode_text(b"\xef\xbb\xbf" + raw)
    assert plain == bom
    assert (plain_encoding, bom_encoding) == ("utf-8", "utf-8-sig")
    assert not bom.startswith("\ufeff")


def test_crlf_and_cr_line_endings_become_lf() -> None:
    raw = (SEEDS / GERMAN_SEED).read_bytes()
    lf, _ = decode_text(raw)
    assert decode_text(raw.replace(b"\n", b"\r\n"))[0] == lf
    assert decode_text(raw.replace(b"\n", b"\r"))[0] == lf


def test_text_is_composed_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Bevollmächtigten Қазақстан Ёлка")
    text, _ = decode_text(decomposed.encode("utf-8"))
    assert text == "Bevollmächtigten Қазақстан Ёлка"
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("Größe".encode("cp1252"), "not UTF-8: byte 0xf6 at offset 2 cannot be decoded"),
        ("Привет".encode("koi8-r"), "not UTF-8: byte 0xf0 at offset 0 cannot be decoded"),
        (b"", "empty: the file has no text"),
        (b" \n\r\n\t ", "empty: the file has no text"),
    ],
)
def test_undecodable_and_empty_input_is_quarantined_with_its_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(QuarantineError) as caught:
        decode_text(raw)
    assert str(caught.value) == reason


def test_decode_files_accounts_for_every_file(articles: Path) -> None:
    (articles / "legacy.txt").write_bytes("Größe".encode("cp1252"))
    plan, _ = plan_reads(list_files(articles), pl.DataFrame(schema=KNOWN_SCHEMA))

    outcomes = decode_files(plan, articles)

    assert outcomes.height == plan.height == 6
    statuses = dict(outcomes.select("source_path", "status").iter_rows())
    assert statuses.pop("legacy.txt") == "quarantined"
    assert set(statuses.values()) == {"loaded"}
    german = outcomes.filter(pl.col("source_path") == GERMAN_SEED).row(0, named=True)
    raw = (articles / GERMAN_SEED).read_bytes()
    assert german["content_hash"] == content_hash(raw)
    assert german["document_id"] == document_id(str(articles), GERMAN_SEED, content_hash(raw))
    assert german["text"] == raw.decode("utf-8")


def test_same_bytes_as_last_time_are_unchanged_not_reloaded(articles: Path) -> None:
    found = list_files(articles)
    known_hash = content_hash((articles / GERMAN_SEED).read_bytes())
    plan = found.filter(pl.col("source_path") == GERMAN_SEED).with_columns(content_hash=pl.lit(known_hash))
    assert decode_files(plan, articles)["status"].to_list() == ["unchanged"]


def test_a_copy_under_another_name_is_another_document() -> None:
    same = content_hash(b"x")
    assert document_id("/news", "a.txt", same) != document_id("/news", "b.txt", same)
