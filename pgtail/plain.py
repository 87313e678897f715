"""Pipe mode: one line per notification on stdout, connection state on stderr.

Used with ``--plain`` / ``--json`` or when stdout is not a terminal, so that ``| grep``, ``| jq``
and ``| head`` work. Output is written and flushed once per batch (not per line) to keep up with
floods; a closed pipe ends pgtail quietly. Untrusted text is escaped in both formats: ``--plain``
shows control characters as visible escapes, ``--json`` leaves nothing raw but printable text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json.encoder
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from pgtail.dsn import DsnError, parse
from pgtail.listener import Listener, ListenerOptions
from pgtail.models import (
    ConnectionState,
    DeliveryChecked,
    Gap,
    ListenerEvent,
    ListenerWarning,
    Notification,
    NotificationBatch,
    Phase,
)
from pgtail.sender import Sender
from pgtail.settings import OutputMode, Settings
from pgtail.text import escape, is_safe

EXIT_OK = 0
EXIT_FAILED = 2

_encode_text: Callable[[str], str] = json.encoder.encode_basestring
_encode_ascii: Callable[[str], str] = json.encoder.encode_basestring_ascii


def json_string(text: str) -> str:
    """A JSON string literal for *text*; fully ASCII-escaped when it holds anything invisible."""
    return _encode_text(text) if is_safe(text) else _encode_ascii(text)


def clock_time(ts: float) -> str:
    """``HH:MM:SS.mmm`` in local time."""
    return datetime.fromtimestamp(ts).strftime("%H:%M:%S.%f")[:-3]


def iso_time(ts: float) -> str:
    """ISO 8601 with milliseconds and the local time zone offset."""
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="milliseconds")


def format_plain(batch: list[Notification]) -> str:
    """``HH:MM:SS.mmm  channel  pid  payload`` lines, control characters escaped."""
    lines = []
    stamp_for = 0.0
    stamp = ""
    for n in batch:
        if n.received != stamp_for:
            stamp_for, stamp = n.received, clock_time(n.received)
        lines.append(f"{stamp}  {escape(n.channel)}  {n.pid}  {escape(n.payload)}\n")
    return "".join(lines)


def format_json(batch: list[Notification]) -> str:
    """One JSON object per line: time, channel, pid, payload."""
    lines = []
    stamp_for = 0.0
    stamp = ""
    for n in batch:
        if n.received != stamp_for:
            stamp_for, stamp = n.received, json_string(iso_time(n.received))
        lines.append(
            f'{{"time": {stamp}, "channel": {json_string(n.channel)}, "pid": {n.pid}, '
            f'"payload": {json_string(n.payload)}}}\n'
        )
    return "".join(lines)


def describe_state(state: ConnectionState) -> str | None:
    """A short human line for stderr, or None when the change is not worth a line."""
    server = escape(state.server)
    error = escape(state.last_error or "")
    if state.phase is Phase.CONNECTING:
        return f"connecting to {server}"
    if state.phase is Phase.CONNECTED:
        return f"connected to {server} (backend pid {state.backend_pid}), listening on " + (
            f"{state.listening} channel{'s' if state.listening != 1 else ''}"
        )
    if state.phase is Phase.RECONNECTING:
        wait = ""
        if state.next_try_at is not None:
            wait = f" in {max(0.0, state.next_try_at - time.time()):.1f} s"
        return f"{error or 'connection lost'}; reconnecting{wait} (attempt {state.attempt})"
    if state.phase is Phase.FAILED:
        return f"error: {error}"
    return None


def describe_gap(gap: Gap) -> str:
    return (
        f"gap: notifications sent between {clock_time(gap.lost_at)} and {clock_time(gap.back_at)}"
        f" ({gap.seconds:.1f} s) were not received"
    )


class PipeSink:
    """Turns listener events into stdout lines and stderr messages."""

    def __init__(self, mode: OutputMode, out: TextIO, err: TextIO) -> None:
        self._format = format_json if mode is OutputMode.JSON else format_plain
        self._out = out
        self._err = err
        self.closed = False
        self.on_closed: Callable[[], None] = lambda: None
        self.count = 0

    def __call__(self, event: ListenerEvent) -> None:
        if isinstance(event, NotificationBatch):
            self.count += len(event.items)
            if not self.closed:
                self._write(self._format(event.items))
        elif isinstance(event, ConnectionState):
            line = describe_state(event)
            if line:
                self.say(line)
        elif isinstance(event, Gap):
            self.say(describe_gap(event))
        elif isinstance(event, ListenerWarning):
            self.say(f"warning: {escape(event.message)}")
        elif isinstance(event, DeliveryChecked) and not event.ok:
            self.say(f"warning: {escape(event.detail)}")

    def say(self, line: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._err.write(f"pgtail: {line}\n")
            self._err.flush()

    def _write(self, text: str) -> None:
        try:
            self._out.write(text)
            self._out.flush()
        except (BrokenPipeError, ValueError):
            # The reader went away (`| head`): stop quietly, like other Unix filters.
            self.closed = True
            self.on_closed()


async def run_listener(listener: Listener, sender: Sender) -> ConnectionState:
    """Run *listener* until it ends, stopping it cleanly on SIGINT, SIGTERM and SIGHUP."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, listener.stop)
            installed.append(sig)
    try:
        return await listener.run()
    finally:
        await sender.close()
        for sig in installed:
            loop.remove_signal_handler(sig)


def run(settings: Settings, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Pipe mode's main: returns the process exit code."""
    sink = PipeSink(settings.mode, out, err)
    if not settings.channels:
        sink.say("error: nothing to listen on: give at least one channel with -c NAME")
        return EXIT_FAILED
    try:
        dsn = parse(settings.dsn)
    except DsnError as exc:
        sink.say(f"error: {escape(str(exc))}")
        return EXIT_FAILED
    sender = Sender(dsn)
    try:
        listener = Listener(dsn, settings.channels, sink, ListenerOptions(), probe=sender.notify)
    except ValueError as exc:
        sink.say(f"error: {escape(str(exc))}")
        return EXIT_FAILED
    sink.on_closed = listener.stop
    final = asyncio.run(run_listener(listener, sender))
    if sink.closed:
        # Keep the interpreter from complaining about the closed pipe when it flushes at exit.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
        return EXIT_OK
    return EXIT_FAILED if final.phase is Phase.FAILED else EXIT_OK
