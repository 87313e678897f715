"""A recording standing in for the listener: the source the UI runs for ``--replay FILE``."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from pgtail.core.models import (
    ChannelsChanged,
    ConnectionState,
    ListenerEvent,
    Notification,
    NotificationBatch,
    Phase,
)
from pgtail.core.recording import BadLine, read_recording
from pgtail.core.replay_pace import Pace, paced


class ReplaySource:
    """A recording standing in for the listener in the full-screen UI (``pgtail --replay FILE``).

    The file is read when this is made, so its channels are known before the UI starts and bad
    lines can be reported at once; :meth:`run` hands the notifications to the same callback a
    listener would (at *speed* times the recorded pace; 0: all at once), then idles until
    stopped. Raises OSError when the file cannot be read.
    """

    def __init__(
        self,
        path: str,
        on_event: Callable[[ListenerEvent], None],
        speed: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.notifications: list[Notification] = []
        self.bad_lines: list[BadLine] = []
        for item in read_recording(path):
            if isinstance(item, BadLine):
                self.bad_lines.append(item)
            else:
                self.notifications.append(item)
        self._emit = on_event
        self._pace = Pace(speed, clock)
        self._channels = list(dict.fromkeys(n.channel for n in self.notifications))
        self._stop: asyncio.Event | None = None
        self._stopped = False
        self._state = ConnectionState(
            Phase.CONNECTED, server=f"replay of {path}", since=time.time()
        )

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def wanted(self) -> list[str]:
        return list(self._channels)

    @property
    def speed(self) -> float:
        return self._pace.speed

    def recorded_now(self) -> float:
        """The recorded time the replay has reached: what the rates, sparklines and "last seen"
        measure against instead of the wall clock. It stops at the last notification."""
        if not self.notifications:
            return time.time()
        reached = self._pace.recorded_now()
        if reached is None:
            return self.notifications[0].received
        return min(reached, self.notifications[-1].received)

    def describe(self) -> str:
        """``replay of FILE (N notifications, M bad lines)``, with ``at 10×`` when paced."""
        bad = len(self.bad_lines)
        count = len(self.notifications)
        pace = f" at {self.speed:g}×" if self.speed else ""
        return (
            f"replay of {self.path}{pace} ({count:,} notification{'s' if count != 1 else ''}, "
            f"{bad} bad line{'s' if bad != 1 else ''})"
        )

    def skipped(self) -> str | None:
        """``FILE: skipped line 3: …; …`` naming the first five bad lines, or None."""
        if not self.bad_lines:
            return None
        shown = "; ".join(str(bad) for bad in self.bad_lines[:5])
        more = f"; and {len(self.bad_lines) - 5} more" if len(self.bad_lines) > 5 else ""
        return f"{self.path}: skipped {shown}{more}"

    async def run(self) -> ConnectionState:
        self._stop = asyncio.Event()
        channels = frozenset(self._channels)
        self._emit(ChannelsChanged(wanted=channels, listening=channels))
        for step in paced(self.notifications, self._pace):
            if self._stopped:
                break
            if isinstance(step, list):
                self._emit(NotificationBatch(step))
                await asyncio.sleep(0)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), step)
        if not self._stopped:
            await self._stop.wait()
        self._state = ConnectionState(Phase.STOPPED, server=self._state.server, since=time.time())
        return self._state

    def stop(self) -> None:
        self._stopped = True
        if self._stop is not None:
            self._stop.set()

    async def subscribe(self, name: str) -> None:
        raise ValueError("a replay has no server to listen on")

    async def unsubscribe(self, name: str) -> None:
        """Nothing to stop listening on; the row goes, the recorded lines stay."""

    async def retry_now(self) -> bool:
        """A recording never reconnects."""
        return False
