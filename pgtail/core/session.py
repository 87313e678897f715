"""One listening connection, from its first query until it is lost or stopped.

:class:`Session` drives an open autocommit connection: it checks the server can LISTEN, picks the
codec payloads are read with, LISTENs on every wanted channel, then serves. Serving goes through
libpq's asynchronous interface (``consume_input`` / ``notifies`` / ``send_query``) rather than
psycopg's ``notifies()``; the listener's module docstring says why. Reconnecting is not its
business: :meth:`Session.serve` returns why the connection was lost and the listener decides.
"""

from __future__ import annotations

import asyncio
import codecs
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import psycopg
from psycopg import pq

from pgtail.core.channel_set import ChannelSet
from pgtail.core.channels import server_channel_name
from pgtail.core.errors import describe_error, one_line
from pgtail.core.models import ListenerEvent, ListenerWarning, NotificationBatch

Connection = psycopg.AsyncConnection[tuple[object, ...]]

STANDBY_MESSAGE = (
    "the server is a standby in recovery, and LISTEN is impossible there: connect to the primary "
    "(with several hosts in the DSN, add target_session_attrs=read-write)"
)


class FatalError(Exception):
    """Something retrying cannot fix; the listener ends in the FAILED state with this message."""


class ConnectionLost(Exception):
    """The live connection is gone (closed, reset, or silent past the heartbeat deadline)."""


class CommandFailed(Exception):
    """The server refused a LISTEN or UNLISTEN; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Lost:
    """Why a connection was given up."""

    at: float
    """When it was last known good (Unix time): the start of the gap."""
    reason: str
    """One line for the user (password scrubbed)."""


class Heartbeat(Protocol):
    """The timings a session reads; read on every round, so a change applies at once."""

    heartbeat_idle: float
    """Send a heartbeat after this long without any byte from the server."""
    heartbeat_timeout: float
    """A heartbeat unanswered for this long means the link is dead."""


@dataclass(frozen=True)
class SessionHooks:
    """How a session reports to the listener running it."""

    emit: Callable[[ListenerEvent], None]
    """Warnings and notification batches, in the order they happen."""
    relistening: Callable[[], None]
    """The re-LISTEN round started, or one of its LISTENs went through."""
    channels_changed: Callable[[], None]
    """What the server listens on changed: the re-LISTEN round ended, or a command went through."""
    probe_seen: Callable[[], None]
    """The delivery check's own NOTIFY came back."""


@dataclass
class _Command:
    """A LISTEN or UNLISTEN waiting to be sent, and the future of whoever asked for it."""

    verb: str
    channel: str
    done: asyncio.Future[None]


_HEARTBEAT = "heartbeat"


