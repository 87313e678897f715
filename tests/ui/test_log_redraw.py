"""The log draws each line once and reuses it as lines scroll; what changes a line's look (its
"sent by this pgtail" mark, the cursor, the width) draws it again."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult

from pgtail.core.models import Notification
from pgtail.ui.widgets.notification_log import NotificationLog
from tests.harness.wait import wait_for


class LogOnly(App[None]):
    CSS = "NotificationLog > .notification-log--cursor { background: red; }"

    def compose(self) -> ComposeResult:
        yield NotificationLog(id="log")


def _rows(app: App[None]) -> list[str]:
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


def _row(app: App[None], payload: str) -> str:
    """The row showing *payload* (after the pid and its mark, if any)."""
    return next(row for row in _rows(app) if re.search(rf"[ ↑] {payload}(?!\d)", row))


def _style_of(app: App[None], payload: str) -> object:
    """The style *payload* is drawn in."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if re.fullmatch(rf"{payload}\s*", segment.text):
                return segment.style
    raise AssertionError(f"{payload} is not on the screen")


async def test_a_line_is_drawn_again_when_its_look_changes() -> None:
    app = LogOnly()
    async with app.run_test(size=(80, 12)) as pilot:
        log = app.query_one(NotificationLog)
        log.add([Notification("ch", f"p{i}", 100 + i % 2, 1_700_000_000.0 + i) for i in range(20)])
        await wait_for(pilot, lambda: any("p19" in row for row in _rows(app)), what="p19")
        assert not any("↑" in row for row in _rows(app))

        log.mark_own(101)  # odd lines were sent by this pgtail: marked, though drawn before
        await wait_for(pilot, lambda: "↑" in _row(app, "p19"), what="the mark on p19")
        assert "↑" not in _row(app, "p18")

        plain = _style_of(app, "p19")
        log.focus()
        await pilot.press("up")  # the cursor on the newest line: drawn in the cursor's style
        await wait_for(pilot, lambda: _style_of(app, "p19") != plain, what="the cursor on p19")
        on_cursor = _style_of(app, "p19")
        await pilot.press("up", "up")  # to p17, also marked: drawn as p19 was, p19 as before
        await wait_for(
            pilot,
            lambda: _style_of(app, "p17") == on_cursor and _style_of(app, "p19") == plain,
            what="the cursor's style moved from p19 to p17",
        )

        await pilot.resize_terminal(60, 12)  # narrower: lines drawn again for the new width
        await wait_for(
            pilot,
            lambda: all(len(row) <= 60 for row in _rows(app)) and "p19" in str(_rows(app)),
            what="lines cut to the new width",
        )
