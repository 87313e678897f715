"""Plain data that flows out of the listening core.

Everything here is a frozen dataclass with no behaviour beyond small derived properties, so the
core, the pipe mode and the Textual app can share it without importing each other.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

#: PostgreSQL truncates identifiers (and so channel names) to this many bytes (NAMEDATALEN - 1).
MAX_CHANNEL_BYTES = 63
#: The largest payload the server accepts in the default configuration.
MAX_PAYLOAD_BYTES = 7999
#: pgtail's own channels (the delivery check's) start with this; discovery leaves them out.
INTERNAL_CHANNEL_PREFIX = "pgtail.delivery-check."


@dataclass(frozen=True, slots=True)
class Notification:
    """One NOTIFY as received by the listening connection."""

    channel: str
    """The channel, decoded with the connection's encoding (bad bytes become U+FFFD)."""
    payload: str
    """The payload, decoded the same way; may be empty."""
    pid: int
    """The backend pid of the session that sent it."""
    received: float
    """When pgtail read it from the socket, as a Unix timestamp."""

    @property
    def raw_payload(self) -> bytes | None:
        """The payload's bytes as received, kept only when they are not the UTF-8 of
        :attr:`payload` (see :class:`NotificationWithRawPayload`); None otherwise."""
        return None

    @property
    def invalid_bytes(self) -> bool:
        """True when the payload held bytes invalid in the connection's encoding."""
        return False

    @property
    def payload_bytes(self) -> bytes:
        """The payload's bytes as received."""
        raw = self.raw_payload
        return self.payload.encode("utf-8") if raw is None else raw


@dataclass(frozen=True, slots=True)
class NotificationWithRawPayload(Notification):
    """A notification whose payload bytes are not the UTF-8 of its text, so they are kept.

    That happens when some bytes were invalid in the connection's encoding (a SQL_ASCII database
    holds any bytes; they show as U+FFFD in :attr:`payload`), or when the encoding is not UTF-8
    and the payload is not ASCII. A subclass rather than a field, so that the usual notification
    costs nothing more to build.
    """

    # field(): without it, the base class's property of the same name would be the default.
    raw_payload: bytes = field()
    invalid_bytes: bool = field()


class RawNotify(Protocol):
    """One notification as libpq hands it over (``psycopg.pq.PGnotify``): undecoded bytes."""

    @property
    def relname(self) -> bytes: ...
    @property
    def extra(self) -> bytes: ...
    @property
    def be_pid(self) -> int: ...


class NotificationBatch:
    """Notifications read together; the core hands them out in batches to keep the sinks cheap.

    The core builds batches from libpq's raw notifications and decodes them only when
    :attr:`items` is first read: in a flood, pipe mode formats straight from the bytes and never
    creates a :class:`Notification` per line. Built from a list, a batch is just that list.
    A payload whose bytes its text does not give back in UTF-8 keeps them (see
    :class:`NotificationWithRawPayload`), so the detail view's hex dump shows what arrived.
    """

    __slots__ = ("_items", "codec", "raw", "received")

    def __init__(
        self,
        items: list[Notification] | None = None,
        *,
        raw: Sequence[RawNotify] = (),
        codec: str = "utf-8",
        received: float = 0.0,
    ) -> None:
        self._items = items
        self.raw = raw
        """The undecoded notifications (empty when built from *items*)."""
        self.codec = codec
        """The Python codec of the connection's encoding; bad bytes become U+FFFD."""
        self.received = received
        """When the raw notifications were read (Unix time), the same for all of them."""

    @property
    def items(self) -> list[Notification]:
        """The notifications, decoded (once, on first use)."""
        if self._items is None:
            clean = self._decode_clean_utf8() if self.codec == "utf-8" else None
            self._items = clean if clean is not None else self._decode_keeping_bytes()
        return self._items

    def _decode_clean_utf8(self) -> list[Notification] | None:
        """The notifications when every payload is valid UTF-8 (nearly always), decoded as
        cheaply as ever; None when one is not."""
        received = self.received
        try:
            return [
                Notification(
                    n.relname.decode("utf-8", "replace"),
                    n.extra.decode("utf-8"),
                    n.be_pid,
                    received,
                )
                for n in self.raw
            ]
        except UnicodeDecodeError:
            return None

    def _decode_keeping_bytes(self) -> list[Notification]:
        """Decode one by one, keeping the bytes of each payload whose text does not give them
        back in UTF-8: bad bytes (shown as U+FFFD), or non-ASCII in another encoding."""
        codec, received, utf8 = self.codec, self.received, self.codec == "utf-8"
        items: list[Notification] = []
        for n in self.raw:
            channel, extra, pid = n.relname.decode(codec, "replace"), n.extra, n.be_pid
            try:
                payload = extra.decode(codec)
            except UnicodeDecodeError:
                payload = extra.decode(codec, "replace")
                items.append(
                    NotificationWithRawPayload(channel, payload, pid, received, extra, True)
                )
                continue
            if utf8 or extra.isascii():
                items.append(Notification(channel, payload, pid, received))
            else:
                items.append(
                    NotificationWithRawPayload(channel, payload, pid, received, extra, False)
                )
        return items

    @property
    def decoded(self) -> bool:
        """True when :attr:`items` exists already (always for a batch built from a list)."""
        return self._items is not None

    def __len__(self) -> int:
        return len(self._items) if self._items is not None else len(self.raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NotificationBatch):
            return NotImplemented
        return self.items == other.items

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"NotificationBatch({self.items!r})"


