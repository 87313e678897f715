"""Rates for the UI: per channel (with a one-minute sparkline), and over all channels.

The UI feeds these the exact counts it already has once per drain or status tick, so the
listener's hot path does no extra work. Only the last :data:`WINDOW` seconds are kept per channel.
No Textual import here.
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


class ChannelRates:
    """Counts per channel per whole second, for the last minute."""

    def __init__(self) -> None:
        self._buckets: dict[str, deque[list[int]]] = {}
        self._seen: dict[str, int] = {}

    def update(self, counts: Mapping[str, int], now: float | None = None) -> None:
        """Take the latest exact per-channel totals; the difference lands in this second."""
        second = int(time.time() if now is None else now)
        for channel, total in counts.items():
            added = total - self._seen.get(channel, 0)
            self._seen[channel] = total
            if added > 0:
                buckets = self._buckets.setdefault(channel, deque())
                if buckets and buckets[-1][0] == second:
                    buckets[-1][1] += added
                else:
                    buckets.append([second, added])
                while buckets and buckets[0][0] <= second - WINDOW:
                    buckets.popleft()

    def per_second(self, channel: str, now: float | None = None) -> list[int]:
        """The last :data:`WINDOW` seconds of *channel*, oldest first (the current one last)."""
        second = int(time.time() if now is None else now)
        values = [0] * WINDOW
        for at, count in self._buckets.get(channel, ()):
            age = second - at
            if 0 <= age < WINDOW:
                values[WINDOW - 1 - age] += count
        return values

    def rate(self, channel: str, now: float | None = None) -> float:
        """Notifications per second over the last :data:`RATE_SECONDS` seconds."""
        return sum(self.per_second(channel, now)[-RATE_SECONDS:]) / RATE_SECONDS


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
