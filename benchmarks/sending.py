"""The flood every receiver is measured against, sent from a thread that keeps its times.

The sending itself is the test harness's (``tests.harness.flood``), so the benchmark and the
volume tests send notifications the same way.
"""

from __future__ import annotations

import threading

from tests.harness.flood import send_flood

__all__ = ["CHANNEL", "CHUNK", "Sender", "timeout_for"]

CHANNEL = "bench"
#: Notifications per sending transaction: big enough that commits are not the cost.
CHUNK = 10_000
#: How long a receiver may take before the run gives up on it (seconds per million).
_TIMEOUT_PER_MILLION = 120.0


def timeout_for(n: int) -> float:
    """How long receiving *n* notifications may take before the run gives up on it."""
    return _TIMEOUT_PER_MILLION * max(1.0, n / 1e6)


class Sender(threading.Thread):
    """Sends payloads 1..n on :data:`CHANNEL` in a thread; keeps when it started and ended."""

    def __init__(self, conninfo: str, n: int) -> None:
        super().__init__(daemon=True)
        self.conninfo, self.n = conninfo, n
        self.start_at = self.end_at = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.start_at, self.end_at = send_flood(self.conninfo, CHANNEL, self.n, CHUNK)
        except BaseException as exc:
            self.error = exc

    def finish(self) -> None:
        """Wait for the sending to end; re-raise what ended it early."""
        self.join()
        if self.error:
            raise self.error

    @property
    def seconds(self) -> float:
        return self.end_at - self.start_at
