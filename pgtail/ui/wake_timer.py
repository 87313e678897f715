"""A one-shot timer that can be brought forward: "run this within N seconds"."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer


class WakeTimer:
    """Runs *callback* once, at the earliest time asked for since it last ran."""

    def __init__(self, owner: MessagePump, callback: Callable[[], object]) -> None:
        self._owner = owner
        self._callback = callback
        self._timer: Timer | None = None
        self._due = math.inf

    @property
    def pending(self) -> bool:
        """True while the callback is due to run."""
        return self._timer is not None

    def within(self, delay: float) -> None:
        """Run the callback in *delay* seconds at the latest (``math.inf``: no need to)."""
        due = time.monotonic() + delay
        if due >= self._due or math.isinf(delay):
            return
        if self._timer is not None:
            self._timer.stop()
        self._due = due
        # Textual's timers divide by their delay when late: "now" is a millisecond away.
        self._timer = self._owner.set_timer(max(delay, 0.001), self._run)

    def _run(self) -> None:
        self._timer, self._due = None, math.inf
        self._callback()
