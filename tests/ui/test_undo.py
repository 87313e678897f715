"""``c`` and ``d`` can be taken back: a toast says what happened, and ``u`` undoes it for ten
seconds (the log's lines and counts come back; the channel is LISTENed again, in its place)."""

from __future__ import annotations

from pgtail.core.models import Notification
from pgtail.ui.state.undo import UndoBook
from tests.harness import PgServer, notify
from tests.ui.helpers import app_for, payloads, screen_text, wait_for
from tests.ui.toasts import spy_toasts


async def test_clear_then_u_brings_the_lines_and_counts_back(pg: PgServer) -> None:
    app = app_for(pg.dsn, "undo:log", scrollback=50)
    toasts = spy_toasts(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "undo:log" in app.channels.listening, what="listening")
        for n in range(3):
            notify(pg, "undo:log", f"old {n}")
        await wait_for(pilot, lambda: len(payloads(app)) == 3, what="three lines")
        app.log_view.not_shown = 7  # as if a flood had outrun the screen
        await pilot.press("c")
        assert payloads(app) == []
        assert "cleared 3 lines · u undoes" in toasts
        notify(pg, "undo:log", "new")
        await wait_for(pilot, lambda: payloads(app) == ["new"], what="a line after the clear")
        await pilot.press("u")
        assert payloads(app) == ["old 0", "old 1", "old 2", "new"]
        assert app.log_view.not_shown == 7
        assert "7 not shown" in screen_text(app)
        # Undone once: a second u has nothing left.
        await pilot.press("u")
        assert toasts[-1].startswith("nothing to undo")
        assert payloads(app) == ["old 0", "old 1", "old 2", "new"]


async def test_remove_then_u_listens_again_in_the_same_row(pg: PgServer) -> None:
    app = app_for(pg.dsn, "undo:a", "undo:b", "undo:c")
    toasts = spy_toasts(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 3, what="listening")
        await pilot.press("s")  # at 80 columns the list is folded into a line: open it
        assert app.channel_list.has_focus
        await pilot.press("down", "enter")  # filter the log to undo:b
        await wait_for(pilot, lambda: app.log_view.filter == "undo:b", what="filtered")
        await pilot.press("d")
        await wait_for(
            pilot, lambda: "undo:b" not in app.channels.listening, what="UNLISTEN on the server"
        )
        assert app.channels.order == ["undo:a", "undo:c"]
        assert app.log_view.filter is None
        assert "removed 'undo:b' (UNLISTEN) · u undoes" in toasts
        await pilot.press("u")
        assert app.channels.order == ["undo:a", "undo:b", "undo:c"]
        await wait_for(pilot, lambda: "undo:b" in app.channels.listening, what="LISTEN again")
        assert [row.name for row in app.channel_list.rows] == ["undo:a", "undo:b", "undo:c"]
        assert app.channel_list.rows[1].state == "listening"
        assert app.log_view.filter == "undo:b"
        notify(pg, "undo:b", "heard again")
        await wait_for(pilot, lambda: payloads(app) == ["heard again"], what="heard again")
        assert isinstance(app.log_view.lines[-1], Notification)


async def test_undo_lasts_ten_seconds(pg: PgServer) -> None:
    app = app_for(pg.dsn, "undo:late")
    toasts = spy_toasts(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "undo:late" in app.channels.listening, what="listening")
        notify(pg, "undo:late", "line")
        await wait_for(pilot, lambda: payloads(app) == ["line"], what="a line")
        clock = [0.0]
        app.undo.book = UndoBook(clock=lambda: clock[0])
        await pilot.press("c")
        clock[0] += 10.5
        await pilot.press("u")
        assert payloads(app) == []
        assert toasts[-1].startswith("nothing to undo")
