import os
from pathlib import Path

import polars as pl
import pytest

from tasks.discover import KNOWN_SCHEMA, SourceFolderError, list_files, plan_reads

NOTHING_KNOWN = pl.DataFrame(schema=KNOWN_SCHEMA)


def known_from(found: pl.DataFrame, status: str = "loaded") -> pl.DataFrame:
    return found.with_columns(content_hash=pl.lit("h"), status=pl.lit(status)).cast(KNOWN_SCHEMA)


def test_lists_files_recursively_with_relative_paths_and_skips_hidden(articles: Path) -> None:
    (articles / "2024" / "05").mkdir(parents=True)
    (articles / "2024" / "05" / "late.txt").write_text("Spät", encoding="utf-8")
    (articles / ".DS_Store").write_bytes(b"\0")
    (articles / ".git").mkdir()
    (articles / ".git" / "HEAD").write_text("ref", encoding="utf-8")

    found = list_files(articles)

    assert found["source_path"].to_list() == sorted([p.name for p in articles.glob("0*.txt")] + ["2024/05/late.txt"])
    assert found.filter(pl.col("source_path") == "2024/05/late.txt")["size_bytes"].item() == len("Spät".encode())


def test_missing_folder_names_the_folder_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(SourceFolderError, match=r"nowhere: no such folder; pass --source"):
        list_files(tmp_path / "nowhere")


def test_first_run_reads_everything(articles: Path) -> None:
    plan, deleted = plan_reads(list_files(articles), NOTHING_KNOWN)
    assert plan["action"].to_list() == ["read"] * 5
    assert deleted.is_empty()


def test_unchanged_files_are_skipped_and_touched_or_grown_files_read(articles: Path) -> None:
    known = known_from(list_files(articles))
    names = sorted(p.name for p in articles.iterdir())
    stat = (articles / names[0]).stat()
    os.utime(articles / names[0], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with (articles / names[1]).open("a", encoding="utf-8") as f:
        f.write("\nNeuer Absatz.")

    plan, deleted = plan_reads(list_files(articles), known)

    actions = dict(plan.select("source_path", "action").iter_rows())
    assert actions == {names[0]: "read", names[1]: "read", names[2]: "skip", names[3]: "skip", names[4]: "skip"}
    assert deleted.is_empty()


def test_gone_files_are_deleted_once_and_a_file_that_returns_is_read_again(articles: Path) -> None:
    found = list_files(articles)
    gone = found["source_path"][0]
    (articles / gone).unlink()

    plan, deleted = plan_reads(list_files(articles), known_from(found))
    assert deleted["source_path"].to_list() == [gone]
    assert gone not in plan["source_path"].to_list()

    known = known_from(found).with_columns(
        status=pl.when(pl.col("source_path") == gone).then(pl.lit("deleted")).otherwise(pl.col("status"))
    )
    (articles / gone).write_text("zurück", encoding="utf-8")
    plan, deleted = plan_reads(list_files(articles), known)
    returned = plan.filter(pl.col("source_path") == gone)
    assert returned["action"].item() == "read"
    assert returned["content_hash"].item() is None  # so identical bytes are loaded, not "unchanged"
    assert deleted.is_empty()
