"""A million notifications through the UI: every one counted, the server's queue kept empty."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from harness import PgServer

from ui.helpers import app_for, screen_text, wait_for


@pytest.mark.slow
async def test_a_million_notifications_counted_while_the_view_is_paused(pg: PgServer) -> None:
    total, chunk = 1_000_000, 100_000
    app = app_for(pg.dsn, "flood", scrollback=2000)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.listening) == 1, what="listening")
        with psycopg.connect(pg.dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_notify('flood', 'p ' || i) FROM generate_series(1, 100) i")
        await wait_for(pilot, lambda: app.total == 100, what="the first hundred")
        await pilot.press("pageup")
        await wait_for(pilot, lambda: not app.log_view.following, what="paused")

        peak = 0.0
        done = threading.Event()

        def watch_queue() -> None:
            nonlocal peak
            with psycopg.connect(pg.dsn, autocommit=True) as conn:
                while not done.is_set():
                    row = conn.execute("SELECT pg_notification_queue_usage()").fetchone()
                    assert row is not None
                    peak = max(peak, float(row[0]))
                    time.sleep(0.05)

        def flood() -> None:
            with psycopg.connect(pg.dsn, autocommit=True) as conn:
                for start in range(0, total, chunk):
                    conn.execute(
                        "SELECT pg_notify('flood', i::text)"
                        " FROM generate_series(%s::int, %s::int) i",
                        (start + 1, start + chunk),
                    )

        watcher = threading.Thread(target=watch_queue)
        sender = threading.Thread(target=flood)
        watcher.start()
        sender.start()
        try:
            # The UI keeps running meanwhile (the senders run on threads of their own).
            await wait_for(pilot, lambda: app.total == total + 100, 90, "every one counted")
        finally:
            sender.join()
            done.set()
            watcher.join()
        print(f"peak pg_notification_queue_usage() with the view paused: {peak:.6f}")
        assert peak < 0.01
        await wait_for(pilot, lambda: f"{total + 100:,} received" in screen_text(app), what="count")
        assert not app.log_view.following
        assert app.channel_list.rows[0].count == total + 100
        assert len(app.log_view.lines) <= 2000
        await pilot.press("end")
        await wait_for(pilot, lambda: str(total) in screen_text(app), what="the newest line")
