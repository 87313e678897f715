"""The listener's channel bookkeeping, apart from any connection.

Three views of one set of channels, kept consistent in one place:

- the names the user wants, exactly as written and in the order they were added;
- the names notifications are delivered for: what the server really uses, since it truncates
  identifiers to 63 bytes (two wanted names can share one such name);
- the server-side names the current connection is listening on (empty while disconnected).

No I/O here, so every rule can be tested without a server.
"""

from __future__ import annotations

import contextlib

from pgtail.core.channels import server_channel_name


class ChannelSet:
    """Which channels are wanted, delivered and listened on. Names are not validated here."""

    def __init__(self) -> None:
        # The user's names, in the order they were added (a dict keeps the order).
        self._wanted: dict[str, None] = {}
        # Server-side (possibly truncated) names whose notifications are delivered.
        self._deliver: set[str] = set()
        # Server-side names the server is listening on right now.
        self._listening: set[str] = set()

    @property
    def wanted(self) -> list[str]:
        """The user's names, in the order they were added."""
        return list(self._wanted)

    @property
    def listening(self) -> frozenset[str]:
        """The user's names whose server-side channel is listened on right now."""
        return frozenset(n for n in self._wanted if server_channel_name(n) in self._listening)

    def __contains__(self, name: object) -> bool:
        return name in self._wanted

    def __len__(self) -> int:
        return len(self._wanted)

    def add(self, name: str) -> str | None:
        """Want *name*; its notifications are delivered from now on. Returns the warning to show
        when the server will listen on a shorter name (the first 63 bytes), else None."""
        self._wanted[name] = None
        server_name = server_channel_name(name)
        self._deliver.add(server_name)
        if server_name == name:
            return None
        return (
            f"channel name {name!r} is longer than 63 bytes: the server listens on "
            f"{server_name!r} instead (and pg_notify() rejects names that long)"
        )

    def remove(self, name: str) -> None:
        """Stop wanting *name*. Its server-side name is no longer delivered unless another wanted
        name shares it. The server keeps listening until :meth:`mark_unlistened`."""
        if name not in self._wanted:
            return
        del self._wanted[name]
        server_name = server_channel_name(name)
        if not self._shared(server_name):
            self._deliver.discard(server_name)

    def missing(self) -> list[str]:
        """Wanted names the server is not listening on yet, in order."""
        return [n for n in self._wanted if server_channel_name(n) not in self._listening]

    def mark_listening(self, name: str) -> None:
        """A LISTEN for *name* went through."""
        self._listening.add(server_channel_name(name))

    def mark_unlistened(self, name: str) -> None:
        """An UNLISTEN for *name* went through; a server-side name another wanted name shares is
        still needed, so it stays."""
        server_name = server_channel_name(name)
        if not self._shared(server_name):
            self._listening.discard(server_name)

    def disconnected(self) -> None:
        """The connection is gone and with it everything the server listened on."""
        self._listening.clear()

    def delivered(self, codec: str) -> set[bytes]:
        """The delivered channels as the server sends them: encoded with *codec*. A name the
        codec cannot write is left out (it can never have been listened on)."""
        names = set()
        for name in self._deliver:
            with contextlib.suppress(UnicodeEncodeError):
                names.add(name.encode(codec))
        return names

    def _shared(self, server_name: str) -> bool:
        return any(server_channel_name(n) == server_name for n in self._wanted)
