"""Tab in a bar that holds text completes or steps through channel names, and never hands the
rest of the line to the app's keys (a ``d`` in a payload must not remove a channel, a ``c`` must
not clear the log). Escape leaves the bar."""

from __future__ import annotations

from textual.widgets import Input, Label

from pgtail.ui.app import PgtailApp
from pgtail.ui.screens.add_channel import AddChannelScreen
from tests.harness import PgServer, notify
from tests.ui.helpers import app_for, payloads, screen_text, wait_for


def _hint(app: PgtailApp, selector: str) -> str:
    label = app.screen.query_one(selector, Label)
    return str(label.render()) if label.has_class("-shown") else ""


async def test_tab_twice_then_a_payload_is_sent_not_run_as_keys(pg: PgServer) -> None:
    app = app_for(pg.dsn, "orders", "tab:other")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        notify(pg, "tab:other", "kept")
        await wait_for(pilot, lambda: payloads(app) == ["kept"], what="a line in the log")
        bar = app.notify_bar.input
        await pilot.press("n", *"ord", "tab")
        assert bar.value == "orders "
        await pilot.press("tab")
        await pilot.press(*'{"id": 1, "c": "d"}', "enter")
        await wait_for(pilot, lambda: len(payloads(app)) == 2, what="the line sent")
        assert payloads(app) == ["kept", '{"id": 1, "c": "d"}']
        assert app.channels.order == ["orders", "tab:other"]
        assert "orders" in app.channels.listening
        assert app.log_view.filter is None
        assert bar.has_focus
        # Escape leaves the bar.
        await pilot.press("escape")
        assert app.log_view.has_focus


async def test_ambiguous_completion_shows_the_names_and_tab_steps_through_them(
    pg: PgServer,
) -> None:
    app = app_for(pg.dsn, "orders", "orders:new", "orders:old", "Audit Log")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 4, what="listening")
        bar = app.notify_bar.input
        await pilot.press("n", *"or", "tab")
        assert bar.value == "orders"
        hint = _hint(app, "#notify-hint")
        assert "orders:new" in hint and "orders:old" in hint, hint
        assert "orders:old" in screen_text(app)
        await pilot.press("tab")
        assert bar.value == "orders:new "
        await pilot.press("tab")
        assert bar.value == "orders:old "
        await pilot.press("shift+tab")
        assert bar.value == "orders:new "
        await pilot.press("tab", "tab")
        assert bar.value == "orders "
        assert bar.has_focus
        # Typing ends the stepping and the hint; Tab in the payload completes nothing.
        await pilot.press(*"x", "tab", "shift+tab")
        assert bar.value == "orders x"
        assert bar.has_focus
        assert "channel names" in _hint(app, "#notify-hint")
        # A name with a space is quoted.
        bar.value = ""
        await pilot.press(*"Au", "tab")
        assert bar.value == '"Audit Log" '
        # Nothing matches: said so, focus stays.
        bar.value = ""
        await pilot.press(*"zz", "tab")
        assert bar.value == "zz"
        assert bar.has_focus
        assert "no channel name starts with 'zz'" in _hint(app, "#notify-hint")


async def test_tab_in_the_filter_bar_completes_and_stays(pg: PgServer) -> None:
    app = app_for(pg.dsn, "orders", "tab:other")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        await pilot.press("slash", *"ta", "tab")
        assert app.filter_bar.input.value == "tab:other"
        await pilot.press("tab", *"dc")
        assert app.filter_bar.input.has_focus
        assert app.filter_bar.input.value == "tab:otherdc"
        assert app.channels.order == ["orders", "tab:other"]
        # A regex is not completed, and Tab does not leave it either.
        app.filter_bar.input.value = "/or"
        await pilot.press("tab")
        assert app.filter_bar.input.has_focus
        assert app.filter_bar.input.value == "/or"
        await pilot.press("escape")
        assert app.log_view.has_focus


async def test_tab_in_the_add_dialog_completes_names_found_on_the_server(pg: PgServer) -> None:
    import psycopg

    with psycopg.connect(pg.dsn, autocommit=True) as other:
        other.execute('LISTEN "tab:elsewhere"')
        app = app_for(pg.dsn, "orders")
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: "orders" in app.channels.listening, what="listening")
            await pilot.press("a")
            screen = app.screen
            assert isinstance(screen, AddChannelScreen)
            await wait_for(pilot, lambda: "tab:elsewhere" in screen.names, what="discovery")
            await pilot.press(*"tab:", "tab")
            field = screen.query_one("#add-input", Input)
            assert field.value == "tab:elsewhere"
            await pilot.press("tab")
            assert field.has_focus
            await pilot.press("enter")
            await wait_for(pilot, lambda: "tab:elsewhere" in app.channels.listening, what="added")
