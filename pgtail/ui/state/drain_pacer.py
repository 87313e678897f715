"""When the UI may drain the inbox again, and when the slower parts of the screen move on.

A notification should show within a frame or two of arriving, yet a drain that scrolls the whole
log repaints every row: during a flood, drains are spaced by the ``--fps`` interval so the bytes
sent to the terminal stay bounded (a slow SSH link). The channel rows and the status line repaint
on intervals of their own, whatever the traffic. This module decides; the app owns the timers.
No Textual import here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

#: How often the status line and channel rows move on (counts, rate, "3s ago").
STATUS_INTERVAL = 0.25
#: Shortest time between two drains when the last one did not fill the log's height: a
#: notification shows within this (plus one frame), and a steady trickle costs at most this
#: many repaints a second.
CALM_INTERVAL = 1 / 30
#: Channel rows (counts, rates, sparklines, "3s ago") repaint this often, whatever the traffic:
#: repainting them with every drain cost a sixth of the UI thread at 100 notifications/s.
ROWS_INTERVAL = 0.5


@dataclass(frozen=True, slots=True)
class Due:
    """What a tick should refresh besides the log."""

    rows: bool
    """The channel rows (every :data:`ROWS_INTERVAL`)."""
    status: bool
    """The status line's counts and rate, and sender lookups (every :data:`STATUS_INTERVAL`)."""


class DrainPacer:
    """Paces drains (calm or flood interval) and the periodic refreshes, on one clock."""

    def __init__(self, fps: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.flood_interval = 1 / max(1, fps)
        """The time between drains while each drain fills the log's height."""
        self.flooding = False
        """True when the latest drain filled the log's height."""
        self._clock = clock
        self._next_drain = 0.0
        self._last_rows = 0.0
        self._last_status = 0.0

    def wait(self) -> float:
        """Seconds until the next drain may run (zero or less: now)."""
        return self._next_drain - self._clock()

    def drained(self, lines: int, height: int) -> None:
        """A drain brought *lines* (shown or dropped) into a log *height* rows high."""
        self.flooding = lines >= max(1, height)
        interval = self.flood_interval if self.flooding else CALM_INTERVAL
        self._next_drain = self._clock() + interval

    def tick(self) -> Due:
        """What is due now besides the log; each part counts as refreshed once reported due."""
        now = self._clock()
        rows = now - self._last_rows >= ROWS_INTERVAL
        if rows:
            self._last_rows = now
        status = now - self._last_status >= STATUS_INTERVAL
        if status:
            self._last_status = now
        return Due(rows=rows, status=status)
