"""A million notifications through the UI: every one counted, the server's queue kept empty."""

from __future__ import annotations

import threading

import psycopg
import pytest

from tests.harness import PgServer
from tests.harness.flood import QueueWatch, send_flood
from tests.ui.helpers import app_for, screen_text, wait_for


@pytest.mark.slow
@pytest.mark.timeout(420)  # the count's deadline below, and the rest
async def test_a_million_notifications_counted_while_the_view_is_paused(pg: PgServer) -> None:
    total, chunk = 1_000_000, 100_000
    app = app_for(pg.dsn, "flood", scrollback=2000)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        with psycopg.connect(pg.dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_notify('flood', 'p ' || i) FROM generate_series(1, 100) i")
        await wait_for(pilot, lambda: app.channels.total == 100, what="the first hundred")
        await pilot.press("pageup")
        await wait_for(pilot, lambda: not app.log_view.following, what="paused")

        sender = threading.Thread(target=send_flood, args=(pg.dsn, "flood", total, chunk))
        with QueueWatch(pg.dsn) as watch:
            sender.start()
            try:
                # The UI keeps running meanwhile (the sender runs on a thread of its own).
                await wait_for(
                    pilot,
                    lambda: app.channels.total == total + 100,
                    # About 40 s on a quiet machine; at a load average of 15 on two cores it
                    # counted 6,000/s: 170 s for the million.
                    300,
                    "every one counted",
                    seen=lambda: f"{app.channels.total:,} counted",
                )
            finally:
                sender.join()
        print(f"peak pg_notification_queue_usage() with the view paused: {watch.peak:.6f}")
        assert watch.peak < 0.01
        await wait_for(pilot, lambda: f"{total + 100:,} received" in screen_text(app), what="count")
        assert not app.log_view.following
        # During a flood the channel rows repaint twice a second: they catch up, exactly.
        await wait_for(
            pilot,
            lambda: app.channel_list.rows[0].count == total + 100,
            what="the row's count",
            seen=lambda: app.channel_list.rows,
        )
        assert len(app.log_view.lines) <= 2000
        await pilot.press("end")
        await wait_for(pilot, lambda: str(total) in screen_text(app), what="the newest line")
