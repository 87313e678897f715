"""Replaying a recording at its recorded pace (``--replay FILE --speed X``).

A notification recorded *d* seconds after the first one is handed out *d / speed* seconds after
the replay started: speed 1 keeps the gaps, 10 plays ten times faster, 0 hands everything out at
once. Deadlines are taken from the start, not from the previous line, so a slow consumer catches
up instead of drifting. The clock is injected, and :func:`paced` only says how long to wait: the
pipe sleeps, the UI's replay source awaits, and the tests advance a fake clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator

from pgtail.core.models import Notification

#: Notifications handed out together at most (what is due at once, e.g. the whole file at speed 0).
CHUNK = 1000


class Pace:
    """Maps recorded times onto a clock, at *speed* times the recorded pace (0: no waiting)."""

    def __init__(self, speed: float, clock: Callable[[], float] = time.monotonic) -> None:
        if not (speed >= 0 and math.isfinite(speed)):
            raise ValueError(f"speed must be 0 or more, not {speed}")
        self.speed = speed
        """Recorded seconds per second of the clock; 0 means as fast as possible."""
        self._clock = clock
        self._anchor: tuple[float, float] | None = None
        """(clock time, recorded time) of the first notification, or of the latest jump back."""
        self._latest: float | None = None
        """The recorded time of the latest notification asked about."""

    def due_in(self, recorded: float) -> float:
        """Seconds until the notification recorded at *recorded* is due (zero or less: now).

        The first one is due at once. A recording whose times go backwards (files joined, a
        clock set back) starts its pace again from there, rather than pouring out what follows.
        """
        if self.speed == 0:
            self._latest = recorded
            return 0.0
        now = self._clock()
        if self._anchor is None:
            self._anchor = (now, recorded)
        elif self._latest is not None and recorded < self._latest:
            self._anchor = (self._wall_time(self._latest), recorded)
        self._latest = recorded
        return self._wall_time(recorded) - now

    def recorded_now(self) -> float | None:
        """The recorded time the replay has reached by now; None before the first notification.

        Between two notifications it moves on with the clock (at speed 0 it is the latest one's).
        """
        if self._anchor is None or self.speed == 0:
            return self._latest
        wall, recorded = self._anchor
        return recorded + (self._clock() - wall) * self.speed

    def _wall_time(self, recorded: float) -> float:
        assert self._anchor is not None
        wall, start = self._anchor
        return wall + (recorded - start) / self.speed


def paced(
    notifications: Iterable[Notification], pace: Pace, chunk: int = CHUNK
) -> Iterator[float | list[Notification]]:
    """The replay as steps: a float is seconds to wait, a list is notifications to hand out now.

    Each wait is worked out when the step is asked for, so the time spent handing out the
    previous list counts. Notifications due together come as one list of at most *chunk*.
    """
    batch: list[Notification] = []
    for notification in notifications:
        wait = pace.due_in(notification.received)
        if wait > 0 and batch:
            yield batch
            batch = []
            wait = pace.due_in(notification.received)
        while wait > 0:  # a sleep may end early: never hand a notification out before time
            yield wait
            wait = pace.due_in(notification.received)
        batch.append(notification)
        if len(batch) >= chunk:
            yield batch
            batch = []
    if batch:
        yield batch
