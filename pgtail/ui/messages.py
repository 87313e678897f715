"""Textual messages: from the core thread to the app, and from widgets up to the app.

Small dataclasses with past-tense names. Notifications themselves never travel as messages: the
app drains :class:`pgtail.ui.inbox.Inbox` on a timer instead (one refresh per tick, not per line).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from pgtail.core.models import (
    ChannelsChanged,
    ConnectionState,
    DiscoveredChannel,
    Notification,
    SenderInfo,
)
from pgtail.ui.state.filtering import LineFilter


@dataclass
class ConnectionStateChanged(Message):
    """The listening connection changed state (posted from the core thread)."""

    state: ConnectionState


@dataclass
class ListenChannelsChanged(Message):
    """The wanted / listened-on channel sets changed (posted from the core thread)."""

    change: ChannelsChanged


@dataclass
class ListenerWarned(Message):
    """The core has something to say that is not a state change."""

    text: str


@dataclass
class DeliveryCheckFinished(Message):
    """The core's delivery check after a connect: does a NOTIFY reach the listening session?"""

    ok: bool
    detail: str


@dataclass
class ChannelAddRequested(Message):
    """The user asked to listen on a new channel."""

    name: str


@dataclass
class ChannelRemoveRequested(Message):
    """The user asked to forget a channel (UNLISTEN and drop its row)."""

    name: str


@dataclass
class ChannelToggleRequested(Message):
    """The user asked to pause or resume listening on a channel, keeping its row."""

    name: str
    listen: bool
    """True to LISTEN again, False to UNLISTEN."""


@dataclass
class ChannelFilterChanged(Message):
    """The log should show only this channel's lines (None: all of them)."""

    name: str | None


@dataclass
class NotifyRequested(Message):
    """The user submitted a line in the NOTIFY bar."""

    channel: str
    payload: str
    line: str
    """The line as typed, for the bar's history."""


@dataclass
class NotifyFinished(Message):
    """A NOTIFY the user asked for was sent (error None) or not (error says why)."""

    error: str | None


@dataclass
class InboxReady(Message):
    """The inbox went from empty to holding lines: time to drain (posted by the core thread)."""


@dataclass
class NotificationChosen(Message):
    """The user opened a log line (Enter or a double click) to see all of it."""

    notification: Notification


@dataclass
class TextFilterChanged(Message):
    """The live filter changed (None: no filter); ``done`` when the user left the filter input."""

    filter: LineFilter | None
    done: bool = False


@dataclass
class SendersFound(Message):
    """Sender lookups finished on the core thread (posted from there)."""

    senders: dict[int, SenderInfo]
    error: str | None = None


@dataclass
class ChannelsDiscovered(Message):
    """Channel discovery finished on the core thread (error set when it could not look)."""

    channels: list[DiscoveredChannel]
    error: str | None = None


@dataclass
class QueueUsageMeasured(Message):
    """The cluster's notification queue usage (0..1), polled on the core thread."""

    usage: float
