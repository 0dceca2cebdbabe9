"""Which files are articles: --include and --exclude globs against names, or paths when they hold a /."""

from pathlib import Path

import pytest

from flows.settings import Settings, SettingsError
from tasks.discover import list_files
from tasks.file_selection import FileSelection


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        ("a.txt", True),
        ("2024/05/b.TXT", True),  # case is ignored
        ("docs.jsonl", False),
        ("export.csv", False),
        ("README", False),
        ("notes.txt.bak", False),
    ],
)
def test_by_default_only_txt_files_are_articles(path: str, selected: bool) -> None:
    assert FileSelection().selects(path) is selected


def test_exclude_wins_and_a_pattern_with_a_slash_matches_the_path() -> None:
    selection = FileSelection(include=("*.txt", "*.md"), exclude=("drafts/*", "*-old.txt"))
    assert selection.selects("2024/a.md")
    assert not selection.selects("drafts/a.txt")
    assert not selection.selects("2024/a-old.txt")
    assert selection.why_skipped("drafts/a.txt") == "matched by --exclude 'drafts/*'"
    assert selection.why_skipped("docs.jsonl") == "not matched by --include '*.txt' '*.md'"


def test_skipped_files_are_listed_apart_and_folder_problems_stay(articles: Path) -> None:
    (articles / "docs.jsonl").write_text('{"id": 1, "text": "Ein Artikel"}\n', encoding="utf-8")
    (articles / "loop").symlink_to(articles)
    skipped: list[str] = []

    found = list_files(articles, selection=FileSelection(), skipped=skipped)

    assert skipped == ["docs.jsonl"]
    assert "docs.jsonl" not in found["source_path"].to_list()
    assert found.filter(found["source_path"] == "loop")["problem"].item().startswith("symlink loop")


def test_settings_take_flags_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFLOW_INCLUDE", "*.txt, *.md")
    monkeypatch.setenv("NEWSFLOW_EXCLUDE", "drafts/*")
    assert Settings.load().selection == FileSelection(include=("*.txt", "*.md"), exclude=("drafts/*",))
    assert Settings.load(include=["*"], exclude=[]).selection == FileSelection(include=("*",), exclude=("drafts/*",))
    monkeypatch.setenv("NEWSFLOW_INCLUDE", " , ")
    with pytest.raises(SettingsError, match="NEWSFLOW_INCLUDE"):
        Settings.load()
