"""The hand-over point between the core thread and the UI thread.

The listener's callback runs on the core thread for every batch it reads; posting a UI message per
notification (or even per batch) would swamp the UI's message queue during a flood. Instead the
callback appends to a bounded buffer, wakes the UI once, and the UI drains everything that has
collected by then. If the UI falls behind, the oldest undrained lines are dropped and counted, so
memory stays bounded while totals and per-channel counts stay exact. No Textual import here.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from pgtail.core.models import Gap, Notification

LogItem = Notification | Gap
"""What the log shows: notifications and outage lines, in the order they happened."""


@dataclass(slots=True)
class Drained:
    """Everything that arrived since the previous drain."""

    items: list[LogItem]
    """Log lines in arrival order (possibly missing the oldest, see ``dropped``)."""
    dropped: int
    """Notifications that arrived but were dropped before the UI could show them."""
    counts: dict[str, int] = field(default_factory=dict)
    """Per-channel totals since the start (exact, including dropped ones)."""
    last_seen: dict[str, float] = field(default_factory=dict)
    """Per channel, when its latest notification arrived."""
    total: int = 0
    """All notifications received since the start."""
    activity: dict[tuple[str, int], int] = field(default_factory=dict)
    """Notifications since the previous drain per (channel, whole second of their time),
    including dropped ones: the channel rates."""


class Inbox:
    """A thread-safe bounded buffer of log items plus exact counters."""

    def __init__(self, capacity: int, on_ready: Callable[[], object] | None = None) -> None:
        self.capacity = max(1, capacity)
        """At most this many undrained log items are kept."""
        self.on_ready = on_ready
        """Called (on the putting thread) when the inbox goes from drained to holding something,
        so the UI can drain at once instead of polling: one wake-up per drain, not per batch."""
        self._lock = threading.Lock()
        self._items: deque[LogItem] = deque(maxlen=self.capacity)
        self._dropped = 0
        self._counts: Counter[str] = Counter()
        self._last_seen: dict[str, float] = {}
        self._total = 0
        self._activity: Counter[tuple[str, int]] = Counter()
        self._dirty = False

    def put_notifications(self, items: list[Notification]) -> None:
        """Called on the core thread, once per batch."""
        if not items:
            return
        with self._lock:
            overflow = len(self._items) + len(items) - self.capacity
            if overflow > 0:
                self._dropped += overflow
            self._items.extend(items)
            received = items[-1].received
            if len(items) == 1:
                channel = items[0].channel
                self._counts[channel] += 1
                self._last_seen[channel] = received
                self._activity[channel, int(received)] += 1
            elif items[0].received == received:
                # A listener's batch: read in one go, one time for all (per batch, not per line).
                channels = Counter([n.channel for n in items])
                self._counts.update(channels)
                second = int(received)
                for channel, count in channels.items():
                    self._last_seen[channel] = received
                    self._activity[channel, second] += count
            else:
                # A replay's: each line keeps its recorded time.
                self._counts.update([n.channel for n in items])
                for n in items:
                    self._last_seen[n.channel] = n.received
                self._activity.update([(n.channel, int(n.received)) for n in items])
            self._total += len(items)
            was_dirty, self._dirty = self._dirty, True
        if not was_dirty and self.on_ready is not None:
            self.on_ready()

    def put_gap(self, gap: Gap) -> None:
        with self._lock:
            if len(self._items) == self.capacity:
                self._dropped += 1
            self._items.append(gap)
            was_dirty, self._dirty = self._dirty, True
        if not was_dirty and self.on_ready is not None:
            self.on_ready()

    def drain(self) -> Drained | None:
        """Take everything pending; None when nothing arrived since the last drain."""
        with self._lock:
            if not self._dirty:
                return None
            items = list(self._items)
            self._items.clear()
            dropped, self._dropped = self._dropped, 0
            activity, self._activity = self._activity, Counter()
            self._dirty = False
            return Drained(
                items=items,
                dropped=dropped,
                counts=dict(self._counts),
                last_seen=dict(self._last_seen),
                total=self._total,
                activity=dict(activity),
            )
