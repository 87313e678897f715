"""Debugging features under Pilot against a real server: the detail view, the live filter, who
sent a notification, channel discovery, rates, queue usage, and record / replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg

from pgtail.core.models import Notification
from pgtail.settings import OutputMode, Settings
from pgtail.ui.launch import make_app
from pgtail.ui.screens.detail import DetailScreen
from pgtail.ui.screens.discovery import DiscoveryScreen
from tests.harness import notify
from tests.ui.helpers import FAST, app_for, payloads, screen_text, wait_for


async def test_detail_view_pretty_json_hex_and_copy(pg) -> None:  # type: ignore[no-untyped-def]
    payload = '{"id":7,"tags":["a","b"],"note":"[@click=app.quit]x\\u001b"}'
    app = app_for(pg.dsn, "dbg:detail")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "dbg:detail" in app.channels.listening, what="listening")
        notify(pg, "dbg:detail", "plain first")
        notify(pg, "dbg:detail", payload)
        await wait_for(pilot, lambda: len(payloads(app)) == 2, what="two lines")
        app.log_view.focus()
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail view")
        text = screen_text(app)
        assert '  "id": 7,' in text and '    "a",' in text  # re-serialised with indentation
        assert "[@click=app.quit]x\\u001b" in text and app.is_running
        assert f"{len(payload)} bytes (JSON)" in text
        await pilot.press("x")
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "00000000  7b 22 69 64 22 3a 37 2c" in text and '|{"id":7,"tags":[|' in text
        await pilot.press("y")
        assert app.clipboard == payload
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen), what="closed")
        # Up again moves to the older line; a plain payload shows its escapes.
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail view")
        assert "plain first" in screen_text(app)


async def test_filter_substring_regex_and_escape(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "dbg:fruit", "dbg:veg")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        for channel, payload in [
            ("dbg:fruit", "apple pie"),
            ("dbg:veg", "bean soup"),
            ("dbg:fruit", "banana"),
            ("dbg:veg", "apple? no, beet"),
        ]:
            notify(pg, channel, payload)
        await wait_for(pilot, lambda: len(payloads(app)) == 4, what="four lines")
        await pilot.press("slash", *"apple")
        await wait_for(pilot, lambda: len(payloads(app)) == 2, what="substring")
        assert payloads(app) == ["apple pie", "apple? no, beet"]
        assert "filter apple" in screen_text(app)
        # Matches channel names too; new lines are filtered as they come.
        app.filter_bar.input.value = "/^ba|veg$/"
        await wait_for(pilot, lambda: len(payloads(app)) == 3, what="regex")
        assert payloads(app) == ["bean soup", "banana", "apple? no, beet"]
        notify(pg, "dbg:fruit", "cherry")
        notify(pg, "dbg:fruit", "bagel")
        await wait_for(pilot, lambda: payloads(app)[-1:] == ["bagel"], what="live match")
        assert "cherry" not in payloads(app)
        # An invalid regex is an inline error and keeps the last valid filter.
        app.filter_bar.input.value = "/ba(/"
        await wait_for(
            pilot, lambda: "invalid regular expression" in screen_text(app), what="regex error"
        )
        assert len(payloads(app)) == 4
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(payloads(app)) == 6, what="cleared")
        assert app.log_view.text_filter is None and "filter " not in screen_text(app)
        assert app.channels.total == 6
        # Channel rows repaint on a timer: wait for their counts to catch up.
        await wait_for(
            pilot, lambda: [r.count for r in app.channel_list.rows] == [4, 2], what="row counts"
        )
        # Enter keeps a filter and goes back to the log; Escape there clears it.
        await pilot.press("slash", *"soup", "enter")
        await wait_for(pilot, lambda: payloads(app) == ["bean soup"], what="kept")
        assert app.log_view.has_focus
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(payloads(app)) == 6, what="cleared from the log")


async def test_who_sent_it(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "dbg:who")
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: "dbg:who" in app.channels.listening, what="listening")
        with psycopg.connect(pg.dsn, autocommit=True, application_name="billing-worker") as conn:
            conn.execute("SELECT pg_notify('dbg:who', 'invoice 12')")
            await wait_for(pilot, lambda: payloads(app) == ["invoice 12"], what="line")
            await pilot.press("w")
            await wait_for(pilot, lambda: "billing-worker" in screen_text(app), what="column")
            app.log_view.focus()
            await pilot.press("up", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
            text = screen_text(app)
            assert "application billing-worker" in text
            assert "client backend" in text
        await pilot.press("escape")


async def test_discovery_finds_trigger_and_listener_and_subscribes(pg) -> None:  # type: ignore[no-untyped-def]
    with psycopg.connect(pg.dsn, autocommit=True) as setup:
        setup.execute(
            """
            CREATE TABLE IF NOT EXISTS dbg_orders (id int);
            CREATE OR REPLACE FUNCTION dbg_orders_notify() RETURNS trigger AS $$
            BEGIN
              PERFORM pg_notify('orders_changed', NEW.id::text);
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE OR REPLACE TRIGGER dbg_orders_changed AFTER INSERT ON dbg_orders
              FOR EACH ROW EXECUTE FUNCTION dbg_orders_notify();
            """
        )
    with psycopg.connect(pg.dsn, autocommit=True, application_name="cache-node") as other:
        other.execute('LISTEN "Cache Bust"')
        app = app_for(pg.dsn, "dbg:disc")
        async with app.run_test(size=(140, 40)) as pilot:
            await wait_for(pilot, lambda: "dbg:disc" in app.channels.listening, what="listening")
            await pilot.press("D")
            await wait_for(pilot, lambda: isinstance(app.screen, DiscoveryScreen), what="panel")
            screen = app.screen
            assert isinstance(screen, DiscoveryScreen)
            await wait_for(pilot, lambda: len(screen.channels) >= 2, what="discovered")
            found = {(c.name, c.source) for c in screen.channels}
            assert ("orders_changed", "function") in found
            assert ("Cache Bust", "listener") in found
            text = screen_text(app)
            assert "dbg_orders_changed on dbg_orders" in text and "(cache-node)" in text
            names = [c.name for c in screen.channels]
            screen.options.highlighted = names.index("Cache Bust")
            await pilot.press("enter")
            await wait_for(pilot, lambda: "Cache Bust" in app.channels.listening, what="subscribed")
            assert not isinstance(app.screen, DiscoveryScreen)
            other.execute("SELECT pg_notify('Cache Bust', 'flush')")
            await wait_for(pilot, lambda: payloads(app) == ["flush"], what="received")


async def test_rates_and_sparkline_in_the_channel_row(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "dbg:rate")
    async with app.run_test(size=(140, 40)) as pilot:  # wide enough for the channel list
        await wait_for(pilot, lambda: "dbg:rate" in app.channels.listening, what="listening")
        with psycopg.connect(pg.dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_notify('dbg:rate', i::text) FROM generate_series(1, 20) i")
        await wait_for(pilot, lambda: app.channels.total == 20, what="counted")
        await wait_for(pilot, lambda: app.channel_list.rows[0].rate > 0, what="rate")
        row = app.channel_list.rows[0]
        assert sum(row.activity) == 20
        text = screen_text(app)
        assert "█" in text and f"{row.rate:.1f}/s" in text


async def test_queue_usage_shows_in_the_status_line(fresh_pg) -> None:  # type: ignore[no-untyped-def]
    with psycopg.connect(fresh_pg.dsn) as stuck:
        # A listener inside an open transaction never reads: the queue fills behind it.
        stuck.execute("LISTEN dbg_stuck")
        stuck.commit()
        stuck.execute("SELECT 1")
        with psycopg.connect(fresh_pg.dsn, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_notify('dbg_stuck', i || repeat('x', 7000))"
                " FROM generate_series(1, 3000) i"
            )
        app = app_for(fresh_pg.dsn, "dbg:q")
        async with app.run_test(size=(140, 40)) as pilot:
            await wait_for(pilot, lambda: "queue " in screen_text(app), what="queue usage")
            assert app.status_line.queue_usage > 0


async def test_record_then_replay_shows_the_same_lines(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "rec.jsonl")
    sent = ['{"id": 1}', "tab\there", "\x1b[31mred", "last"]
    settings = Settings(dsn=pg.dsn, channels=("dbg:rec",), mode=OutputMode.TUI, record=path)
    app = make_app(settings, options=FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "dbg:rec" in app.channels.listening, what="listening")
        # Filtering the view does not filter the recording.
        await pilot.press("slash", *"zzz", "enter")
        for payload in sent:
            notify(pg, "dbg:rec", payload)
        await wait_for(pilot, lambda: app.channels.total == 4, what="received")
        assert payloads(app) == []
        await pilot.press("escape")
        await wait_for(pilot, lambda: payloads(app) == sent, what="unfiltered")
        live_times = [
            round(n.received, 3) for n in app.log_view.lines if isinstance(n, Notification)
        ]
    with open(path, "a", encoding="utf-8") as file:
        file.write('{"time": "not a time", "channel": "x", "pid": 1, "payload": ""}\n{"trunc\n')
    replay = make_app(Settings(dsn=None, channels=(), mode=OutputMode.TUI, replay=path))
    toasts: list[str] = []
    show_toast = replay.notify

    def notify_spy(message: str, **kwargs: Any) -> None:
        toasts.append(message)
        show_toast(message, **kwargs)

    replay.notify = notify_spy  # type: ignore[method-assign]
    async with replay.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: len(payloads(replay)) == 4, what="replayed")
        assert payloads(replay) == sent
        # Recordings keep times to the millisecond.
        times = [n.received for n in replay.log_view.lines if isinstance(n, Notification)]
        assert all(abs(a - b) < 0.002 for a, b in zip(times, live_times, strict=True))
        text = screen_text(replay)
        assert replay.status_line.replay == f"replay of {path} (4 notifications, 2 bad lines)"
        assert "rec.jsonl (4 notifications, 2 bad lines)" in text
        await wait_for(pilot, lambda: bool(toasts), what="bad lines reported")
        assert "line 5: 'time' is not an ISO 8601 time; line 6: not valid JSON" in toasts[0]
        assert "\\x1b[31mred" in text
        await pilot.press("slash", *"/^tab/", "enter")
        await wait_for(pilot, lambda: payloads(replay) == ["tab\there"], what="filtered")
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: isinstance(replay.screen, DetailScreen), what="detail")
        assert "tab\\there" in screen_text(replay)
    recorded = Path(path).read_text(encoding="utf-8").splitlines()[:4]
    assert [json.loads(line)["payload"] for line in recorded] == sent
