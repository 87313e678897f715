"""The channel rows' bookkeeping: which channels have a row, which are off, what they received.

Rows belong to the user: a channel keeps its row while toggled off, or while the core has not
confirmed its LISTEN yet; only removing it drops the row. The core says what the server listens
on; the inbox's drains say what arrived. This book joins the three into the rows' data, so the
channel list widget only draws. No Textual import here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pgtail.core.channels import validate_channel
from pgtail.ui.state.rates import Activity, ChannelRates

ListenState = Literal["listening", "pending", "off"]


@dataclass(frozen=True, slots=True)
class ChannelRow:
    """What one row shows."""

    name: str
    state: ListenState
    count: int = 0
    last_seen: float | None = None
    rate: float = 0.0
    """Notifications per second, recently."""
    activity: tuple[int, ...] = ()
    """Per-second counts of the last minute, oldest first (the sparkline)."""
    quiet: int | None = None
    """Whole seconds without a notification, once over ``--quiet-after`` (None: not quiet)."""


class ChannelBook:
    """The user's channels in the order added, and what each received."""

    def __init__(
        self, channels: Iterable[str] = (), clock: Callable[[], float] = time.time
    ) -> None:
        self.clock = clock
        """Now, as rates and "last seen" measure it: the wall clock, or in a replay the
        recorded time the replay has reached."""
        self.order: list[str] = list(channels)
        """Every channel with a row, in the order added (including ones toggled off)."""
        self.off: set[str] = set()
        """Channels toggled off: not listened on, row kept."""
        self.listening: frozenset[str] = frozenset()
        """The channels the server listens on for us, as the core last said."""
        self.counts: dict[str, int] = {}
        """Notifications received per channel since the start (exact)."""
        self.last_seen: dict[str, float] = {}
        """Per channel, when its latest notification arrived."""
        self.total = 0
        """Notifications received since the start (exact, also when not all were shown)."""
        self.rates = ChannelRates()
        """Per-channel per-second counts, for the rows' rates and sparklines."""

    def names(self) -> list[str]:
        """The channels with a row (a copy: for completing names in the NOTIFY bar)."""
        return list(self.order)

    def add(self, name: str, at: int | None = None) -> None:
        """Give *name* a row, last or at index *at* (or turn its row back on). Raises ValueError
        for an invalid name."""
        validate_channel(name)
        self.off.discard(name)
        if name not in self.order:
            self.order.insert(len(self.order) if at is None else at, name)

    def remove(self, name: str) -> None:
        """Drop *name*'s row."""
        if name in self.order:
            self.order.remove(name)
        self.off.discard(name)

    def switch(self, name: str, listen: bool) -> None:
        """Mark *name* on (listen) or off, keeping its row."""
        if listen:
            self.off.discard(name)
        else:
            self.off.add(name)

    def count(
        self,
        counts: Mapping[str, int],
        last_seen: Mapping[str, float],
        total: int,
        activity: Activity,
    ) -> None:
        """Take the exact totals of a drain, and what arrived since the last per second."""
        self.counts, self.last_seen, self.total = dict(counts), dict(last_seen), total
        self.rates.add(activity)

    def rate(self, now: float | None = None) -> float:
        """Notifications per second recently, over every channel (by :attr:`clock`)."""
        return self.rates.total_rate(self.clock() if now is None else now)

    def rows(self, wanted: Collection[str], now: float | None = None) -> list[ChannelRow]:
        """The rows' data at *now* (default: :attr:`clock`); *wanted* is what the core means to
        listen on.

        A channel on but not (yet) wanted by the core, or wanted but not listened on, is pending.
        """
        now = self.clock() if now is None else now
        rows = []
        for name in self.order:
            state: ListenState
            if name in self.off:
                state = "off"
            elif name in self.listening and name in wanted:
                state = "listening"
            else:
                state = "pending"
            activity = self.rates.per_second(name, now)
            rows.append(
                ChannelRow(
                    name,
                    state,
                    self.counts.get(name, 0),
                    self.last_seen.get(name),
                    self.rates.rate(name, now),
                    tuple(activity) if any(activity) or name in self.counts else (),
                )
            )
        return rows
