"""File-name keys: readable, one per name, and mapping back to the exact bytes on disk."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.source_path import path_bytes, path_key

# Hypothesis warns when the global `random` state changes while it draws; in a full test session
# the Prefect test server's threads do, in the background.
pytestmark = pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")

# Any bytes a name on Linux can hold (all but NUL, and `/` between folders), mostly ones that need
# an escape: backslashes, bytes that are not UTF-8, controls, bidirectional formatting.
name_bytes = st.lists(
    st.sampled_from([b"a", b"/", b"\\", b"x", b"e9", b"351", b"\xe9", b"\xd0", b"\x9f", b"\n", b"\x1b", b"\xc2\x85",
                     "\u202e".encode(), "ё".encode(), "қ".encode(), b"\\x", b"\\351", b"\\\\"])
    | st.binary(min_size=1, max_size=3).filter(lambda b: b"\0" not in b),
    max_size=12,
).map(b"".join)  # fmt: skip


@settings(max_examples=500, deadline=None, database=None)
@given(name_bytes, name_bytes)
def test_keys_map_back_to_the_bytes_and_never_collide(a: bytes, b: bytes) -> None:
    key_a, key_b = path_key(os.fsdecode(a)), path_key(os.fsdecode(b))
    key_a.encode("utf-8")  # a key is always valid UTF-8: DuckDB stores it as it is
    assert path_bytes(key_a) == a
    assert (key_a == key_b) == (a == b)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("2024/05/Лукашенко-қазақ.txt", "2024/05/Лукашенко-қазақ.txt"),  # valid UTF-8 stays as it reads
        (os.fsdecode(b"caf\xe9.txt"), "caf\\351.txt"),  # as `ls -b` shows it
        ("caf\\xe9.txt", "caf\\\\xe9.txt"),
        # "Новости" (news) in windows-1251
        (os.fsdecode(b"\xcd\xee\xe2\xee\xf1\xf2\xe8/a.txt"), "\\315\\356\\342\\356\\361\\362\\350/a.txt"),
        ("line\nbreak\t.txt", "line\\012break\\011.txt"),
        ("report\u202etxt.exe", "report\\342\\200\\256txt.exe"),  # would show as "reportexe.txt"
    ],
)
def test_keys_read_as_the_name_with_only_what_cannot_be_shown_escaped(name: str, key: str) -> None:
    assert path_key(name) == key
    assert path_bytes(key) == os.fsencode(name)
