"""Quiet channels under Pilot, against a real server: with a threshold of a fraction of a second a
silent channel's row says ``quiet``, the log says since when, and a NOTIFY makes it speak again.
The palette sets the threshold or turns it off; an outage does not count as silence."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from pgtail.core.models import Notification, Phase
from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import make_app
from pgtail.ui.screens.quiet_after import QuietAfterScreen
from pgtail.ui.state.quiet import QuietLine
from tests.harness import PgServer, notify
from tests.harness.proxy import TcpProxy
from tests.ui.helpers import FAST, payloads, screen_text, showing, wait_for

#: Short enough for a quick test, long enough that a listening channel is not quiet at once.
AFTER = 0.3


def _app(dsn: str, *channels: str, after: float | None = AFTER) -> PgtailApp:
    settings = Settings(dsn=dsn, channels=channels, mode=OutputMode.TUI, quiet_after=after)
    return make_app(settings, options=FAST)


def _quiet_lines(app: PgtailApp, channel: str) -> list[QuietLine]:
    return [ln for ln in app.log_view.lines if isinstance(ln, QuietLine) and ln.channel == channel]


def _went_quiet(app: PgtailApp, channel: str) -> list[QuietLine]:
    return [line for line in _quiet_lines(app, channel) if line.spoke_at is None]


def _spoke(app: PgtailApp, channel: str) -> list[QuietLine]:
    return [line for line in _quiet_lines(app, channel) if line.spoke_at is not None]


def _strip(app: PgtailApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_a_silent_channel_goes_quiet_then_speaks_again_at_80x24(pg: PgServer) -> None:
    app = _app(pg.dsn, "quiet:a", "quiet:b")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        # Nothing received yet: quiet from when listening began, said once in the log.
        await wait_for(pilot, lambda: showing(app, "quiet:a quiet since"), what="the quiet line")
        assert "when listening began" in _went_quiet(app, "quiet:a")[0].text
        # At 80 columns the channels are a strip: each quiet one says so after its count.
        await wait_for(
            pilot,
            lambda: _strip(app).count(" quiet ") == 2,
            what="both channels quiet on the strip",
            seen=lambda: _strip(app),
        )
        assert "quiet:a 0 quiet " in _strip(app)

        notify(pg, "quiet:a", "hello")
        await wait_for(pilot, lambda: payloads(app) == ["hello"], what="hello in the log")
        await wait_for(pilot, lambda: showing(app, "quiet:a spoke at"), what="the spoke line")
        # Order: went quiet, spoke, then the notification itself.
        lines = app.log_view.lines
        spoke = _spoke(app, "quiet:a")[0]
        assert lines.index(spoke) + 1 == lines.index(
            next(ln for ln in lines if isinstance(ln, Notification))
        )
        assert lines.index(_went_quiet(app, "quiet:a")[0]) < lines.index(spoke)
        assert spoke.quiet_for >= AFTER
        # quiet:b never spoke and was said to be quiet exactly once.
        assert len(_went_quiet(app, "quiet:b")) == 1 and _spoke(app, "quiet:b") == []
        # Silent again after its notification: quiet again, since that notification.
        hello = next(ln for ln in lines if isinstance(ln, Notification))
        await wait_for(
            pilot,
            lambda: any(ln.since == hello.received for ln in _went_quiet(app, "quiet:a")),
            what="quiet again since hello",
            seen=lambda: [ln.text for ln in _quiet_lines(app, "quiet:a")],
        )
        notify(pg, "quiet:a", "again")
        await wait_for(
            pilot,
            lambda: showing(app, "quiet:a spoke again at"),
            what="spoke again",
        )


async def test_the_channel_list_row_and_the_palette(pg: PgServer) -> None:
    app = _app(pg.dsn, "quiet:list", after=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "quiet:list" in app.channels.listening, what="listening")
        assert app.quiet.book.next_deadline() is None  # off by default: no timer
        await pilot.press("s")  # the full list
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: "Search for commands" in screen_text(app), what="palette")
        await pilot.press(*"quiet after")
        await wait_for(pilot, lambda: "Mark channels silent" in screen_text(app), what="the hit")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, QuietAfterScreen), what="dialog")
        await pilot.press(*"soon", "enter")
        await wait_for(pilot, lambda: showing(app, "not a number of seconds"), what="the error")
        await pilot.press(*["backspace"] * 4, *"0.3", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuietAfterScreen), what="closed")
        assert app.quiet.book.after == 0.3
        # The row: the warning instead of "listening", and the count.
        await wait_for(
            pilot, lambda: re.search(r"│  quiet \d+s · 0 ", screen_text(app)), what="a quiet row"
        )
        assert "quiet:list quiet since" in screen_text(app)

        # Off again: the row goes back to listening, and no timer is left.
        app.quiet.ask()
        await wait_for(pilot, lambda: isinstance(app.screen, QuietAfterScreen), what="dialog")
        await pilot.press(*["backspace"] * 3, *"0", "enter")
        await wait_for(pilot, lambda: showing(app, "listening · 0 · never"), what="listening row")
        assert app.quiet.book.after is None and app.quiet.book.next_deadline() is None
        assert not re.search(r"quiet \d+s", screen_text(app))


async def test_time_disconnected_is_not_counted_as_quiet(
    pg: PgServer, make_proxy: Callable[[PgServer], TcpProxy]
) -> None:
    proxy = make_proxy(pg)
    after = 0.5
    app = _app(proxy.dsn_for(pg), "quiet:outage", after=after)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "quiet:outage" in app.channels.listening, what="listening")
        await wait_for(pilot, lambda: _went_quiet(app, "quiet:outage"), what="quiet")
        proxy.refuse(True)
        proxy.drop_all()
        await wait_for(pilot, lambda: app.state.phase is Phase.RECONNECTING, what="reconnecting")
        lost = time.monotonic()
        # The outage has to last long enough to be worth stating (a second or more).
        await wait_for(pilot, lambda: time.monotonic() - lost > 1.5, what="a long outage")
        proxy.refuse(False)
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="reconnected")
        await wait_for(pilot, lambda: "quiet:outage" in app.channels.listening, what="LISTEN")
        # Still quiet after the outage, and not said twice.
        await wait_for(
            pilot,
            lambda: app.channel_list.rows[0].quiet is not None,
            what="the row quiet again",
            seen=lambda: app.channel_list.rows,
        )
        assert len(_went_quiet(app, "quiet:outage")) == 1
        notify(pg, "quiet:outage", "back")
        await wait_for(pilot, lambda: _spoke(app, "quiet:outage"), what="the spoke line")
        spoke = _spoke(app, "quiet:outage")[0]
        assert spoke.spoke_at is not None
        assert spoke.unheard >= 1.5
        # Listened-for silence and the time away add up to the whole silence.
        assert abs(spoke.quiet_for + spoke.unheard - (spoke.spoke_at - spoke.since)) < 0.5
        assert "not listening)" in spoke.text


async def test_the_strip_moves_on_by_the_minute_and_the_list_by_the_second(pg: PgServer) -> None:
    app = _app(pg.dsn, "quiet:clock")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _went_quiet(app, "quiet:clock"), what="quiet")
        # As if two minutes had passed: the strip says "quiet 2m" and wakes once a minute.
        real = app.quiet.clock
        app.quiet.clock = lambda: real() + 120
        app.clock.within(0)
        await wait_for(pilot, lambda: "quiet:clock 0 quiet 2m" in _strip(app), what="quiet 2m")
        # s shows the list, which says the seconds too: they move on from now on.
        await pilot.press("s")

        def seconds() -> str:
            found = re.search(r"quiet 2m (\d+)s", screen_text(app))
            return found.group(1) if found else ""

        first = await wait_for(pilot, seconds, what="the list's seconds")
        await wait_for(
            pilot, lambda: seconds() not in ("", first), what="the seconds moving on", seen=seconds
        )
