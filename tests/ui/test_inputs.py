"""What the user types that cannot work: a clear message, the text kept, nothing crashes."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

from textual.widgets import Input

from pgtail.core.models import Phase
from pgtail.core.text import is_safe, placeholders
from pgtail.exit_codes import EXIT_FAILED
from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import run
from pgtail.ui.screens.add_channel import AddChannelScreen
from tests.harness import PgServer, free_port
from tests.harness.pgserver import TEST_PASSWORD
from tests.ui.helpers import app_for, screen_text, showing, wait_for


def _bar_error(app: PgtailApp) -> str:
    return str(app.notify_bar.query_one("#notify-error").render())


def test_bad_dsn_syntax_exits_2_with_a_message_and_no_password() -> None:
    for dsn in (
        f"host=db password={TEST_PASSWORD} port",
        f"host='unterminated password={TEST_PASSWORD}",
        f"postgresql://app:{TEST_PASSWORD}@db:notaport/shop",
    ):
        err = io.StringIO()
        with redirect_stderr(err):
            code = run(Settings(dsn=dsn, channels=("x",), mode=OutputMode.TUI))
        assert code == EXIT_FAILED
        assert err.getvalue().startswith("pgtail: error: "), err.getvalue()
        assert TEST_PASSWORD not in err.getvalue()


async def test_over_long_channel_name_in_the_bar_keeps_the_text(pg: PgServer) -> None:
    app = app_for(pg.dsn, "ui:inputs")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
        line = "c" * 64 + " payload"
        app.notify_bar.input.focus()
        app.notify_bar.input.value = line
        await pilot.press("enter")
        await wait_for(pilot, lambda: "64 bytes" in _bar_error(app), what="the error")
        assert "at most 63" in _bar_error(app)
        assert app.notify_bar.input.value == line
        # A quote left open is explained as well.
        app.notify_bar.input.value = '"open quote payload'
        await pilot.press("enter")
        await wait_for(pilot, lambda: "unterminated quote" in _bar_error(app), what="quote")
        assert app.notify_bar.input.value == '"open quote payload'


async def test_notify_while_disconnected_keeps_the_text() -> None:
    app = app_for(f"host=127.0.0.1 port={free_port()} user=postgres", "ui:offline")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.state.phase is Phase.RECONNECTING, what="retrying")
        await pilot.press("n", *"ui:offline hello", "enter")
        await wait_for(pilot, lambda: "not connected" in _bar_error(app), what="the error")
        assert "refused" in _bar_error(app).lower()
        assert app.notify_bar.input.value == "ui:offline hello"
        await wait_for(pilot, lambda: "✗ not connected" in screen_text(app), what="the mark")
        assert app.is_running


async def test_invalid_channel_in_the_add_dialog_keeps_the_text(pg: PgServer) -> None:
    app = app_for(pg.dsn)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
        await pilot.press("a", "space", "space", "enter")
        await wait_for(pilot, lambda: "only spaces" in screen_text(app), what="the error")
        assert isinstance(app.screen, AddChannelScreen)
        long_name = "n" * 70
        app.screen.query_one("#add-input", Input).value = long_name
        await wait_for(
            pilot,
            lambda: showing(app, "70/63 bytes", "cuts longer names to 63 bytes"),
            what="the byte count and the warning",
        )
        await pilot.press("enter")
        # Accepted with a warning: the server listens on the first 63 bytes.
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        assert app.channels.order == [long_name]


def test_placeholders_keep_positions_and_hide_control_characters() -> None:
    text = "a\x1b]0;t\x07\x9b\x7f\u202e\u200bz"
    shown = placeholders(text)
    assert len(shown) == len(text)
    assert is_safe(shown)
    assert shown == "a␛]0;t␇\ufffd␡\ufffd\ufffdz"
    assert placeholders("plain [b]text[/b]") == "plain [b]text[/b]"