class Phase(enum.Enum):
    """Where the listening connection is in its life."""

    CONNECTING = "connecting"
    RELISTENING = "re-listening"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """A change of the connection's state, with everything a status line needs to say about it."""

    phase: Phase
    server: str
    """The server as ``user@host:port/db``, never with a password."""
    attempt: int = 0
    """Reconnect attempt number (1 for the first retry); 0 when not retrying."""
    next_try_at: float | None = None
    """When the next attempt starts (Unix time), while reconnecting."""
    last_error: str | None = None
    """One line saying why the last attempt or the connection failed (password scrubbed)."""
    since: float | None = None
    """When this phase began (Unix time)."""
    backend_pid: int | None = None
    """The listening session's backend pid, while connected."""
    listening: int = 0
    """How many of the wanted channels are LISTENed on right now."""
    wanted: int = 0
    """How many channels are wanted."""


@dataclass(frozen=True, slots=True)
class Gap:
    """An outage: notifications sent between these two times were not received."""

    lost_at: float
    back_at: float

    @property
    def seconds(self) -> float:
        return max(0.0, self.back_at - self.lost_at)


@dataclass(frozen=True, slots=True)
class ChannelsChanged:
    """The channels the server is listening on for us changed (after LISTEN/UNLISTEN/reconnect)."""

    wanted: frozenset[str]
    listening: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class ListenerWarning:
    """Something the user should know that is not a state change (e.g. a truncated channel)."""

    message: str
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryChecked:
    """The result of the round trip made after each connect: does a NOTIFY reach this session?"""

    ok: bool
    detail: str
    """What was found; when not ok, the usual cause (a pooler in transaction mode)."""


ListenerEvent = (
    NotificationBatch | ConnectionState | Gap | ChannelsChanged | ListenerWarning | DeliveryChecked
)


@dataclass(frozen=True, slots=True)
class SenderInfo:
    """What pg_stat_activity says about the backend that sent a notification."""

    pid: int
    application_name: str = ""
    user: str = ""
    client_addr: str = ""
    backend_type: str = ""
    gone: bool = False
    """True when the backend had already disconnected when pgtail asked."""

    def as_json(self) -> dict[str, object]:
        return {
            "application_name": self.application_name,
            "user": self.user,
            "client_addr": self.client_addr,
            "backend_type": self.backend_type,
            "gone": self.gone,
        }

    def describe(self) -> str:
        if self.gone:
            return f"pid {self.pid} (disconnected)"
        who = self.application_name or self.backend_type or "?"
        where = f" from {self.client_addr}" if self.client_addr else " (local socket)"
        return f"{who} as {self.user or '?'}{where}, pid {self.pid}"


@dataclass(frozen=True, slots=True)
class ChannelSource:
    """One place a channel was seen."""

    kind: str
    """``listener`` (another session LISTENs on it) or ``function`` (named in a function)."""
    where: str
    """The session, or the function (and its triggers), that names it."""


@dataclass(frozen=True, slots=True)
class DiscoveredChannel:
    """A channel worth listening to, and every place it was seen."""

    name: str
    sources: tuple[ChannelSource, ...]
