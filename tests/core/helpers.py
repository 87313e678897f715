"""Running a Listener in a test and waiting for what it reports."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

from pgtail.core.backoff import Backoff
from pgtail.core.dsn import parse
from pgtail.core.listener import Listener, ListenerOptions
from pgtail.core.models import (
    ConnectionState,
    Gap,
    ListenerEvent,
    Notification,
    NotificationBatch,
    Phase,
)
from tests.harness.wait import wait_for

#: Short reconnect delays so fault tests finish quickly; the logic is the same.
FAST = ListenerOptions(backoff=Backoff(initial=0.1, cap=0.5))


@dataclass
class Recorder:
    """Collects a listener's events, in order, and lets a test wait for a condition."""

    events: list[ListenerEvent] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, event: ListenerEvent) -> None:
        self.events.append(event)
        if isinstance(event, NotificationBatch):
            self.notifications.extend(event.items)
        self._changed.set()

    @property
    def states(self) -> list[ConnectionState]:
        return [e for e in self.events if isinstance(e, ConnectionState)]

    @property
    def gaps(self) -> list[Gap]:
        return [e for e in self.events if isinstance(e, Gap)]

    def payloads(self, channel: str | None = None) -> list[str]:
        return [n.payload for n in self.notifications if channel in (None, n.channel)]

    async def pause(self, delay: float | None = None) -> None:
        """Let the listener run until its next event, or for *delay* seconds at most: how
        :func:`tests.harness.wait.wait_for` waits between two looks at a condition."""
        self._changed.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._changed.wait(), delay)

    async def wait(
        self, condition: Callable[[], bool], timeout: float = 15.0, what: str | None = None
    ) -> None:
        """Wait until *condition* holds, looking again after every event; the failure shows the
        latest events."""
        await wait_for(self, condition, timeout, what, seen=self._latest, interval=0.2)

    def _latest(self) -> str:
        return f"latest events: {self.events[-12:]!r}"

    async def wait_phase(self, phase: Phase, timeout: float = 15.0) -> ConnectionState:
        await self.wait(
            lambda: bool(self.states) and self.states[-1].phase is phase,
            timeout,
            f"the listener {phase.value}",
        )
        return self.states[-1]


@contextlib.asynccontextmanager
async def running(
    dsn: str, channels: Iterable[str], options: ListenerOptions = FAST
) -> AsyncIterator[tuple[Listener, Recorder]]:
    """A connected listener on *channels*; stopped (and checked to stop) on exit."""
    rec = Recorder()
    listener = Listener(parse(dsn), channels, rec, options)
    task = asyncio.create_task(listener.run())
    try:
        yield listener, rec
    finally:
        listener.stop()
        final = await asyncio.wait_for(task, 10)
        assert final.phase in (Phase.STOPPED, Phase.FAILED)
