"""When the UI may drain the inbox again, and when the slower parts of the screen move on.

A notification should show within a frame or two of arriving, yet a drain that scrolls the whole
log repaints every row: during a flood, drains are spaced by the ``--fps`` interval so the bytes
sent to the terminal stay bounded (a slow SSH link). The channel rows and the status line move
on with a clock of their own, once a second while something they show changes with time (counts,
rates, sparklines, "3s ago"), and only when it does once nothing arrives: pgtail sits in a
terminal for hours, and a tick that redraws nothing is CPU spent for nothing. This module
decides; the app owns the timers. No Textual import here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

from pgtail.ui.state.rates import WINDOW

#: How often the status line and channel rows move on while what they show changes each second.
CLOCK_INTERVAL = 1.0
#: How often they move on while reconnecting: the countdown to the next try is shown in tenths.
COUNTDOWN_INTERVAL = 0.25
#: Shortest time between two drains while no flood is on: a notification shows within this
#: (plus one frame), and a steady trickle costs at most this many repaints a second.
CALM_INTERVAL = 1 / 30
#: Past its boundary, a time is shown to have moved on after this much more (clocks differ by
#: the time it takes to draw).
_MARGIN = 0.05


class DrainPacer:
    """Paces drains (calm or flood interval) and the clock of the status line and rows."""

    def __init__(self, fps: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.flood_interval = 1 / max(1, fps)
        """The time between drains during a flood."""
        self.flooding = False
        """True when the latest drain brought more than the log's height per calm interval."""
        self._clock = clock
        self._next_drain = 0.0
        self._last_drain = math.inf
        """When the previous drain ran (none yet: the first counts as one calm interval on)."""
        self._last_clock = -math.inf

    def wait(self) -> float:
        """Seconds until the next drain may run (zero or less: now)."""
        return self._next_drain - self._clock()

    def drained(self, lines: int, height: int) -> None:
        """A drain brought *lines* (shown or dropped) into a log *height* rows high.

        It is a flood when more than the log's height arrived per calm interval since the
        previous drain: a trickle that piled up while the UI was held up (a busy machine) is
        not one, and is shown at the calm pace."""
        now = self._clock()
        intervals = max(1.0, (now - self._last_drain) / CALM_INTERVAL)
        self._last_drain = now
        self.flooding = lines >= max(1, height) * intervals
        interval = self.flood_interval if self.flooding else CALM_INTERVAL
        self._next_drain = now + interval

    def clock_wait(self) -> float:
        """Seconds until the status line and rows may move on again after a drain (zero or
        less: now): at most once per :data:`CLOCK_INTERVAL`, however often drains run."""
        return self._last_clock + CLOCK_INTERVAL - self._clock()

    def clock_ticked(self) -> None:
        """The status line and rows moved on."""
        self._last_clock = self._clock()


def next_clock(
    last_seen: Iterable[float],
    *,
    every_second: bool,
    countdown: bool,
    now: float | None = None,
) -> float:
    """Seconds until the status line or a channel row shows something new, if nothing arrives
    meanwhile (``math.inf``: never).

    *last_seen* holds when each channel's latest notification arrived (Unix time, like *now*):
    under a minute old, a row's sparkline and "12s ago" move every second; older, its "3m ago"
    or "2h ago" changes at the next whole minute or hour of its age. *every_second*: something
    else shown changes each second (a rate not yet back to zero); *countdown*: a reconnection
    countdown is shown.
    """
    if countdown:
        return COUNTDOWN_INTERVAL
    if every_second:
        return CLOCK_INTERVAL
    now = time.time() if now is None else now
    wait = math.inf
    for seen in last_seen:
        age = now - seen
        if age < WINDOW + 1:
            return CLOCK_INTERVAL
        unit = 60.0 if age < 3600 else 3600.0
        wait = min(wait, unit - age % unit + _MARGIN)
    return wait
