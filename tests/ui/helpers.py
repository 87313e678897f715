"""Running the app under Pilot against a real server, and waiting on conditions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from textual.app import App
from textual.pilot import Pilot

from pgtail.core.backoff import Backoff
from pgtail.core.listener import ListenerOptions
from pgtail.core.models import Notification
from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import make_app
from tests.harness import wait

#: Short reconnect delays so outage tests finish quickly; the logic is the same.
FAST = ListenerOptions(backoff=Backoff(initial=0.2, cap=0.5))

T = TypeVar("T")


def app_for(
    dsn: str, *channels: str, scrollback: int = 10_000, options: ListenerOptions = FAST
) -> PgtailApp:
    settings = Settings(dsn=dsn, channels=channels, mode=OutputMode.TUI, scrollback=scrollback)
    return make_app(settings, options=options)


async def wait_for(
    pilot: Pilot[Any],
    condition: Callable[[], T],
    timeout: float = wait.DEFAULT_TIMEOUT,
    what: str | None = None,
    *,
    seen: Callable[[], object] | None = None,
) -> T:
    """Let the app run until *condition* holds and return its value: the shared
    :func:`tests.harness.wait.wait_for`, whose failure shows the screen unless *seen* says what
    else to show."""
    shown = partial(screen_text, pilot.app) if seen is None else seen
    return await wait.wait_for(pilot, condition, timeout, what, seen=shown)


def payloads(app: PgtailApp, channel: str | None = None) -> list[str]:
    """Payloads of the notification lines the log currently shows."""
    return [
        line.payload
        for line in app.log_view.lines
        if isinstance(line, Notification) and channel in (None, line.channel)
    ]


def screen_text(app: App[Any]) -> str:
    """What the terminal would show, as plain text."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


def showing(app: App[Any], *parts: str) -> str:
    """The screen's text when it shows every one of *parts*, else "": a condition to wait for
    before reading the screen, which repaints some time after the state it shows changed."""
    text = screen_text(app)
    return text if all(part in text for part in parts) else ""
