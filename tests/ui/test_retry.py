"""``r`` while reconnecting tries at once: a server that is back is not kept waiting for the
rest of a long backoff."""

from __future__ import annotations

import time

from pgtail.core.backoff import Backoff
from pgtail.core.listener import ListenerOptions
from pgtail.core.models import Phase
from tests.harness import PgServer
from tests.ui.helpers import app_for, wait_for
from tests.ui.toasts import spy_toasts

#: Waits of 4 s, 8 s, 16 s... between attempts: long enough that only ``r`` explains a quick
#: reconnect.
SLOW = ListenerOptions(backoff=Backoff(initial=4.0, cap=60.0, jitter=0.0))


async def test_r_cuts_a_long_backoff_short(fresh_pg: PgServer) -> None:
    app = app_for(fresh_pg.dsn, "ui:retry", options=SLOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, 30, "connected")
        fresh_pg.stop()
        # The first retry fails and the wait doubles: the backoff has grown.
        await wait_for(
            pilot,
            lambda: app.state.phase is Phase.RECONNECTING and app.state.attempt >= 2,
            30,
            "the second wait",
        )
        wait_ends = app.state.next_try_at
        assert wait_ends is not None and wait_ends - time.time() > 5
        fresh_pg.start()
        await pilot.press("r")
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, 30, "connected again")
        assert time.time() < wait_ends - 2, "connected only when the backoff ran out"
        await wait_for(pilot, lambda: "ui:retry" in app.channels.listening, what="listening again")


async def test_r_while_connected_says_there_is_nothing_to_retry(pg: PgServer) -> None:
    app = app_for(pg.dsn, "ui:retry")
    toasts = spy_toasts(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
        await pilot.press("r")
        await wait_for(pilot, lambda: "connected: nothing to retry" in toasts, what="the toast")
        assert app.state.phase is Phase.CONNECTED
