"""Running the app under Pilot against a real server, and waiting on conditions."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from pgtail.core.backoff import Backoff
from pgtail.core.listener import ListenerOptions
from pgtail.core.models import Notification
from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import make_app

#: Short reconnect delays so outage tests finish quickly; the logic is the same.
FAST = ListenerOptions(backoff=Backoff(initial=0.2, cap=0.5))


def app_for(
    dsn: str, *channels: str, scrollback: int = 10_000, options: ListenerOptions = FAST
) -> PgtailApp:
    settings = Settings(dsn=dsn, channels=channels, mode=OutputMode.TUI, scrollback=scrollback)
    return make_app(settings, options=options)


async def wait_for(
    pilot: Pilot[int], condition: Callable[[], object], timeout: float = 10.0, what: str = ""
) -> None:
    """Let the app run until *condition* is true; fail after *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out waiting for {what or condition}:\n{screen_text(pilot.app)}"
            )
        await pilot.pause(0.02)


def payloads(app: PgtailApp, channel: str | None = None) -> list[str]:
    """Payloads of the notification lines the log currently shows."""
    return [
        line.payload
        for line in app.log_view.lines
        if isinstance(line, Notification) and channel in (None, line.channel)
    ]


def screen_text(app: PgtailApp) -> str:
    """What the terminal would show, as plain text."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )
