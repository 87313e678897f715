"""The listening core: one connection at a time, its LISTEN set, notifications and reconnects,
as events.

Plain asyncio, no UI. A :class:`Listener` keeps one autocommit connection open, reconnecting with
backoff until stopped. Each connection is driven by a :class:`~pgtail.core.session.Session`,
which works libpq's asynchronous interface directly (``pgconn``) instead of psycopg's
``notifies()`` generator, because:

- ``notifies()`` holds the connection lock while it runs, so LISTEN/UNLISTEN would have to wait for
  it; here commands are sent from the same loop that reads, and take effect at once;
- psycopg decodes payloads strictly and raises on bytes the encoding cannot decode; here the raw
  bytes are decoded with replacement characters, so no payload can stop the listener;
- a heartbeat (an empty query) can be in flight while notifications keep streaming, and its
  deadline notices a link that died silently (no RST, no FIN) within seconds.

The listener is the supervisor around those sessions: it owns the channels (a
:class:`~pgtail.core.channel_set.ChannelSet`, kept across connections), the states, the gaps
between connections, and the delivery check that a NOTIFY really reaches each new session.

Events go to one callback, ``on_event``, in the order they happen. Notifications are delivered in
batches (everything read from the socket in one go).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import psycopg

from pgtail.core.backoff import Backoff
from pgtail.core.channel_set import ChannelSet
from pgtail.core.channels import validate_channel
from pgtail.core.dsn import Dsn
from pgtail.core.errors import describe_error
from pgtail.core.models import (
    INTERNAL_CHANNEL_PREFIX,
    ChannelsChanged,
    ConnectionState,
    DeliveryChecked,
    Gap,
    ListenerEvent,
    ListenerWarning,
    Phase,
)
from pgtail.core.session import (
    CommandFailed,
    Connection,
    FatalError,
    Lost,
    Session,
    SessionHooks,
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
        self._probe_channel = f"{INTERNAL_CHANNEL_PREFIX}{secrets.token_hex(6)}"
        self._probe_seen: asyncio.Event | None = None
        self.options = options or ListenerOptions()
        self._emit = on_event
        self._channels = ChannelSet()
        self._session: Session | None = None
        """The session of the live connection, from its first query until it is given up."""
        self._hooks = SessionHooks(
            emit=on_event,
            relistening=self._relistening,
            channels_changed=self._channels_changed,
            probe_seen=self._delivery_seen,
        )
        self._stopping = False
        self._stop_event: asyncio.Event | None = None
        self._retry_event: asyncio.Event | None = None
        """Set by :meth:`retry_now`; exists only while waiting to reconnect."""
        self._state = ConnectionState(phase=Phase.CONNECTING, server=dsn.display, since=time.time())
        for name in channels:
            validate_channel(name)
            self._add(name)

    # ---- public API -------------------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def wanted(self) -> list[str]:
        return self._channels.wanted

    @property
    def listening(self) -> frozenset[str]:
        """The user's names whose server-side channel is LISTENed on right now."""
        return self._channels.listening

    @property
    def backend_pid(self) -> int | None:
        """The listening session's backend pid, while connected."""
        return self._session.backend_pid if self._session is not None else None

    async def subscribe(self, name: str) -> None:
        """Listen on *name* (exactly as written). Returns once the server listens, or queued
        for the next connection when not connected. Raises ValueError for an invalid name."""
        validate_channel(name)
        if name in self._channels:
            return
        self._add(name)
        self._emit_channels()
        await self._queue("LISTEN", name)

    async def unsubscribe(self, name: str) -> None:
        """Stop listening on *name*. After this returns no notification of it is reported."""
        if name not in self._channels:
            return
        self._channels.remove(name)
        self._emit_channels()
        await self._queue("UNLISTEN", name)

    def stop(self) -> None:
        """Ask :meth:`run` to close the connection and return. Safe to call at any time."""
        self._stopping = True
        if self._stop_event is not None:
            self._stop_event.set()
        if self._session is not None:
            self._session.wake()

    async def retry_now(self) -> bool:
        """While waiting to reconnect, try at once instead of waiting out the backoff.

        Returns False when there is no wait to cut short (connected, or an attempt is already
        under way). A coroutine so the UI can run it on the core loop (``CoreThread.call``).
        """
        if self._retry_event is None:
            return False
        self._retry_event.set()
        return True

    async def run(self) -> ConnectionState:
        """Connect, listen and reconnect until :meth:`stop` or an error retrying cannot fix.

        Returns the final state (STOPPED or FAILED), which has also been emitted.
        """
        stop_event = self._stop_event = asyncio.Event()
        if self._stopping:
            stop_event.set()
        attempt = 0
        lost_at: float | None = None
        last_error: str | None = None
        try:
            while not self._stopping:
                if attempt == 0:
                    self._set_state(Phase.CONNECTING)
                conn: Connection | None = None
                try:
                    conn = await self._connect()
                    if conn is None:
                        break
                    session = self._session = Session(
                        conn,
                        self._channels,
                        self._hooks,
                        self.options,
                        stop_event,
                        self.dsn.secrets,
                        self._probe_channel if self._probe is not None else None,
                    )
                    await session.setup()
                    attempt = 0
                    self._set_state(Phase.CONNECTED, backend_pid=self.backend_pid)
                    if lost_at is not None:
                        self._emit(Gap(lost_at=lost_at, back_at=time.time()))
                        lost_at = None
                    lost = await self._serve(session)
                    if lost is None:
                        break  # stopped
                    lost_at, last_error = lost.at, lost.reason
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
                    if self._session is not None:
                        # Callers waiting on a command are released; from here on new commands
                        # wait for the next connection's LISTENs.
                        self._session.release()
                        self._session = None
                    if conn is not None:
                        await self._close(conn)
                    self._channels.disconnected()
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
                if await self._sleep(delay):
                    # Retried at once (retry_now): the state says so instead of a countdown.
                    self._set_state(
                        Phase.RECONNECTING,
                        attempt=attempt,
                        next_try_at=time.time(),
                        last_error=last_error,
                    )
        except asyncio.CancelledError:
            self._finish(Phase.STOPPED, None)
            raise
        return self._finish(Phase.STOPPED, None)

    # ---- one connection -----------------------------------------------------------------------

    async def _connect(self) -> Connection | None:
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

    async def _serve(self, session: Session) -> Lost | None:
        """Serve *session*, checking meanwhile that notifications reach it."""
        check = None
        if self._probe is not None:
            check = asyncio.create_task(self._check_delivery(self._probe))
        try:
            return await session.serve()
        finally:
            if check is not None:
                check.cancel()

    async def _close(self, conn: Connection) -> None:
        with contextlib.suppress(Exception):
            conn.pgconn.notify_handler = None
        # A graceful close sends a Terminate message and can hang on a dead link: finish() is
        # immediate and enough for a connection we are abandoning anyway.
        with contextlib.suppress(Exception):
            conn.pgconn.finish()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.close(), 1.0)

    # ---- the delivery check -------------------------------------------------------------------

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

    def _delivery_seen(self) -> None:
        if self._probe_seen is not None:
            self._probe_seen.set()

    # ---- channels -----------------------------------------------------------------------------

    def _add(self, name: str) -> None:
        warning = self._channels.add(name)
        if warning is not None:
            self._emit(ListenerWarning(warning, channel=name))

    async def _queue(self, verb: str, name: str) -> None:
        session = self._session
        if session is None or self._state.phase not in (Phase.CONNECTED, Phase.RELISTENING):
            return  # applied by the LISTENs of the next connection
        try:
            await session.command(verb, name)
        except CommandFailed as exc:
            if verb == "LISTEN":
                self._channels.remove(name)
                self._emit_channels()
            raise ValueError(str(exc)) from None

    def _relistening(self) -> None:
        self._set_state(Phase.RELISTENING, backend_pid=self.backend_pid)

    def _channels_changed(self) -> None:
        self._emit_channels()
        # While serving, the state's counts follow; during the re-LISTEN round the state moves
        # on with each LISTEN (see _relistening), and once connected with the CONNECTED state.
        if self._state.phase is Phase.CONNECTED:
            self._set_state(Phase.CONNECTED, backend_pid=self.backend_pid)

    def _emit_channels(self) -> None:
        self._emit(ChannelsChanged(wanted=frozenset(self.wanted), listening=self.listening))

    # ---- states -------------------------------------------------------------------------------

    def _set_state(self, phase: Phase, **kwargs: object) -> None:
        since = self._state.since if phase == self._state.phase else time.time()
        state = ConnectionState(
            phase=phase,
            server=self.dsn.display,
            since=since,
            listening=len(self.listening),
            wanted=len(self._channels),
            **kwargs,  # type: ignore[arg-type]
        )
        if state != self._state:
            self._state = state
            self._emit(state)

    def _finish(self, phase: Phase, message: str | None) -> ConnectionState:
        self._set_state(phase, last_error=message)
        return self._state

    async def _sleep(self, delay: float) -> bool:
        """Wait *delay* seconds, less when stopped; True when :meth:`retry_now` cut it short."""
        assert self._stop_event is not None
        retry = self._retry_event = asyncio.Event()
        waits = {asyncio.ensure_future(event.wait()) for event in (self._stop_event, retry)}
        try:
            await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._retry_event = None
            for wait in waits:
                wait.cancel()
        return retry.is_set() and not self._stopping
