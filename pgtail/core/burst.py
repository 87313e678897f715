"""Sending a burst: the same template N times, paced or as fast as the server takes them.

A burst runs on the core's event loop, one NOTIFY at a time through the
:class:`~pgtail.core.sender.Sender` (each waits for the server, so the listener on the same loop
keeps reading meanwhile, and the UI thread only looks at :attr:`BurstRun.sent` now and then).
Pacing keeps to a schedule fixed at the start (send *i* at ``start + (i - 1) / rate``), so a slow
send is caught up on rather than delaying every later one.

Cancelling never interrupts a NOTIFY on its way: it stops the burst before the next one, so
:attr:`BurstRun.sent` is exactly what the server was given.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pgtail.core.notify_template import LIVE, Burst, Values
from pgtail.core.sender import SendError


class Notifier(Protocol):
    """What a burst sends through (a :class:`~pgtail.core.sender.Sender`)."""

    async def notify(self, channel: str, payload: str) -> None: ...


@dataclass(frozen=True, slots=True)
class BurstOutcome:
    """How a burst ended."""

    sent: int
    """Notifications the server took."""
    total: int
    """How many were asked for."""
    cancelled: bool = False
    """Stopped by :meth:`BurstRun.cancel` before the last one."""
    error: str | None = None
    """Why a NOTIFY failed, which stopped the burst there."""


class BurstRun:
    """One burst to *channel*. Create it anywhere; await :meth:`run` and call :meth:`cancel`
    on the core loop."""

    def __init__(
        self,
        sender: Notifier,
        channel: str,
        burst: Burst,
        *,
        started: Callable[[], object] | None = None,
        values: Values = LIVE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.channel = channel
        self.burst = burst
        self.sent = 0
        """Notifications sent so far; read from any thread."""
        self._sender = sender
        self._started = started
        self._values = values
        self._clock = clock
        self._cancelled = False
        self._wake: asyncio.Event | None = None

    @property
    def total(self) -> int:
        return self.burst.count

    async def run(self) -> BurstOutcome:
        """Send the burst; returns how it went (a failed NOTIFY ends it, it is not raised)."""
        self._wake = asyncio.Event()
        interval = self.burst.interval()
        start = self._clock()
        for n in range(1, self.total + 1):
            if interval and n > 1:
                await self._wait_until(start + (n - 1) * interval)
            if self._cancelled:
                return BurstOutcome(self.sent, self.total, cancelled=True)
            try:
                await self._sender.notify(self.channel, self.burst.template.expand(n, self._values))
            except SendError as exc:
                return BurstOutcome(self.sent, self.total, error=str(exc))
            self.sent = n
            if n == 1 and self._started is not None:
                self._started()
        return BurstOutcome(self.sent, self.total)

    async def cancel(self) -> None:
        """Stop before the next NOTIFY (one on its way is sent and counted)."""
        self._cancelled = True
        if self._wake is not None:
            self._wake.set()

    async def _wait_until(self, due: float) -> None:
        delay = due - self._clock()
        if delay <= 0 or self._wake is None:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)
