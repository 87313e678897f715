"""A listener of the tests' own: a plain psycopg connection LISTENing on a thread.

What pgtail sends is counted by something that is not pgtail. Each notification is kept with the
``time.monotonic()`` at which this thread read it, so pacing can be checked on the receiver's
clock. :meth:`Listening.settled` sends a marker after the notifications under test, from the
same connection they came from or any other: once the marker arrives, everything committed
before it has arrived too (a NOTIFY is delivered in commit order), so a count taken then is
final, never "so far".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql

from tests.harness.pgserver import PgServer, notify
from tests.harness.wait import wait_until

#: The payload of :meth:`Listening.settled`'s marker.
MARKER = "-- settled --"


@dataclass(frozen=True, slots=True)
class Heard:
    at: float
    """``time.monotonic()`` when the listening thread read it."""
    payload: str


class Listening:
    """Notifications on one channel, as a separate session receives them."""

    def __init__(self, conn: psycopg.Connection[tuple[object, ...]], channel: str) -> None:
        self.channel = channel
        self.heard: list[Heard] = []
        """Everything received on the channel, markers left out, in order."""
        self._markers = 0
        self._conn = conn
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, name="test-listener", daemon=True)
        self._thread.start()

    @property
    def payloads(self) -> list[str]:
        with self._lock:
            return [h.payload for h in self.heard]

    def count(self) -> int:
        with self._lock:
            return len(self.heard)

    def settled(self, pg: PgServer, timeout: float = 20.0) -> list[str]:
        """Send a marker and wait for it: the payloads heard before it, all of them."""
        wanted = self._markers_seen() + 1
        notify(pg, self.channel, MARKER)
        wait_until(
            lambda: self._markers_seen() >= wanted,
            timeout=timeout,
            what=f"the marker on {self.channel!r}",
            seen=lambda: f"{self.count()} notifications heard",
        )
        return self.payloads

    def _markers_seen(self) -> int:
        with self._lock:
            return self._markers

    def _read(self) -> None:
        try:
            while not self._stop.is_set():
                for n in self._conn.notifies(timeout=0.1):
                    at = time.monotonic()
                    with self._lock:
                        if n.payload == MARKER:
                            self._markers += 1
                        else:
                            self.heard.append(Heard(at, n.payload))
        except psycopg.OperationalError:
            pass  # the server went away (a test that stops it): what was heard stays

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()


@contextmanager
def listening(pg: PgServer, channel: str) -> Iterator[Listening]:
    """LISTEN on *channel* (done when this enters) until the block ends."""
    conn = psycopg.connect(pg.socket_dsn, autocommit=True, connect_timeout=10)
    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
    listener = Listening(conn, channel)
    try:
        yield listener
    finally:
        listener.close()