class Session:
    """Drives one connection; made afresh for every connect."""

    def __init__(
        self,
        conn: Connection,
        channels: ChannelSet,
        hooks: SessionHooks,
        timings: Heartbeat,
        stop: asyncio.Event,
        secrets: list[str] | None = None,
        probe_channel: str | None = None,
    ) -> None:
        self._conn = conn
        self._channels = channels
        self._hooks = hooks
        self._timings = timings
        self._stop = stop
        self._secrets = secrets
        # A private channel LISTENed for the delivery check; never delivered as notifications.
        self._probe_channel = probe_channel
        self.backend_pid: int | None = None
        self.codec = "utf-8"
        """The codec payloads and channel names are read and written with."""
        self._commands: deque[_Command] = deque()
        self._inflight: _Command | str | None = None  # a command, _HEARTBEAT, or nothing
        self._inflight_error: str | None = None
        self._heartbeat_sent: float | None = None
        self._raw: list[pq.PGnotify] = []
        self._wake: asyncio.Future[None] | None = None
        self._last_notice: str | None = None

    # ---- setup --------------------------------------------------------------------------------

    async def setup(self) -> None:
        """Check the server can LISTEN, then LISTEN on every wanted channel."""
        conn = self._conn
        # psycopg's own handler decodes strictly; ours keeps the raw bytes for _deliver_raw().
        conn.pgconn.notify_handler = self._raw.append
        conn.add_notice_handler(self._on_notice)
        cur = await conn.execute("SELECT pg_backend_pid(), pg_is_in_recovery()")
        row = await cur.fetchone()
        assert row is not None
        self.backend_pid = int(str(row[0]))
        if row[1]:
            raise FatalError(STANDBY_MESSAGE)
        # SQL_ASCII databases hold any bytes: read them as UTF-8 (with replacement characters)
        # rather than ASCII, so that UTF-8 text, the usual content, still shows as written.
        # (client_encoding is left alone: asking for UTF8 there makes the server validate every
        # payload and end the session at the first invalid byte.)
        codec = codecs.lookup(conn.info.encoding).name
        self.codec = "utf-8" if codec == "ascii" else codec
        if len(self._channels):
            self._hooks.relistening()
        # Channels subscribed while this runs are picked up by the next round.
        while missing := self._channels.missing():
            for name in missing:
                try:
                    query = self._command_bytes("LISTEN", name)
                except UnicodeEncodeError:
                    self._hooks.emit(
                        ListenerWarning(
                            f"channel {name!r} cannot be written in the server's encoding "
                            f"({conn.info.encoding}); not listening on it",
                            channel=name,
                        )
                    )
                    self._channels.remove(name)
                    continue
                await conn.execute(query)
                self._channels.mark_listening(name)
                self._hooks.relistening()
        if self._probe_channel is not None:
            await conn.execute(self._command_bytes("LISTEN", self._probe_channel))
        self._hooks.channels_changed()

    # ---- serving ------------------------------------------------------------------------------

    async def serve(self) -> Lost | None:
        """Read notifications and run commands until the connection is lost (returns why) or the
        stop event is set (returns None)."""
        pgconn = self._conn.pgconn
        loop = asyncio.get_running_loop()
        fd = pgconn.socket
        last_heard = time.monotonic()
        # From here on notifications are taken straight from libpq, see _read_notifies().
        pgconn.notify_handler = None
        self._deliver_raw()  # anything that arrived during setup
        try:
            while not self._stop.is_set():
                if self._inflight is None and self._commands:
                    self._send_next(pgconn)
                now = time.monotonic()
                if self._inflight is None and now - last_heard >= self._timings.heartbeat_idle:
                    self._inflight = _HEARTBEAT
                    self._heartbeat_sent = now
                    self._send(pgconn, self._heartbeat_bytes())
                timeout = self._wait_timeout(now, last_heard)
                ready = await self._wait_readable(loop, fd, timeout)
                if ready:
                    pgconn.consume_input()
                    last_heard = time.monotonic()
                    self._collect_results(pgconn)
                    self._read_notifies(pgconn)
                    self._deliver_raw()
                if pgconn.status != pq.ConnStatus.OK:
                    raise ConnectionLost(self._last_notice or "the server closed the connection")
                if (
                    self._heartbeat_sent is not None
                    and time.monotonic() - self._heartbeat_sent > self._timings.heartbeat_timeout
                ):
                    waited = time.monotonic() - self._heartbeat_sent
                    reason = f"no reply from the server for {waited:.0f} s"
                    return Lost(time.time() - waited, reason)
        except psycopg.OperationalError as exc:
            # The server's own words ("terminating connection due to administrator command")
            # say more than libpq's "server closed the connection unexpectedly".
            reason = self._last_notice or describe_error(exc, self._secrets).message
            return Lost(time.time(), reason)
        except ConnectionLost as exc:
            return Lost(time.time(), str(exc))
        return None

    async def command(self, verb: str, name: str) -> None:
        """Send ``LISTEN`` / ``UNLISTEN`` *name* after the commands before it, and wait for it.

        Raises CommandFailed when the server refuses it; returns quietly when the connection goes
        first (the next connection LISTENs on whatever is wanted then)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._commands.append(_Command(verb, name, done))
        self.wake()
        await done

    def wake(self) -> None:
        """Interrupt the wait for the socket: a command was queued, or the stop event set."""
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    def release(self) -> None:
        """Connection gone: waiting callers are released; the next connection re-LISTENs."""
        if isinstance(self._inflight, _Command) and not self._inflight.done.done():
            self._inflight.done.set_result(None)
        for cmd in self._commands:
            if not cmd.done.done():
                cmd.done.set_result(None)
        self._commands.clear()
        self._inflight = None
        self._heartbeat_sent = None

    def _wait_timeout(self, now: float, last_heard: float) -> float:
        if self._heartbeat_sent is not None:
            return max(0.0, self._heartbeat_sent + self._timings.heartbeat_timeout - now) + 0.01
        return max(0.0, last_heard + self._timings.heartbeat_idle - now) + 0.01

    async def _wait_readable(
        self, loop: asyncio.AbstractEventLoop, fd: int, timeout: float
    ) -> bool:
        """Wait until the socket is readable (True), or a command / stop / timeout (False)."""
        fut: asyncio.Future[None] = loop.create_future()
        readable = False

        def on_readable() -> None:
            nonlocal readable
            readable = True
            if not fut.done():
                fut.set_result(None)

        def on_timeout() -> None:
            if not fut.done():
                fut.set_result(None)

        self._wake = fut
        loop.add_reader(fd, on_readable)
        timer = loop.call_later(timeout, on_timeout)
        try:
            await fut
        finally:
            timer.cancel()
            loop.remove_reader(fd)
            self._wake = None
        return readable

    # ---- commands and heartbeats --------------------------------------------------------------

    def _send(self, pgconn: pq.abc.PGconn, query: bytes) -> None:
        pgconn.send_query(query)
        # Commands are tiny; in the rare case the socket buffer is full, libpq keeps the rest and
        # later flush() calls (made before every wait) push it out.
        pgconn.flush()

    def _send_next(self, pgconn: pq.abc.PGconn) -> None:
        cmd = self._commands.popleft()
        self._inflight = cmd
        self._inflight_error = None
        try:
            query = self._command_bytes(cmd.verb, cmd.channel)
        except UnicodeEncodeError:
            self._inflight_error = "the channel name cannot be written in the server's encoding"
            self._complete_inflight(pgconn)
            return
        self._send(pgconn, query)

    def _command_bytes(self, verb: str, name: str) -> bytes:
        """``LISTEN "name"`` in the connection's encoding, the name quoted as an identifier."""
        quoted = '"' + server_channel_name(name).replace('"', '""') + '"'
        return f"{verb} {quoted}".encode(self.codec)

    def _heartbeat_bytes(self) -> bytes:
        """An empty query, as a comment naming the channels listened on: pg_stat_activity
        shows a session's latest query, and other tools (pgtail's discovery and ``--check``
        among them) find listeners by the LISTEN in it. Names that could end or nest the
        comment, or that the encoding cannot write, are left out."""
        listens = []
        for name in sorted(self._channels.listening):
            if "*/" in name or "/*" in name:
                continue
            try:
                listens.append(self._command_bytes("LISTEN", name))
            except UnicodeEncodeError:
                continue
        return b"/* " + b"; ".join(listens) + b" */" if listens else b""

    def _collect_results(self, pgconn: pq.abc.PGconn) -> None:
        """Take the results of the command or heartbeat in flight, if they are complete."""
        while self._inflight is not None and not pgconn.is_busy():
            res = pgconn.get_result()
            if res is not None:
                if res.status == pq.ExecStatus.FATAL_ERROR:
                    message = (res.error_message or b"").decode(self.codec, "replace")
                    self._inflight_error = one_line(message)
                continue
            self._complete_inflight(pgconn)
        pgconn.flush()

    def _complete_inflight(self, pgconn: pq.abc.PGconn) -> None:
        inflight, self._inflight = self._inflight, None
        if inflight == _HEARTBEAT:
            self._heartbeat_sent = None
            return
        assert isinstance(inflight, _Command)
        if self._inflight_error is None:
            if inflight.verb == "LISTEN":
                self._channels.mark_listening(inflight.channel)
            else:
                self._channels.mark_unlistened(inflight.channel)
            self._hooks.channels_changed()
            if not inflight.done.done():
                inflight.done.set_result(None)
        elif not inflight.done.done():
            inflight.done.set_exception(CommandFailed(self._inflight_error))
        if self._commands:
            self._send_next(pgconn)

    # ---- notifications ------------------------------------------------------------------------

    def _deliver_raw(self) -> None:
        """Hand the wanted notifications libpq has read out as one batch, still undecoded.

        Channels are matched on their bytes (the server sends exactly the bytes of a LISTENed
        name), so nothing is decoded here: the batch decodes itself when a sink asks for items.
        """
        raw = self._raw
        if not raw:
            return
        self._raw = []
        wanted = self._channels.delivered(self.codec)
        batch = [n for n in raw if n.relname in wanted]
        if len(batch) != len(raw) and self._probe_channel is not None:
            probe = self._probe_channel.encode(self.codec)
            if any(n.relname == probe for n in raw):
                self._hooks.probe_seen()
        if batch:
            self._hooks.emit(NotificationBatch(raw=batch, codec=self.codec, received=time.time()))

    def _read_notifies(self, pgconn: pq.abc.PGconn) -> None:
        # iter(callable, sentinel) drains libpq's queue without a Python-level loop.
        self._raw.extend(iter(pgconn.notifies, None))

    def _on_notice(self, diag: psycopg.errors.Diagnostic) -> None:
        if diag.message_primary:
            self._last_notice = one_line(diag.message_primary)
