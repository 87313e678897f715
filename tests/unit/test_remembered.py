"""The state file: what is kept between runs, its bounds, and files that cannot be used."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pgtail.remembered import HISTORY_LIMIT, SERVER_LIMIT, Remembered, StateFile, state_path


def test_the_path_follows_xdg(tmp_path: Path) -> None:
    assert state_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "pgtail/state.json"
    assert state_path({}) == Path.home() / ".local/state/pgtail/state.json"
    assert state_path({"XDG_STATE_HOME": "rel"}) == Path.home() / ".local/state/pgtail/state.json"


def test_theme_and_history_per_server_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "pgtail" / "state.json"
    StateFile(path).save("app@db:5432/shop", Remembered("nord", ["orders 1", "orders 2"]))
    StateFile(path).save("app@other:5432/x", Remembered("nord", ["jobs x"]))
    shop = StateFile(path).load("app@db:5432/shop")
    assert shop == Remembered("nord", ["orders 1", "orders 2"])
    assert StateFile(path).load("app@other:5432/x").history == ["jobs x"]
    assert StateFile(path).load("nobody@nowhere:1/x") == Remembered("nord", [])
    # A replay (no server) reads the theme only, and saving it keeps every history.
    assert StateFile(path).load(None) == Remembered("nord", [])
    StateFile(path).save(None, Remembered("dracula", ["never kept"]))
    assert StateFile(path).load("app@db:5432/shop") == Remembered("dracula", shop.history)
    # Readable by its owner only: NOTIFY payloads typed by hand may be private.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("shown", [True, False, None])
def test_the_channel_list_choice_round_trips(tmp_path: Path, shown: bool | None) -> None:
    path = tmp_path / "state.json"
    StateFile(path).save("s", Remembered("nord", [], channel_list=True))
    StateFile(path).save("s", Remembered("nord", [], channel_list=shown))
    assert StateFile(path).load("s").channel_list is shown
    path.write_text(json.dumps({"servers": {}, "channel_list": "yes"}))
    assert StateFile(path).load("s").channel_list is None  # not a choice: the width decides


def test_history_and_servers_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    lines = [f"c {i}" for i in range(HISTORY_LIMIT + 50)]
    StateFile(path).save("s", Remembered(None, lines))
    assert StateFile(path).load("s").history == lines[-HISTORY_LIMIT:]
    for i in range(SERVER_LIMIT + 5):
        StateFile(path).save(f"server {i}", Remembered(None, [str(i)]))
    servers = json.loads(path.read_text())["servers"]
    assert len(servers) == SERVER_LIMIT
    assert "server 0" not in servers and f"server {SERVER_LIMIT + 4}" in servers


@pytest.mark.parametrize(
    "content", [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"servers": 3}', b'{"theme": 5}']
)
def test_an_unreadable_file_is_a_warning_and_an_empty_state(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    store = StateFile(path)
    assert store.load("s") == Remembered(None, [])
    if content != b'{"theme": 5}':  # a wrong value is only ignored
        assert len(store.warnings) == 1 and str(path) in store.warnings[0]
    # Saving replaces it with a good one.
    store.save("s", Remembered("nord", ["x"]))
    assert StateFile(path).load("s") == Remembered("nord", ["x"])


def test_a_file_that_cannot_be_written_is_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = StateFile(blocker / "pgtail" / "state.json")  # a directory under a file
    assert store.load("s") == Remembered(None, [])
    assert store.warnings == [f"cannot read {blocker}/pgtail/state.json: Not a directory"]
    store.warnings.clear()
    store.save("s", Remembered("nord", ["x"]))
    (warning,) = store.warnings
    assert warning.startswith(f"cannot write {blocker}/pgtail/state.json: ")
    assert list(tmp_path.iterdir()) == [blocker]  # no temporary file left behind


def test_a_missing_file_is_no_problem(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "pgtail" / "state.json")
    assert store.load("s") == Remembered(None, []) and store.warnings == []
