"""The listening core: one connection, its LISTEN set, notifications and reconnects, as events.

Plain asyncio, no UI. A :class:`Listener` owns one autocommit connection. After connecting it drives
the connection through libpq's asynchronous interface directly (``pgconn``) instead of psycopg's
``notifies()`` generator, because:

- ``notifies()`` holds the connection lock while it runs, so LISTEN/UNLISTEN would have to wait for
  it; here commands are sent from the same loop that reads, and take effect at once;
- psycopg decodes payloads strictly and raises on bytes the encoding cannot decode; here the raw
  bytes are decoded with replacement characters, so no payload can stop the listener;
- a heartbeat (an empty query) can be in flight while notifications keep streaming, and its
  deadline notices a link that died silently (no RST, no FIN) within seconds.

Events go to one callback, ``on_event``, in the order they happen. Notifications are delivered in
batches (everything read from the socket in one go).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import psycopg
from psycopg import pq

from pgtail.core.backoff import Backoff
from pgtail.core.channels import server_channel_name, validate_channel
from pgtail.core.dsn import Dsn
from pgtail.core.errors import describe_error, one_line
from pgtail.core.models import (
    ChannelsChanged,
    ConnectionState,
    DeliveryChecked,
    Gap,
    ListenerEvent,
    ListenerWarning,
    NotificationBatch,
    Phase,
)

EventCallback = Callable[[ListenerEvent], None]
#: Sends one NOTIFY (channel, payload) over another connection: the delivery check's probe.
Probe = Callable[[str, str], Awaitable[None]]

DELIVERY_FAILED = (
    "a NOTIFY sent to this server did not reach pgtail's session within {timeout:.0f} s: "
    "notifications are not being delivered. The usual cause is a connection pooler in "
    "transaction mode (such as PgBouncer with pool_mode=transaction), where LISTEN cannot work: "
    "connect to PostgreSQL directly or through a session-mode pool"
)

STANDBY_MESSAGE = (
    "the server is a standby in recovery, and LISTEN is impossible there: connect to the primary "
    "(with several hosts in the DSN, add target_session_attrs=read-write)"
)


class ConnectionLost(Exception):
    """The live connection is gone (closed, reset, or silent past the heartbeat deadline)."""


class FatalError(Exception):
    """Something retrying cannot fix; the listener ends in the FAILED state with this message."""


@dataclass
class _Command:
    """A LISTEN or UNLISTEN waiting to be sent, and the future of whoever asked for it."""

    verb: str
    channel: str
    done: asyncio.Future[None]


@dataclass
class ListenerOptions:
    """Timings of the core; tests shorten them."""

    heartbeat_idle: float = 3.0
    """Send a heartbeat after this long without any byte from the server."""
    heartbeat_timeout: float = 4.0
    """A heartbeat unanswered for this long means the link is dead."""
    delivery_timeout: float = 3.0
    """How long the delivery check waits for its own NOTIFY to come back."""
    backoff: Backoff = field(default_factory=Backoff)


class Listener:
    """Listens on a set of channels over one connection, reconnecting until stopped."""

    def __init__(
        self,
        dsn: Dsn,
        channels: Iterable[str],
        on_event: EventCallback,
        options: ListenerOptions | None = None,
        probe: Probe | None = None,
    ) -> None:
        self.dsn = dsn
        self._probe = probe
        # A private channel for the delivery check; never reported as a notification.
        self._probe_channel = f"pgtail.delivery-check.{secrets.token_hex(6)}"
        self._probe_seen: asyncio.Event | None = None
        self._probe_task: asyncio.Task[None] | None = None
        self.options = options or ListenerOptions()
        self._emit = on_event
        # The user's names, in the order they were added.
        self._wanted: dict[str, None] = {}
        # Server-side (possibly truncated) names we deliver notifications for.
        self._deliver: set[str] = set()
        # Server-side names the server is listening on right now.
        self._listening: set[str] = set()
        self._commands: deque[_Command] = deque()
        self._inflight: _Command | str | None = None  # a command, "heartbeat", or nothing
        self._inflight_error: str | None = None
        self._heartbeat_sent: float | None = None
        self._raw: list[pq.PGnotify] = []
        self._wake: asyncio.Future[None] | None = None
        self._stopping = False
        self._stop_event: asyncio.Event | None = None
        self._last_notice: str | None = None
        self._state = ConnectionState(phase=Phase.CONNECTING, server=dsn.display, since=time.time())
        self.backend_pid: int | None = None
        for name in channels:
            validate_channel(name)
            self._add_wanted(name)

    # ---- public API -------------------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def wanted(self) -> list[str]:
        return list(self._wanted)

    @property
    def listening(self) -> frozenset[str]:
        """The user's names whose server-side channel is LISTENed on right now."""
        return frozenset(n for n in self._wanted if server_channel_name(n) in self._listening)

    async def subscribe(self, name: str) -> None:
        """Listen on *name* (exactly as written). Returns once the server listens, or queued
        for the next connection when not connected. Raises ValueError for an invalid name."""
        validate_channel(name)
        if name in self._wanted:
            return
        self._add_wanted(name)
        self._emit_channels()
        await self._queue("LISTEN", name)

    async def unsubscribe(self, name: str) -> None:
        """Stop listening on *name*. After this returns no notification of it is reported."""
        if name not in self._wanted:
            return
        del self._wanted[name]
        server_name = server_channel_name(name)
        if not any(server_channel_name(n) == server_name for n in self._wanted):
            self._deliver.discard(server_name)
        self._emit_channels()
        await self._queue("UNLISTEN", name)

    def stop(self) -> None:
        """Ask :meth:`run` to close the connection and return. Safe to call at any time."""
        self._stopping = True
        if self._stop_event is not None:
            self._stop_event.set()
        self._wake_up()

    async def run(self) -> ConnectionState:
        """Connect, listen and reconnect until :meth:`stop` or an error retrying cannot fix.

        Returns the final state (STOPPED or FAILED), which has also been emitted.
        """
        self._stop_event = asyncio.Event()
        if self._stopping:
            self._stop_event.set()
        attempt = 0
        lost_at: float | None = None
        last_error: str | None = None
        try:
            while not self._stopping:
                if attempt == 0:
                    self._set_state(Phase.CONNECTING)
                conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None
                try:
                    conn = await self._connect()
                    if conn is None:
                        break
                    await self._setup(conn)
                    attempt = 0
                    self._set_state(Phase.CONNECTED, backend_pid=self.backend_pid)
                    if lost_at is not None:
                        self._emit(Gap(lost_at=lost_at, back_at=time.time()))
                        lost_at = None
                    lost_at = await self._serve(conn)
                    if lost_at is None:
                        break  # stopped
                    last_error = self._loss_reason
                except FatalError as exc:
                    return self._finish(Phase.FAILED, str(exc))
                except Exception as exc:
                    # Connection errors, and anything unforeseen: the listener must outlive
                    # whatever a server sends, so it reports the error and reconnects.
                    info = describe_error(exc, self.dsn.secrets)
                    if info.fatal:
                        return self._finish(Phase.FAILED, info.message)
                    if self._stopping:
                        break
                    if self._state.phase in (Phase.CONNECTED, Phase.RELISTENING) and (
                        lost_at is None
                    ):
                        lost_at = time.time()
                    last_error = info.message
                finally:
                    self._fail_commands_in_flight()
                    if conn is not None:
                        await self._close(conn)
                    self.backend_pid = None
                    self._listening.clear()
                if self._stopping:
                    break
                attempt += 1
                delay = self.options.backoff.delay(attempt)
                self._emit_channels()
                self._set_state(
                    Phase.RECONNECTING,
                    attempt=attempt,
                    next_try_at=time.time() + delay,
                    last_error=last_error,
                )
                await self._sleep(delay)
        except asyncio.CancelledError:
            self._finish(Phase.STOPPED, None)
            raise
        return self._finish(Phase.STOPPED, None)

    # ---- connecting ---------------------------------------------------------------------------

    async def _connect(self) -> psycopg.AsyncConnection[tuple[object, ...]] | None:
        """Open the connection, or return None when stopped meanwhile."""
        task = asyncio.ensure_future(
            psycopg.AsyncConnection.connect(self.dsn.conninfo, autocommit=True)
        )
        assert self._stop_event is not None
        stopper = asyncio.ensure_future(self._stop_event.wait())
        try:
            await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                conn = await task
                await conn.close()
            return None
        return task.result()

    async def _setup(self, conn: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
        """Check the server can LISTEN, then LISTEN on every wanted channel."""
        self._raw = []
        # psycopg's own handler decodes strictly; ours keeps the raw bytes for _deliver_raw().
        conn.pgconn.notify_handler = self._raw.append
        conn.add_notice_handler(self._on_notice)
        self._last_notice = None
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
        self._codec = "utf-8" if codec == "ascii" else codec
        if self._wanted:
            self._set_state(Phase.RELISTENING, backend_pid=self.backend_pid)
        # Channels subscribed while this runs are picked up by the next round.
        while missing := [n for n in self._wanted if server_channel_name(n) not in self._listening]:
            for name in missing:
                try:
                    query = self._command_bytes("LISTEN", name)
                except UnicodeEncodeError:
                    self._emit(
                        ListenerWarning(
                            f"channel {name!r} cannot be written in the server's encoding "
                            f"({conn.info.encoding}); not listening on it",
                            channel=name,
                        )
                    )
                    del self._wanted[name]
                    continue
                await conn.execute(query)
                self._listening.add(server_channel_name(name))
                self._set_state(Phase.RELISTENING, backend_pid=self.backend_pid)
        if self._probe is not None:
            await conn.execute(self._command_bytes("LISTEN", self._probe_channel))
        self._emit_channels()

    # ---- the connected loop -----------------------------------------------------------------

    async def _serve(self, conn: psycopg.AsyncConnection[tuple[object, ...]]) -> float | None:
        """Read notifications and run commands until the connection is lost (returns when it
        was last known good) or the listener is stopped (returns None)."""
        pgconn = conn.pgconn
        loop = asyncio.get_running_loop()
        fd = pgconn.socket
        last_heard = time.monotonic()
        self._loss_reason = None
        # From here on notifications are taken straight from libpq, see _read_notifies().
        pgconn.notify_handler = None
        self._deliver_raw()  # anything that arrived during setup
        if self._probe is not None:
            self._probe_task = asyncio.create_task(self._check_delivery(self._probe))
        try:
            while not self._stopping:
                if self._inflight is None and self._commands:
                    self._send_next(pgconn)
                now = time.monotonic()
                if self._inflight is None and now - last_heard >= self.options.heartbeat_idle:
                    self._inflight = "heartbeat"
                    self._heartbeat_sent = now
                    self._send(pgconn, b"")
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
                    and time.monotonic() - self._heartbeat_sent > self.options.heartbeat_timeout
                ):
                    waited = time.monotonic() - self._heartbeat_sent
                    self._loss_reason = f"no reply from the server for {waited:.0f} s"
                    return time.time() - waited
        except psycopg.OperationalError as exc:
            self._loss_reason = describe_error(exc, self.dsn.secrets).message
            # The server's own words ("terminating connection due to administrator command")
            # say more than libpq's "server closed the connection unexpectedly".
            if self._last_notice:
                self._loss_reason = self._last_notice
            return time.time()
        except ConnectionLost as exc:
            self._loss_reason = str(exc)
            return time.time()
        finally:
            if self._probe_task is not None:
                self._probe_task.cancel()
                self._probe_task = None
        return None

    async def _check_delivery(self, probe: Probe) -> None:
        """Send a NOTIFY to our private channel from elsewhere and see that it comes back."""
        seen = self._probe_seen = asyncio.Event()
        timeout = self.options.delivery_timeout
        try:
            await probe(self._probe_channel, "delivery check")
        except Exception as exc:
            self._emit(DeliveryChecked(False, f"could not send the delivery check: {exc}"))
            return
        try:
            await asyncio.wait_for(seen.wait(), timeout)
        except asyncio.TimeoutError:
            self._emit(DeliveryChecked(False, DELIVERY_FAILED.format(timeout=timeout)))
        else:
            self._emit(DeliveryChecked(True, "notifications reach this session"))

    def _wait_timeout(self, now: float, last_heard: float) -> float:
        if self._heartbeat_sent is not None:
            return max(0.0, self._heartbeat_sent + self.options.heartbeat_timeout - now) + 0.01
        return max(0.0, last_heard + self.options.heartbeat_idle - now) + 0.01

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

    def _wake_up(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

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
        return f"{verb} {quoted}".encode(self._codec)

    def _collect_results(self, pgconn: pq.abc.PGconn) -> None:
        """Take the results of the command or heartbeat in flight, if they are complete."""
        while self._inflight is not None and not pgconn.is_busy():
            res = pgconn.get_result()
            if res is not None:
                if res.status == pq.ExecStatus.FATAL_ERROR:
                    message = (res.error_message or b"").decode(self._codec, "replace")
                    self._inflight_error = one_line(message)
                continue
            self._complete_inflight(pgconn)
        pgconn.flush()

    def _complete_inflight(self, pgconn: pq.abc.PGconn) -> None:
        inflight, self._inflight = self._inflight, None
        if inflight == "heartbeat":
            self._heartbeat_sent = None
            return
        assert isinstance(inflight, _Command)
        server_name = server_channel_name(inflight.channel)
        if self._inflight_error is None:
            if inflight.verb == "LISTEN":
                self._listening.add(server_name)
            elif not any(server_channel_name(n) == server_name for n in self._wanted):
                self._listening.discard(server_name)
            self._emit_channels()
            self._set_state(self._state.phase, backend_pid=self.backend_pid)
            if not inflight.done.done():
                inflight.done.set_result(None)
        elif not inflight.done.done():
            inflight.done.set_exception(RuntimeError(self._inflight_error))
        if self._commands:
            self._send_next(pgconn)

    def _deliver_raw(self) -> None:
        """Hand the wanted notifications libpq has read out as one batch, still undecoded.

        Channels are matched on their bytes (the server sends exactly the bytes of a LISTENed
        name), so nothing is decoded here: the batch decodes itself when a sink asks for items.
        """
        raw = self._raw
        if not raw:
            return
        self._raw = []
        wanted = self._deliver_names()
        batch = [n for n in raw if n.relname in wanted]
        if len(batch) != len(raw) and self._probe_seen is not None:
            probe = self._probe_channel.encode(self._codec)
            if any(n.relname == probe for n in raw):
                self._probe_seen.set()
        if batch:
            self._emit(NotificationBatch(raw=batch, codec=self._codec, received=time.time()))

    def _deliver_names(self) -> set[bytes]:
        """The delivered channels as the server sends them: in the connection's encoding."""
        names = set()
        for name in self._deliver:
            with contextlib.suppress(UnicodeEncodeError):  # never LISTENed: cannot be sent
                names.add(name.encode(self._codec))
        return names

    def _read_notifies(self, pgconn: pq.abc.PGconn) -> None:
        # iter(callable, sentinel) drains libpq's queue without a Python-level loop.
        self._raw.extend(iter(pgconn.notifies, None))

    # ---- helpers ----------------------------------------------------------------------------

    _codec: str = "utf-8"
    _loss_reason: str | None = None

    def _add_wanted(self, name: str) -> None:
        self._wanted[name] = None
        server_name = server_channel_name(name)
        self._deliver.add(server_name)
        if server_name != name:
            self._emit(
                ListenerWarning(
                    f"channel name {name!r} is longer than 63 bytes: the server listens on "
                    f"{server_name!r} instead (and pg_notify() rejects names that long)",
                    channel=name,
                )
            )

    async def _queue(self, verb: str, name: str) -> None:
        if self._state.phase not in (Phase.CONNECTED, Phase.RELISTENING):
            return  # applied by the LISTENs of the next connection
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._commands.append(_Command(verb, name, done))
        self._wake_up()
        try:
            await done
        except RuntimeError as exc:
            if verb == "LISTEN":
                await self._forget(name)
            raise ValueError(str(exc)) from None

    async def _forget(self, name: str) -> None:
        self._wanted.pop(name, None)
        self._deliver.discard(server_channel_name(name))
        self._emit_channels()

    def _fail_commands_in_flight(self) -> None:
        """Connection gone: waiting callers are released; the next connection re-LISTENs."""
        if isinstance(self._inflight, _Command) and not self._inflight.done.done():
            self._inflight.done.set_result(None)
        for cmd in self._commands:
            if not cmd.done.done():
                cmd.done.set_result(None)
        self._commands.clear()
        self._inflight = None
        self._heartbeat_sent = None

    def _on_notice(self, diag: psycopg.errors.Diagnostic) -> None:
        if diag.message_primary:
            self._last_notice = one_line(diag.message_primary)

    def _emit_channels(self) -> None:
        self._emit(ChannelsChanged(wanted=frozenset(self._wanted), listening=self.listening))

    def _set_state(self, phase: Phase, **kwargs: object) -> None:
        since = self._state.since if phase == self._state.phase else time.time()
        state = ConnectionState(
            phase=phase,
            server=self.dsn.display,
            since=since,
            listening=len(self.listening),
            wanted=len(self._wanted),
            **kwargs,  # type: ignore[arg-type]
        )
        if state != self._state:
            self._state = state
            self._emit(state)

    def _finish(self, phase: Phase, message: str | None) -> ConnectionState:
        self._set_state(phase, last_error=message)
        return self._state

    async def _sleep(self, delay: float) -> None:
        assert self._stop_event is not None
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stop_event.wait(), delay)

    async def _close(self, conn: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
        with contextlib.suppress(Exception):
            conn.pgconn.notify_handler = None
        # A graceful close sends a Terminate message and can hang on a dead link: finish() is
        # immediate and enough for a connection we are abandoning anyway.
        with contextlib.suppress(Exception):
            conn.pgconn.finish()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.close(), 1.0)
