import os
from pathlib import Path

import polars as pl
import pytest

from tasks.discover import KNOWN_SCHEMA, SourceFolderError, list_files, plan_batches, plan_reads

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


def problems(folder: Path) -> dict[str, str | None]:
    return dict(list_files(folder).select("source_path", "problem").iter_rows())


def test_what_cannot_be_read_as_a_file_is_listed_with_its_problem(articles: Path) -> None:
    (articles / "broken.txt").symlink_to(articles / "missing.txt")
    (articles / "loop-a.txt").symlink_to(articles / "loop-b.txt")
    (articles / "loop-b.txt").symlink_to(articles / "loop-a.txt")
    os.mkfifo(articles / "pipe.txt")
    (articles / "linked.txt").symlink_to(articles / "000_6385d62184bc5cf8.txt")

    found = problems(articles)

    assert found["broken.txt"] == f"broken symlink: its target {articles / 'missing.txt'} does not exist"
    loop = "symlink loop: the link points back to itself through other links"
    assert found["loop-a.txt"] == found["loop-b.txt"] == loop
    assert found["pipe.txt"] == "not a regular file: a FIFO"
    assert found["linked.txt"] is None  # a symlink to a file is followed and read
    assert len(found) == 5 + 5


def test_a_folder_symlink_back_to_an_ancestor_is_listed_once_and_flagged(articles: Path) -> None:
    (articles / "sub").mkdir()
    (articles / "sub" / "inner.txt").write_text("Innen", encoding="utf-8")
    (articles / "sub" / "up").symlink_to(articles)
    (articles / "mirror").symlink_to(articles / "sub")

    found = problems(articles)

    assert found["sub/inner.txt"] is None
    assert found["sub/up"] == "symlink loop: this folder is already listed as .; its files are read there"
    assert found["mirror"] == "symlink loop: this folder is already listed as sub; its files are read there"
    assert not [path for path in found if path.startswith(("sub/up/", "mirror/"))]


def test_names_that_are_not_utf8_or_hold_a_backslash_are_listed_under_keys_of_their_own(articles: Path) -> None:
    (articles / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"Kaffee")  # Latin-1
    (articles / "caf\\xe9.txt").write_bytes(b"Kaffee")  # the eleven characters the old escaping gave the name above
    (articles / os.fsdecode(b"\xcd\xee\xe2\xee\xf1\xf2\xe8")).mkdir()  # "Новости" in windows-1251
    (articles / os.fsdecode(b"\xcd\xee\xe2\xee\xf1\xf2\xe8/1.txt")).write_bytes(b"Text")

    found = problems(articles)

    assert {key: problem for key, problem in found.items() if "\\" in key} == {
        "caf\\351.txt": None,
        "caf\\\\xe9.txt": None,
        "\\315\\356\\342\\356\\361\\362\\350/1.txt": None,
    }


def test_a_fixed_problem_is_read_again(articles: Path) -> None:
    (articles / "late.txt").symlink_to(articles / "missing.txt")
    known = list_files(articles).with_columns(content_hash=pl.lit(None), status=pl.lit("quarantined"))
    plan, _ = plan_reads(list_files(articles), known.cast(KNOWN_SCHEMA))
    assert plan.filter(pl.col("source_path") == "late.txt")["action"].item() == "skip"

    (articles / "missing.txt").write_text("Jetzt da", encoding="utf-8")
    plan, _ = plan_reads(list_files(articles), known.cast(KNOWN_SCHEMA))
    assert plan.filter(pl.col("source_path") == "late.txt")["action"].item() == "read"


def test_batches_are_bounded_by_files_and_by_bytes() -> None:
    plan = pl.DataFrame({"source_path": list("abcdef"), "size_bytes": [10, 10, 500, 10, 10, 10]})
    batches = plan_batches(plan, max_files=3, max_bytes=100)
    assert [b["source_path"].to_list() for b in batches] == [["a", "b"], ["c"], ["d", "e", "f"]]


def outside_folder(tmp_path: Path) -> Path:
    """A folder beside the source folder, with a file that must not be read through a symlink."""
    outside = (tmp_path / "outside").resolve()  # the reason names where the link really leads
    (outside / "private").mkdir(parents=True)
    (outside / "secret.txt").write_text("Nicht für die Zeitung.", encoding="utf-8")
    (outside / "private" / "notes.txt").write_text("Auch nicht.", encoding="utf-8")
    return outside


def test_symlinks_that_leave_the_source_folder_are_not_followed(articles: Path, tmp_path: Path) -> None:
    outside = outside_folder(tmp_path)
    (articles / "secret.txt").symlink_to(outside / "secret.txt")
    (articles / "private").symlink_to(outside / "private")
    (articles / "relative.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    (articles / "hop.txt").symlink_to(articles / "relative.txt")  # inside, to a link that leaves
    (articles / "inside.txt").symlink_to(articles / "000_6385d62184bc5cf8.txt")

    found = problems(articles)

    reason = "outside the source folder: the symlink leads to {}; set NEWSFLOW_FOLLOW_SYMLINKS_OUTSIDE=1 to follow it"
    assert found["secret.txt"] == found["relative.txt"] == found["hop.txt"] == reason.format(outside / "secret.txt")
    assert found["private"] == reason.format(outside / "private")
    assert not [path for path in found if path.startswith("private/")]
    assert found["inside.txt"] is None  # a symlink inside the folder is read as before
    assert len(found) == 5 + 5


def test_following_symlinks_outside_is_a_choice(articles: Path, tmp_path: Path) -> None:
    outside = outside_folder(tmp_path)
    (articles / "secret.txt").symlink_to(outside / "secret.txt")
    (articles / "private").symlink_to(outside / "private")

    found = list_files(articles, follow_symlinks_outside=True)

    followed = found.filter(pl.col("source_path").is_in(["secret.txt", "private/notes.txt"]))
    assert followed["problem"].to_list() == [None, None]
    assert followed["size_bytes"].to_list() == [len("Nicht für die Zeitung.".encode()), len(b"Auch nicht.")]


def test_a_symlink_target_that_is_not_utf8_is_named_escaped(articles: Path, tmp_path: Path) -> None:
    (articles / "broken.txt").symlink_to(tmp_path / os.fsdecode(b"gel\xf6scht.txt"))  # "gelöscht" in Latin-1

    assert problems(articles)["broken.txt"] == f"broken symlink: its target {tmp_path}/gel\\366scht.txt does not exist"
