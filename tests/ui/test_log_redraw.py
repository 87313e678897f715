"""The log draws each line once and reuses it as lines scroll; what changes a line's look (its
"sent by this pgtail" mark, the cursor, the width) draws it again. Its length changes without a
layout pass of the screen, and it still follows its tail."""

from __future__ import annotations

import re

from rich.style import Style
from textual.app import App, ComposeResult
from textual.strip import Strip

from pgtail.core.models import Notification
from pgtail.ui.widgets.cheap_frames import DrawnLines
from pgtail.ui.widgets.notification_log import NotificationLog
from tests.harness.wait import wait_for

RED = (255, 0, 0)


class LogOnly(App[None]):
    CSS = "NotificationLog > .notification-log--cursor { background: #ff0000; }"

    def compose(self) -> ComposeResult:
        yield NotificationLog(id="log")


def _rows(app: App[None]) -> list[str]:
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


def _row(app: App[None], payload: str) -> str:
    """The row showing *payload* (after the pid and its mark, if any)."""
    return next(row for row in _rows(app) if re.search(rf"[ ↑] {payload}(?!\d)", row))


def _style_of(app: App[None], payload: str) -> object:
    """The style *payload* is drawn in (None while it is not on the screen)."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if re.search(rf"(^|\s){payload}(\s|$)", segment.text):
                return segment.style
    return None


async def test_a_line_is_drawn_again_when_its_look_changes() -> None:
    app = LogOnly()
    async with app.run_test(size=(80, 12)) as pilot:
        log = app.query_one(NotificationLog)
        # Fewer lines than rows: what is looked at stays in place (the scrolling is not tested).
        log.add([Notification("ch", f"p{i}", 100 + i % 2, 1_700_000_000.0 + i) for i in range(8)])
        await wait_for(pilot, lambda: any("p7" in row for row in _rows(app)), what="p7")
        assert not any("↑" in row for row in _rows(app))

        log.mark_own(101)  # odd lines were sent by this pgtail: marked, though drawn before
        await wait_for(pilot, lambda: "↑" in _row(app, "p7"), what="the mark on p7")
        assert "↑" not in _row(app, "p6")

        def on_cursor(payload: str) -> bool:
            style = _style_of(app, payload)
            bg = style.bgcolor if isinstance(style, Style) else None
            return bg is not None and bg.get_truecolor() == RED

        log.move_cursor(7)  # the cursor on the newest line: drawn in the cursor's style
        await wait_for(pilot, lambda: on_cursor("p7"), what="the cursor on p7")
        log.move_cursor(5)  # drawn in the cursor's style, p7 as before
        await wait_for(
            pilot,
            lambda: on_cursor("p5") and not on_cursor("p7"),
            what="the cursor's style moved from p7 to p5",
        )

        await pilot.resize_terminal(60, 12)  # narrower: lines drawn again for the new width
        await wait_for(
            pilot,
            lambda: all(len(row) <= 60 for row in _rows(app)) and "p7" in str(_rows(app)),
            what="lines cut to the new width",
        )


async def test_a_growing_log_follows_its_tail_and_shows_its_scrollbar() -> None:
    """Its length changes without a layout pass of the screen; the scrollbar still appears
    once the lines no longer fit, and tracks the tail as more arrive."""
    app = LogOnly()
    async with app.run_test(size=(80, 12)) as pilot:
        log = app.query_one(NotificationLog)
        log.add([Notification("ch", "first", 100, 1_700_000_000.0)])
        await wait_for(pilot, lambda: _style_of(app, "first") is not None, what="the first line")
        assert not log.show_vertical_scrollbar
        for i in range(40):  # one drain at a time, as at a trickle
            log.add([Notification("ch", f"n{i}", 100, 1_700_000_001.0 + i)])
            await pilot.pause()
        await wait_for(pilot, lambda: _style_of(app, "n39") is not None, what="the newest line")
        assert log.show_vertical_scrollbar
        assert log.virtual_size.height == 41
        assert log.max_scroll_y == 41 - log.scrollable_content_region.height
        await wait_for(pilot, lambda: log.scroll_y == log.max_scroll_y, what="the tail in view")
        assert _style_of(app, "first") is None  # scrolled out of view


def test_drawn_lines_are_reused_and_forgotten_past_the_limit() -> None:
    drawn = DrawnLines(limit=2)
    draws: list[str] = []

    def draw(text: str) -> Strip:
        draws.append(text)
        return Strip.blank(len(text))

    assert drawn.get("a", lambda: draw("a")) is drawn.get("a", lambda: draw("a"))
    drawn.get("b", lambda: draw("b"))
    drawn.get("c", lambda: draw("c"))  # over the limit: all forgotten, then c kept
    drawn.get("a", lambda: draw("a"))
    assert draws == ["a", "b", "c", "a"]
