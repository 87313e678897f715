"""Rates for the UI: per channel (with a one-minute sparkline), and over all channels.

The UI feeds these, once per drain, the exact counts per channel and second that the inbox
gathered (one entry per batch of the listener, not per notification). Only about the last
:data:`WINDOW` seconds are kept per channel. No Textual import here.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping, Sequence

#: Seconds of history kept per channel (the sparkline's span).
WINDOW = 60
#: Seconds the rate is averaged over.
RATE_SECONDS = 5
BLOCKS = "▁▂▃▄▅▆▇█"


class RateMeter:
    """Notifications per second over a sliding window, from a running total."""

    def __init__(self, window: float = 2.0) -> None:
        self.window = window
        """Seconds of history the rate is averaged over."""
        self._samples: deque[tuple[float, int]] = deque()

    def sample(self, total: int, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        self._samples.append((now, total))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.popleft()
        first_t, first_total = self._samples[0]
        elapsed = now - first_t
        return (total - first_total) / elapsed if elapsed > 0 else 0.0


Activity = Mapping[tuple[str, int], int]
"""Notifications per (channel, whole second of their time): what arrived since the last look."""


class ChannelRates:
    """Counts per channel per whole second, for the last minute.

    The seconds are the notifications' own times, so a replay's rates and sparklines follow the
    recording (measured against its recorded clock), not the moment it was loaded.
    """

    def __init__(self) -> None:
        self._buckets: dict[str, dict[int, int]] = {}

    def add(self, activity: Activity) -> None:
        """Count *activity* in; seconds older than :data:`WINDOW` before a channel's newest go."""
        for (channel, second), count in activity.items():
            buckets = self._buckets.setdefault(channel, {})
            buckets[second] = buckets.get(second, 0) + count
            if len(buckets) > 2 * WINDOW:
                newest = max(buckets)
                for old in [at for at in buckets if at <= newest - WINDOW]:
                    del buckets[old]

    def per_second(self, channel: str, now: float | None = None) -> list[int]:
        """The last :data:`WINDOW` seconds of *channel*, oldest first (the current one last)."""
        second = int(time.time() if now is None else now)
        values = [0] * WINDOW
        for at, count in self._buckets.get(channel, {}).items():
            age = second - at
            if 0 <= age < WINDOW:
                values[WINDOW - 1 - age] += count
        return values

    def rate(self, channel: str, now: float | None = None) -> float:
        """Notifications per second over the last :data:`RATE_SECONDS` seconds."""
        return sum(self.per_second(channel, now)[-RATE_SECONDS:]) / RATE_SECONDS

    def total_rate(self, now: float | None = None) -> float:
        """:meth:`rate` over every channel."""
        return sum(self.rate(channel, now) for channel in self._buckets)


def sparkline(values: Sequence[int], columns: int) -> str:
    """*values* squeezed into *columns* block characters (each column the sum of its slice).

    An all-zero span is drawn as a flat line of the lowest block.
    """
    if columns <= 0 or not values:
        return ""
    columns = min(columns, len(values))
    sums = []
    for col in range(columns):
        start = col * len(values) // columns
        end = (col + 1) * len(values) // columns
        sums.append(sum(values[start:end]))
    top = max(sums)
    if top <= 0:
        return BLOCKS[0] * columns
    last = len(BLOCKS) - 1
    # Any activity shows at least the second block, so a single notification is visible.
    return "".join(BLOCKS[0] if s == 0 else BLOCKS[max(1, round(s / top * last))] for s in sums)
