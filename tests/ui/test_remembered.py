"""The theme, the channel list's visibility and the NOTIFY bar's history are remembered between
runs (``$XDG_STATE_HOME``)."""

from __future__ import annotations

import json
from pathlib import Path

from pgtail.core.dsn import parse
from pgtail.remembered import Remembered, StateFile
from pgtail.ui.remembering import Remembering
from tests.harness import PgServer
from tests.harness.pty import PtyPgtail
from tests.ui.helpers import app_for, wait_for
from tests.ui.toasts import spy_toasts

UP = "\x1b[A"


def _focus_notify_bar(term: PtyPgtail) -> None:
    """n, then wait until the bar has the keys (the footer no longer offers q to quit): typed
    any sooner, letters would be taken as commands."""
    term.wait_for(lambda s: "q Quit" in s.splitlines()[-1], "the footer")
    term.type("n")
    term.wait_for(lambda s: "esc Log" in s.splitlines()[-1] and "q Quit" not in s, "the bar")


async def test_the_app_starts_with_the_remembered_theme_and_history(
    pg: PgServer, tmp_path: Path
) -> None:
    store = StateFile(tmp_path / "state.json")
    server = parse(pg.dsn).display
    store.save(server, Remembered("nord", ["orders first", "orders second"]))
    app = app_for(pg.dsn, "orders")
    app.remembering = Remembering(StateFile(store.path), server)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.theme == "nord", what="the remembered theme")
        await pilot.press("n", "up")
        assert app.notify_bar.input.value == "orders second"
        await pilot.press("up")
        assert app.notify_bar.input.value == "orders first"


async def test_the_channel_list_shown_with_s_stays_shown_in_the_next_run(
    pg: PgServer, tmp_path: Path
) -> None:
    store = StateFile(tmp_path / "state.json")
    server = parse(pg.dsn).display
    first = app_for(pg.dsn, "orders")
    first.remembering = Remembering(StateFile(store.path), server)
    async with first.run_test(size=(80, 24)) as pilot:
        # 80 columns: the strip stands in for the list until `s` shows it.
        await wait_for(pilot, lambda: first.main.strip.display, what="the channel strip")
        assert not first.channel_list.display
        await pilot.press("s")
        await wait_for(pilot, lambda: first.channel_list.display, what="the channel list")
    first.remembering.save(first)
    assert store.load(server).channel_list is True

    second = app_for(pg.dsn, "orders")
    second.remembering = Remembering(StateFile(store.path), server)
    async with second.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: second.channel_list.display, what="the remembered list")
        assert not second.main.strip.display
        await pilot.press("s")
        await wait_for(pilot, lambda: not second.channel_list.display, what="the list hidden")
    second.remembering.save(second)
    assert store.load(server).channel_list is False


async def test_an_unreadable_state_file_is_a_toast_not_a_crash(
    pg: PgServer, tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    path.write_text("{ this is not json")
    app = app_for(pg.dsn, "orders")
    app.remembering = Remembering(StateFile(path), parse(pg.dsn).display)
    toasts = spy_toasts(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: bool(toasts), what="the warning toast")
        assert toasts == [
            f"cannot read {path}: Expecting property name enclosed in double "
            "quotes: line 1 column 3 (char 2)"
        ]
        assert app.notify_bar.input.history == []


def test_history_and_theme_survive_two_runs_of_the_command(
    pg: PgServer, tmp_path: Path, terminals: list[PtyPgtail]
) -> None:
    state = tmp_path / "state"
    path = state / "pgtail" / "state.json"
    server = parse(pg.dsn).display
    StateFile(path).save(None, Remembered("nord"))  # as if picked in an earlier run

    first = PtyPgtail("--dsn", pg.dsn, "-c", "orders", env={"XDG_STATE_HOME": str(state)})
    terminals.append(first)
    first.wait_for(lambda s: "1 listening" in s, "connected")
    _focus_notify_bar(first)
    first.type("orders remembered-line\r")
    first.wait_for(lambda s: "remembered-line" in s.split("NOTIFY")[0], "the line sent")
    first.type("\x1b")  # back to the log, where q quits
    first.wait_for(lambda s: "q Quit" in s.splitlines()[-1], "the log focused")
    first.type("q")
    assert first.wait_exit() == 0
    saved = json.loads(path.read_text())
    assert saved["theme"] == "nord"
    assert saved["servers"][server]["history"] == ["orders remembered-line"]

    second = PtyPgtail("--dsn", pg.dsn, "-c", "orders", env={"XDG_STATE_HOME": str(state)})
    terminals.append(second)
    second.wait_for(lambda s: "1 listening" in s, "connected")
    _focus_notify_bar(second)
    second.type(UP)
    second.wait_for(
        lambda s: "orders remembered-line" in s.split("NOTIFY")[-1], "the remembered line"
    )


def test_a_state_file_that_cannot_be_written_is_a_warning_on_exit(
    pg: PgServer, tmp_path: Path, terminals: list[PtyPgtail]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    term = PtyPgtail("--dsn", pg.dsn, "-c", "orders", env={"XDG_STATE_HOME": str(blocker)})
    terminals.append(term)
    term.wait_for(lambda s: "not remembered" in s, "the warning toast")
    term.type("q")
    assert term.wait_exit() == 0
    term.close()
    assert b"pgtail: warning: cannot write " + str(blocker).encode() in term.output
