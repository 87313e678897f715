"""What ``pgtail --check`` finds, as plain data for the text and JSON printers."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

Connection = psycopg.Connection[tuple[object, ...]]


class Status(enum.Enum):
    """How a finding reads, from best to worst."""

    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"

    @property
    def rank(self) -> int:
        return list(Status).index(self)


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the diagnosis."""

    check: str
    """What was looked at: server, encoding, delivery, queue; name, listeners, notifiers."""
    status: Status
    message: str
    """A short headline; untrusted text in it (names from the server) is not yet escaped."""
    details: tuple[str, ...] = ()
    """Lines under it: the sessions listening, the functions sending (not yet escaped)."""
    hint: str = ""
    """Why it matters or what to do: pgtail's own words, no names, so it can be wrapped."""


@dataclass(frozen=True, slots=True)
class ListeningSession:
    """Another session seen listening on a channel (its last statement was a LISTEN)."""

    pid: int
    application: str
    user: str
    client: str
    """The client's address, or "local socket"."""
    state: str
    """pg_stat_activity's state: "idle", "idle in transaction", ..."""
    written: str
    """The channel as its LISTEN wrote it, after the server's case folding."""


@dataclass(frozen=True, slots=True)
class Notifier:
    """A function or rule whose source NOTIFYs a channel by a literal name."""

    kind: str
    """"function" or "rule"."""
    name: str
    """``schema.func(args)``, or ``rule on table``."""
    written: str
    """The channel as the source writes it, after case folding of unquoted names."""
    triggers: tuple[str, ...] = ()
    """``trigger on table`` for every trigger that calls the function."""
    disabled_triggers: tuple[str, ...] = ()
    """The triggers among :attr:`triggers` that are disabled (ALTER TABLE ... DISABLE TRIGGER)."""


@dataclass(frozen=True, slots=True)
class ChannelReport:
    """What was found about one channel given with ``-c``."""

    name: str
    """The channel as given."""
    server_name: str
    """The name the server uses: cut to 63 bytes of UTF-8."""
    findings: tuple[Finding, ...]
    listeners: tuple[ListeningSession, ...] = ()
    notifiers: tuple[Notifier, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The whole diagnosis."""

    server: str
    """``user@host:port/db``, never a password."""
    findings: tuple[Finding, ...]
    """Server-wide findings, in the order they were made."""
    channels: tuple[ChannelReport, ...] = ()
    version: str = ""
    standby: bool = False
    server_encoding: str = ""
    client_encoding: str = ""
    delivery_ms: float | None = None
    """The round trip of the delivery check, when the NOTIFY came back."""
    queue_usage: float | None = None
    """pg_notification_queue_usage(), 0..1."""

    def all_findings(self) -> Iterator[Finding]:
        yield from self.findings
        for channel in self.channels:
            yield from channel.findings

    @property
    def status(self) -> Status:
        """The worst status of any finding."""
        return max((f.status for f in self.all_findings()), key=lambda s: s.rank, default=Status.OK)
