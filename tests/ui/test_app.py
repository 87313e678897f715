"""The UI under Pilot, against a real throw-away PostgreSQL server."""

from __future__ import annotations

from harness import notify

from pgtail.models import Phase
from ui.helpers import app_for, payloads, wait_for


async def test_add_channel_receives_then_remove_stops(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
        await pilot.press("a")
        await pilot.press(*"ui:add")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "ui:add" in app.listening, what="listening")
        notify(pg, "ui:add", "first")
        await wait_for(pilot, lambda: payloads(app) == ["first"], what="first in the log")
        assert app.channel_list.rows[0].count == 1

        app.channel_list.focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: "ui:add" not in app.listening, what="unlistened")
        notify(pg, "ui:add", "second")
        notify(pg, "ui:add:other", "marker")
        await pilot.pause(0.3)
        assert payloads(app) == ["first"]
        assert app.channel_list.rows == []
