"""The UI under Pilot, against a real throw-away PostgreSQL server."""

from __future__ import annotations

from pgtail.core.models import Phase
from tests.harness import notify
from tests.ui.helpers import app_for, payloads, screen_text, wait_for


async def test_add_channel_receives_then_remove_stops(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
        await pilot.press("a")
        await pilot.press(*"ui:add")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "ui:add" in app.channels.listening, what="listening")
        notify(pg, "ui:add", "first")
        await wait_for(pilot, lambda: payloads(app) == ["first"], what="first in the log")
        await wait_for(pilot, lambda: app.channel_list.rows[0].count == 1, 5, "row count")

        app.channel_list.focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: "ui:add" not in app.channels.listening, what="unlistened")
        notify(pg, "ui:add", "second")
        notify(pg, "ui:add:other", "marker")
        await pilot.pause(0.3)
        assert payloads(app) == ["first"]
        assert app.channel_list.rows == []


async def test_space_toggles_listening_and_keeps_the_row(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ui:toggle")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "ui:toggle" in app.channels.listening, what="listening")
        app.channel_list.focus()
        await pilot.press("space")
        await wait_for(pilot, lambda: "ui:toggle" not in app.channels.listening, what="off")
        assert [(r.name, r.state) for r in app.channel_list.rows] == [("ui:toggle", "off")]
        notify(pg, "ui:toggle", "while off")
        await pilot.press("space")
        await wait_for(pilot, lambda: "ui:toggle" in app.channels.listening, what="on again")
        assert app.channel_list.rows[0].state == "listening"
        notify(pg, "ui:toggle", "back on")
        await wait_for(pilot, lambda: payloads(app) == ["back on"], what="back on")


async def test_notify_bar_sends_to_a_separate_listener(pg) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    with psycopg.connect(pg.dsn, autocommit=True) as other:
        other.execute('LISTEN "ui bar"')
        app = app_for(pg.dsn, "ui bar")
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: "ui bar" in app.channels.listening, what="listening")
            await pilot.press("n", *'"ui bar" hello  world', "enter")
            await wait_for(pilot, lambda: payloads(app) == ["hello  world"], what="own line")
            assert app.notify_bar.input.value == ""
            # Marked as sent by this pgtail.
            line = app.log_view.lines[-1]
            assert getattr(line, "pid", None) in app.log_view.own_pids
            # Errors show inline and keep what was typed.
            await pilot.press(*'"" oops', "enter")
            await pilot.pause(0.1)
            assert app.notify_bar.input.value == '"" oops'
            assert "channel name" in str(app.notify_bar.query_one("#notify-error").render())
            big = "ui " + "y" * 8000
            app.notify_bar.input.value = big
            await pilot.press("enter")
            await pilot.pause(0.1)
            assert app.notify_bar.input.value == big
            assert "8000 bytes" in str(app.notify_bar.query_one("#notify-error").render())
            # History walks back to the sent line.
            app.notify_bar.input.value = ""
            await pilot.press("up")
            assert app.notify_bar.input.value == '"ui bar" hello  world'
        received = [n.payload for n in other.notifies(timeout=2, stop_after=1)]
    assert received == ["hello  world"]


async def test_enter_on_a_channel_filters_the_log(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ui:f1", "ui:f2")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        for i in range(3):
            notify(pg, "ui:f1", f"one {i}")
            notify(pg, "ui:f2", f"two {i}")
        await wait_for(pilot, lambda: len(payloads(app)) == 6, what="six lines")
        await pilot.press("s")  # 120 columns: the list is folded away; s opens and focuses it
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.log_view.filter == "ui:f2", what="filtered")
        assert payloads(app) == ["two 0", "two 1", "two 2"]
        notify(pg, "ui:f1", "hidden")
        notify(pg, "ui:f2", "shown")
        await wait_for(pilot, lambda: payloads(app)[-1:] == ["shown"], what="new f2 line")
        assert "hidden" not in payloads(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.log_view.filter is None, what="unfiltered")
        assert payloads(app)[-2:] == ["hidden", "shown"]
        # A click on a row does the same as Enter.
        await pilot.click("#channels", offset=(4, 1))
        await wait_for(pilot, lambda: app.log_view.filter == "ui:f1", what="filtered by click")


