"""``--replay FILE``: print a recording (pipe mode), send it again to a database (``--to``), or
stand in for the listener in the full-screen UI (:class:`ReplaySource`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TextIO

from pgtail.dsn import DsnError, parse
from pgtail.formats import format_json, format_plain
from pgtail.models import (
    ChannelsChanged,
    ConnectionState,
    ListenerEvent,
    Notification,
    NotificationBatch,
    Phase,
)
from pgtail.plain import EXIT_FAILED, EXIT_OK
from pgtail.recording import BadLine, read_recording
from pgtail.sender import Sender, SendError
from pgtail.settings import OutputMode
from pgtail.text import escape

CHUNK = 1000


def _say(err: TextIO, line: str) -> None:
    err.write(f"pgtail: {line}\n")
    err.flush()


def print_recording(path: str, mode: OutputMode, out: TextIO, err: TextIO) -> int:
    """Write every notification of *path* to *out* as ``--json`` or ``--plain`` lines."""
    fmt = format_json if mode is OutputMode.JSON else format_plain
    chunk: list[Notification] = []
    try:
        for item in read_recording(path):
            if isinstance(item, BadLine):
                _say(err, f"{escape(path)} {item}: skipped")
                continue
            chunk.append(item)
            if len(chunk) >= CHUNK:
                out.write(fmt(chunk))
                chunk = []
        out.write(fmt(chunk))
        out.flush()
    except OSError as exc:
        _say(err, f"error: cannot read {escape(path)}: {escape(exc.strerror or str(exc))}")
        return EXIT_FAILED
    except BrokenPipeError:
        return EXIT_OK
    return EXIT_OK


def send_recording(path: str, dsn_text: str | None, err: TextIO) -> int:
    """Send every notification of *path* again, in order, to the database at *dsn_text*."""
    try:
        dsn = parse(dsn_text)
    except DsnError as exc:
        _say(err, f"error: {escape(str(exc))}")
        return EXIT_FAILED
    return asyncio.run(_send_all(path, Sender(dsn), err))


async def _send_all(path: str, sender: Sender, err: TextIO) -> int:
    sent = failed = 0
    try:
        for item in read_recording(path):
            if isinstance(item, BadLine):
                _say(err, f"{escape(path)} {item}: skipped")
                continue
            try:
                await sender.notify(item.channel, item.payload)
                sent += 1
            except SendError as exc:
                failed += 1
                _say(err, f"not sent to {escape(item.channel)}: {escape(str(exc))}")
                if str(exc).startswith("not connected"):
                    return EXIT_FAILED
    except OSError as exc:
        _say(err, f"error: cannot read {escape(path)}: {escape(exc.strerror or str(exc))}")
        return EXIT_FAILED
    finally:
        await sender.close()
    _say(err, f"sent {sent} notification{'s' if sent != 1 else ''} to {escape(sender.dsn.display)}")
    return EXIT_FAILED if failed else EXIT_OK


class ReplaySource:
    """A recording standing in for the listener in the full-screen UI (``pgtail --replay FILE``).

    The file is read when this is made, so its channels are known before the UI starts and bad
    lines can be reported at once; :meth:`run` hands the notifications to the same callback a
    listener would, then idles until stopped. Raises OSError when the file cannot be read.
    """

    def __init__(self, path: str, on_event: Callable[[ListenerEvent], None]) -> None:
        self.path = path
        self.notifications: list[Notification] = []
        self.bad_lines: list[BadLine] = []
        for item in read_recording(path):
            if isinstance(item, BadLine):
                self.bad_lines.append(item)
            else:
                self.notifications.append(item)
        self._emit = on_event
        self._channels = list(dict.fromkeys(n.channel for n in self.notifications))
        self._stop: asyncio.Event | None = None
        self._stopped = False
        self._state = ConnectionState(
            Phase.CONNECTED, server=f"replay of {path}", since=time.time()
        )

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def wanted(self) -> list[str]:
        return list(self._channels)

    def describe(self) -> str:
        """``replay of FILE (N notifications, M bad lines)``."""
        bad = len(self.bad_lines)
        count = len(self.notifications)
        return (
            f"replay of {self.path} ({count:,} notification{'s' if count != 1 else ''}, "
            f"{bad} bad line{'s' if bad != 1 else ''})"
        )

    async def run(self) -> ConnectionState:
        self._stop = asyncio.Event()
        channels = frozenset(self._channels)
        self._emit(ChannelsChanged(wanted=channels, listening=channels))
        for start in range(0, len(self.notifications), CHUNK):
            if self._stopped:
                break
            self._emit(NotificationBatch(self.notifications[start : start + CHUNK]))
            await asyncio.sleep(0)
        if not self._stopped:
            await self._stop.wait()
        self._state = ConnectionState(Phase.STOPPED, server=self._state.server, since=time.time())
        return self._state

    def stop(self) -> None:
        self._stopped = True
        if self._stop is not None:
            self._stop.set()

    async def subscribe(self, name: str) -> None:
        raise ValueError("a replay has no server to listen on")

    async def unsubscribe(self, name: str) -> None:
        """Nothing to stop listening on; the row goes, the recorded lines stay."""
