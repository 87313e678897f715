"""NOTIFY over a connection of its own, with bound parameters.

``SELECT pg_notify(%s, %s)`` needs no quoting of the channel or the payload, so any text a user
types is sent exactly, and nothing in it can be executed. The sender connects lazily and once more
after a lost connection; every failure comes back as a :class:`SendError` with a one-line message.
"""

from __future__ import annotations

import asyncio
import contextlib

import psycopg

from pgtail.core.channels import server_channel_name, validate_channel
from pgtail.core.dsn import Dsn
from pgtail.core.errors import describe_error, one_line
from pgtail.core.models import MAX_PAYLOAD_BYTES


class SendError(Exception):
    """A NOTIFY that was not sent; the message says why in one line."""


class Sender:
    """Sends notifications. Not safe for concurrent use from several tasks at once."""

    def __init__(self, dsn: Dsn) -> None:
        self.dsn = dsn
        self._conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._lock = asyncio.Lock()

    @property
    def backend_pid(self) -> int | None:
        """The pid notifications sent from here carry, once connected."""
        conn = self._conn
        if conn is None or conn.closed:
            return None
        return conn.info.backend_pid

    async def notify(self, channel: str, payload: str) -> None:
        """Send *payload* to *channel*; raise SendError when it cannot be sent."""
        try:
            validate_channel(channel)
        except ValueError as exc:
            raise SendError(str(exc)) from None
        if server_channel_name(channel) != channel:
            raise SendError(
                f"channel name is {len(channel.encode())} bytes; the server allows at most 63"
            )
        size = len(payload.encode("utf-8"))
        if size > MAX_PAYLOAD_BYTES:
            raise SendError(
                f"payload is {size} bytes; the server accepts at most {MAX_PAYLOAD_BYTES}"
            )
        async with self._lock:
            for attempt in (1, 2):
                conn = await self._connection()
                try:
                    await conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))
                    return
                except psycopg.OperationalError as exc:
                    await self._drop()
                    if attempt == 2 or not conn.closed:
                        raise SendError(self._message(exc)) from None
                except psycopg.Error as exc:
                    raise SendError(self._message(exc)) from None

    async def connect(self) -> int | None:
        """Connect now (to learn the backend pid early); errors are kept for the next notify()."""
        with contextlib.suppress(SendError):
            async with self._lock:
                await self._connection()
        return self.backend_pid

    async def close(self) -> None:
        await self._drop()

    async def _connection(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        try:
            self._conn = await psycopg.AsyncConnection.connect(self.dsn.conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise SendError(f"not connected: {self._message(exc)}") from None
        return self._conn

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 1.0)

    def _message(self, exc: BaseException) -> str:
        if isinstance(exc, psycopg.Error) and exc.diag.message_primary:
            return one_line(exc.diag.message_primary)
        return describe_error(exc, self.dsn.secrets).message
