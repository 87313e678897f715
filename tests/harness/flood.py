"""Floods of notifications, and a watch on the server's notification queue while they run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

import psycopg

#: One notification per integer of a range; its payload is the integer as text.
_NOTIFY_RANGE = "SELECT count(pg_notify(%s, i::text)) FROM generate_series(%s::int, %s::int) AS i"


def send_flood(
    dsn: str, channel: str, total: int, chunk: int = 100_000, first: int = 1
) -> tuple[float, float]:
    """Send payloads ``first .. first + total - 1`` (as text) to *channel*, *chunk* a commit.

    Returns when the sending started and ended (``time.monotonic()``, connecting excluded).
    ``count()`` keeps the result to one row, so the server's replies cost nothing.
    """
    with psycopg.connect(dsn, autocommit=True) as conn:
        start = time.monotonic()
        for lo in range(first, first + total, chunk):
            hi = min(lo + chunk, first + total) - 1
            conn.execute(_NOTIFY_RANGE, (channel, lo, hi))
        return start, time.monotonic()


def send_paced(
    dsn: str,
    channel: str,
    per_second: int,
    seconds: float,
    stop: threading.Event,
    chunk: int = 1000,
) -> int:
    """Send payloads 1, 2, ... at about *per_second* for *seconds* (or until *stop*).

    Returns how many were sent.
    """
    sent = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        start = time.monotonic()
        while not stop.is_set() and time.monotonic() - start < seconds:
            due = int((time.monotonic() - start) * per_second)
            if due > sent:
                k = min(chunk, due - sent)
                conn.execute(_NOTIFY_RANGE, (channel, sent + 1, sent + k))
                sent += k
            else:
                time.sleep(0.002)
    return sent


class QueueWatch:
    """Polls ``pg_notification_queue_usage()`` on its own connection while in the ``with``.

    ``peak`` is the highest usage seen (0..1). *also* runs at every poll (e.g. to sample RSS).
    A listener that stops reading leaves a whole flood queued (a million is about 2.5 %).
    """

    def __init__(self, dsn: str, also: Callable[[], None] | None = None) -> None:
        self.dsn = dsn
        self.peak = 0.0
        self._also = also
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self._done.is_set():
                row = conn.execute("SELECT pg_notification_queue_usage()").fetchone()
                assert row is not None
                self.peak = max(self.peak, float(row[0]))
                if self._also is not None:
                    self._also()
                time.sleep(0.05)

    def __enter__(self) -> QueueWatch:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join(10)
