"""A click selects the log line under the pointer and a double click opens that line, whatever
the terminal size and scroll position (the log's border and title row are not lines)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from pgtail.ui.app import PgtailApp
from pgtail.ui.screens.detail import DetailScreen
from tests.harness import PgServer
from tests.harness.flood import send_flood
from tests.ui.helpers import app_for, payloads, screen_text, wait_for

LINES = 200


def _on_screen(app: PgtailApp) -> list[str]:
    """The payloads drawn in the log's rows, top to bottom, as read off the screen."""
    region = app.log_view.scrollable_content_region
    rows = screen_text(app).splitlines()[region.y : region.y + region.height]
    return [row[region.x : region.right].split()[-1] for row in rows]


async def _click_rows(pilot: Pilot[int], app: PgtailApp) -> None:
    """Click the first, a middle and the last line drawn; each click selects that line."""
    log = app.log_view
    drawn = _on_screen(app)
    assert len(drawn) == log.scrollable_content_region.height
    top = log.content_region.y - log.region.y  # the border row above the first line
    for row in (0, len(drawn) // 2, len(drawn) - 1):
        await pilot.click(log, offset=(20, top + row))
        chosen = log.chosen
        assert chosen is not None and chosen.payload == drawn[row], (row, drawn[row])
    # A double click opens the line under the pointer, not the one below it.
    row = len(drawn) // 3
    await pilot.double_click(log, offset=(20, top + row))
    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail view")
    assert isinstance(app.screen, DetailScreen)
    assert app.screen.notification.payload == drawn[row]
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen), what="closed")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_clicks_select_the_line_under_the_pointer(
    pg: PgServer, size: tuple[int, int]
) -> None:
    app = app_for(pg.dsn, "ui:clicks")
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: "ui:clicks" in app.channels.listening, what="listening")
        send_flood(pg.dsn, "ui:clicks", LINES)
        await wait_for(pilot, lambda: len(payloads(app)) == LINES, what="every line")
        await pilot.pause()
        # Following the tail.
        await _click_rows(pilot, app)
        # Scrolled back to an arbitrary place.
        app.log_view.action_follow()
        app.log_view.focus()
        await pilot.press("pageup", "pageup", "up")
        await pilot.pause()
        assert not app.log_view.following
        await _click_rows(pilot, app)
        # At the very top.
        await pilot.press("home")
        await pilot.pause()
        assert _on_screen(app)[0] == "1"
        await _click_rows(pilot, app)
