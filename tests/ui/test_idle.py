"""Left alone, the UI schedules nothing that would redraw nothing: the status line and the rows
tick only while something they show moves on with time."""

from __future__ import annotations

from pgtail.core.models import Phase
from pgtail.ui.state.drain_pacer import CLOCK_INTERVAL
from tests.harness import notify
from tests.ui.helpers import app_for, payloads, wait_for


async def test_the_clock_stops_while_nothing_shown_changes(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ui:idle")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "ui:idle" in app.channels.listening, what="listening")
        # Connected, nothing ever arrived: no "3s ago", no rate, nothing to tick for.
        await wait_for(pilot, lambda: not app.clock.pending, what="the clock to stop")

        notify(pg, "ui:idle", "one")
        await wait_for(pilot, lambda: payloads(app) == ["one"], what="the line")
        await wait_for(pilot, lambda: app.status_line.total == 1, what="the count")
        await wait_for(pilot, lambda: app.channel_list.rows[0].count == 1, what="the row")
        # Now "0s ago" moves on every second, so the clock runs.
        assert app.clock.pending

        def row() -> str:
            return str(app.channel_list.get_option_at_index(0).prompt)

        shown = row()
        await wait_for(pilot, lambda: row() != shown, 10 * CLOCK_INTERVAL, "the age to move on")
        assert app.clock.pending
        assert app.state.phase is Phase.CONNECTED