async def test_markup_and_escape_sequences_are_shown_literally(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ui:[b]markup")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        notify(pg, "ui:[b]markup", "[@click=app.quit]x[/]")
        notify(pg, "ui:[b]markup", "\x1b]0;owned\x07\x1b[31mred\u202e")
        await wait_for(pilot, lambda: len(payloads(app)) == 2, what="two lines")
        await pilot.click("#log", offset=(60, 1))
        await pilot.pause(0.1)
        assert app.is_running
        text = screen_text(app)
        assert "[@click=app.quit]x[/]" in text
        assert "\\x1b]0;owned\\x07\\x1b[31mred\\u202e" in text
        assert "ui:[b]markup" in text
        assert "\x1b" not in text
        # Filtering puts the name in the log's title: still literal.
        app.channel_list.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "log · only ui:[b]markup" in screen_text(app), what="title")


async def test_scrollback_bound_still_shows_the_newest_line(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ui:bound", scrollback=50)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        for round_ in range(3):
            import psycopg

            with psycopg.connect(pg.dsn, autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_notify('ui:bound', 'line ' || i)"
                    " FROM generate_series(%s::int, %s::int) i",
                    (round_ * 100, round_ * 100 + 99),
                )
            last = f"line {round_ * 100 + 99}"
            await wait_for(pilot, lambda last=last: last in payloads(app), what="in lines")
            await wait_for(pilot, lambda last=last: last in screen_text(app), what=last)
            assert len(app.log_view.lines) <= 50
        assert app.channels.total == 300
        await wait_for(pilot, lambda: app.channel_list.rows[0].count == 300, 5, "row count")


async def test_reconnecting_then_connected_with_a_gap_line(fresh_pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(fresh_pg.dsn, "ui:outage")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
        fresh_pg.stop()
        await wait_for(pilot, lambda: app.state.phase is Phase.RECONNECTING, what="reconnecting")
        await wait_for(pilot, lambda: "reconnecting (attempt" in screen_text(app), what="status")
        fresh_pg.start()
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, 20, "connected again")
        await wait_for(pilot, lambda: "connected since" in screen_text(app), what="status")
        await wait_for(pilot, lambda: "sent meanwhile are lost" in screen_text(app), what="gap")
        notify(fresh_pg, "ui:outage", "after")
        await wait_for(pilot, lambda: payloads(app) == ["after"], what="after the outage")


async def test_flood_stays_bounded_responsive_and_counted(pg) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    app = app_for(pg.dsn, "ui:flood", scrollback=1000)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        # Scroll up: the view pauses while the listener keeps reading.
        with psycopg.connect(pg.dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_notify('ui:flood', 'p ' || i) FROM generate_series(1, 100) i")
        await wait_for(pilot, lambda: "p 100" in screen_text(app), what="first 100")
        app.log_view.focus()
        await pilot.press("pageup")
        await wait_for(pilot, lambda: not app.log_view.following, what="paused")
        with psycopg.connect(pg.dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_notify('ui:flood', 'q ' || i) FROM generate_series(1, 30000) i")
        await wait_for(
            pilot, lambda: app.channels.total == 30_100, 20, "every notification counted"
        )
        assert len(app.log_view.lines) <= 1000
        # During a flood the channel rows repaint twice a second: they catch up, exactly.
        await wait_for(
            pilot, lambda: app.channel_list.rows[0].count == 30_100, 5, "the channel row's count"
        )
        await wait_for(pilot, lambda: "paused — " in screen_text(app), what="paused indicator")
        # Keys still work, and End resumes following at the newest line.
        await pilot.press("end")
        await wait_for(pilot, lambda: "q 30000" in screen_text(app), what="newest line")
        assert app.log_view.following
