"""The real ``pgtail`` command on an 80×24 pseudo-terminal, read through pyte, against real
servers: the status line says why it is reconnecting, the footer is never cut, nothing ordinary is
red in 16 colours, and without colour the states still read."""

from __future__ import annotations

import re

import pytest

from pgtail.ui.app import PgtailApp
from pgtail.ui.screens.detail import DetailScreen
from pgtail.ui.widgets.channel_list import ChannelList
from pgtail.ui.widgets.notification_log import NotificationLog
from pgtail.ui.widgets.notify_bar import NotifyBar
from tests.harness import PgServer, notify
from tests.harness.pty import PtyPgtail

COLS, ROWS = 80, 24
RED = {"red", "brightred"}
#: What a key in the footer can say: every description of every binding pgtail has.
DESCRIPTIONS = sorted(
    {
        binding.description  # type: ignore[union-attr]
        for owner in (PgtailApp, NotificationLog, ChannelList, NotifyBar, DetailScreen)
        for binding in owner.BINDINGS
    }
    - {""},
    key=len,
    reverse=True,
)


def _start(terminals: list[PtyPgtail], *args: str, **env: str) -> PtyPgtail:
    term = PtyPgtail(*args, cols=COLS, rows=ROWS, env=env)
    terminals.append(term)
    return term


def _row(screen: str, index: int) -> str:
    return screen.splitlines()[index]


def footer_items(row: str) -> list[str]:
    """The footer's keys as ``key Description``; AssertionError if any is cut."""
    left, bar, right = row.partition("▏")
    assert bar and right.strip() == "^p palette", f"no palette key at the right: {row!r}"
    items: list[str] = []
    rest = left.strip()
    while rest:
        key, _, after = rest.partition(" ")
        description = next(
            (d for d in DESCRIPTIONS if re.match(re.escape(d) + "( |$)", after)), None
        )
        assert description is not None, f"a cut or unknown key at {rest!r} in {row!r}"
        items.append(f"{key} {description}")
        rest = after[len(description) :].strip()
    return items


def test_footer_items_are_read_whole() -> None:
    row = "end Follow ⏎ Details ? Help q Quit E Errors / Filter n Notify a Add ▏^p palette"
    assert footer_items(row)[-1] == "a Add" and len(footer_items(row)) == 8
    with pytest.raises(AssertionError, match="cut"):
        footer_items(
            "end Follow ⏎ Details ? Help q Quit E Errors / Filter n Notify s Chan▏^p palette"
        )


def _status_and_footer(screen: str) -> tuple[str, str]:
    return _row(screen, ROWS - 2), _row(screen, ROWS - 1)


def test_refused_connection_at_80x24_says_why_then_connects(
    fresh_pg: PgServer, terminals: list[PtyPgtail]
) -> None:
    fresh_pg.stop()
    term = _start(terminals, "--dsn", fresh_pg.dsn, "orders", "jobs:insert")
    screen = term.wait_for(
        lambda s: (
            "— connection refused" in _status_and_footer(s)[0]
            and "Quit" in _status_and_footer(s)[1]
        ),
        "the reason, and the footer",
        timeout=30,
    )
    status, footer = _status_and_footer(screen)
    assert re.fullmatch(
        r" ◌ reconnecting #\d+ (in \d+\.\d s|now) — connection refused  0 received( · 0/s)?"
        r"( · 0 listening)? *",
        status,
    ), status
    assert footer_items(footer)[:4] == ["end Follow", "⏎ Details", "? Help", "q Quit"]

    fresh_pg.start()
    screen = term.wait_for(lambda s: "2 listening" in s, "connected", timeout=30)
    notify(fresh_pg, "orders", '{"id": 1041}')
    screen = term.wait_for(lambda s: "1 received" in s, "the count")
    status, footer = _status_and_footer(screen)
    assert re.match(
        r" ● connected since [\d:]{8} \(pid \d+\)  1 received · \d+/s · 2 listening", status
    )
    footer_items(footer)
    # The error view keeps what the status line had to shorten.
    term.type("E")
    screen = term.wait_for(lambda s: "y Copy newest" in _row(s, ROWS - 1), "the error view")
    assert "errors, newest first" in screen
    text = " ".join(screen.replace("│", " ").split())
    assert "failed: Connection refused Is the server running" in text, screen


def _red_cells(term: PtyPgtail) -> list[str]:
    rows = []
    for y, row in enumerate(term.cells()):
        red = "".join(c.data for c in row if c.fg in RED or c.bg in RED)
        if red.strip():
            rows.append(f"row {y}: {red!r}")
    return rows


def test_nothing_ordinary_is_red_in_16_colours(pg: PgServer, terminals: list[PtyPgtail]) -> None:
    term = _start(terminals, "--dsn", pg.dsn, "-c", "c16:orders", "-c", "c16:jobs", TERM="xterm")
    term.wait_for(lambda s: "2 listening" in s, "connected")
    for number in range(12):
        notify(pg, "c16:orders" if number % 2 else "c16:jobs", f'{{"id": {number}}}')
    term.wait_for(lambda s: "12 received" in s, "the lines")
    colours = {c.fg for row in term.cells() for c in row}
    assert not any(len(c) == 6 for c in colours), f"more than 16 colours: {colours}"
    assert _red_cells(term) == [], "main view (log focused)"
    for keys, shown, what in (
        ("?", "pgtail keys", "help"),
        ("\x1b[A\r", "notification on", "detail"),
        ("E", "errors, newest first", "error view"),
        ("e", "Export 12 notifications", "export prompt"),
    ):
        term.type(keys)
        term.wait_for(lambda s: shown in s, what)  # noqa: B023 (waited at once)
        assert _red_cells(term) == [], what
        term.type("\x1b")
        term.wait_for(lambda s: shown not in s, f"{what} closed")  # noqa: B023 (waited at once)


def test_without_colour_states_read_by_glyph(
    fresh_pg: PgServer, terminals: list[PtyPgtail]
) -> None:
    fresh_pg.stop()
    term = _start(terminals, "--dsn", fresh_pg.dsn, "nc:orders", NO_COLOR="1")
    term.wait_for(lambda s: "◌ reconnecting #" in s, "reconnecting", timeout=30)
    fresh_pg.start()
    screen = term.wait_for(lambda s: "● connected since" in s, "connected", timeout=30)
    assert "● nc:orders" in screen  # the channel list's glyph for listening
    # Textual draws NO_COLOR in shades of grey: no hue is left to tell states apart.
    colours = {colour for row in term.cells() for c in row for colour in (c.fg, c.bg)}
    hues = {c for c in colours if c != "default" and len({c[0:2], c[2:4], c[4:6]}) > 1}
    assert not hues, hues
