"""Pipe mode: one line per notification on stdout, connection state on stderr.

Used with ``--plain`` / ``--json`` or when stdout is not a terminal, so that ``| grep``, ``| jq``
and ``| head`` work. Output is written and flushed once per batch (not per line) to keep up with
floods; a closed pipe ends pgtail quietly. Untrusted text is escaped in both formats: ``--plain``
shows control characters as visible escapes, ``--json`` leaves nothing raw but printable text.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Callable
from typing import BinaryIO, TextIO

from pgtail.core.dsn import DsnError, parse
from pgtail.core.filter_lang import Filter, FilterError, parse_filter
from pgtail.core.formats import (
    PlainFormat,
    clock_time,
    format_json,
    format_json_batch,
    format_plain,
    format_plain_batch,
    plain_format,
)
from pgtail.core.inspector import Inspector
from pgtail.core.listener import Listener
from pgtail.core.models import (
    ConnectionState,
    DeliveryChecked,
    Gap,
    ListenerEvent,
    ListenerWarning,
    Notification,
    NotificationBatch,
    Phase,
)
from pgtail.core.text import escape
from pgtail.core.wiring import Wiring, wire
from pgtail.exit_codes import EXIT_FAILED, EXIT_OK
from pgtail.settings import OutputMode, Settings
from pgtail.shutdown import ended_by_hangup


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

    def __init__(
        self,
        mode: OutputMode,
        out: TextIO,
        err: TextIO,
        inspector: Inspector | None = None,
        line_filter: Filter | None = None,
        plain: PlainFormat = format_plain,
    ) -> None:
        self._filter = line_filter
        """With ``--filter``: only notifications passing it are written (``count`` has all)."""
        # --plain's lines: --time and --columns shape them; --json's never change. Without
        # either, both are made as bytes from the raw batch (the fast path).
        self._format = format_json if mode is OutputMode.JSON else plain
        self._format_batch = (
            format_json_batch
            if mode is OutputMode.JSON
            else format_plain_batch
            if plain is format_plain
            else None
        )
        self._out = out
        # Lines are made as bytes from the raw batch and go to the binary stream underneath
        # (sys.stdout.buffer) when there is one, skipping a decode and re-encode per batch.
        self._binary: BinaryIO | None = getattr(out, "buffer", None)
        self._err = err
        self.closed = False
        self.on_closed: Callable[[], None] = lambda: None
        self.count = 0
        # With --sender, batches wait in order for their senders to be looked up.
        self._inspector = inspector
        self._pending: asyncio.Queue[list[Notification] | None] | None = None

    def __call__(self, event: ListenerEvent) -> None:
        if isinstance(event, NotificationBatch):
            self.count += len(event)
            if self.closed:
                return
            if self._filter is not None:
                event = self._filter.select_batch(event)
                if not len(event):
                    return
            if self._pending is not None:
                self._pending.put_nowait(event.items)
            elif self._format_batch is None:
                self._write(self._format(event.items))
            else:
                data = self._format_batch(event)
                if self._binary is not None:
                    self._write_bytes(self._binary, data)
                else:
                    self._write(data.decode())
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

    async def write_with_senders(self) -> None:
        """With --sender: write queued batches, in order, each once its senders are known."""
        assert self._inspector is not None
        queue = self._pending = asyncio.Queue()
        while (batch := await queue.get()) is not None:
            try:
                senders = await self._inspector.senders({n.pid for n in batch})
            except Exception as exc:  # the side connection is down: print without senders
                self.say(f"warning: cannot look up senders: {escape(str(exc))}")
                senders = {}
            if not self.closed:
                self._write(format_json(batch, senders))

    def finish(self) -> None:
        if self._pending is not None:
            self._pending.put_nowait(None)

    def say(self, line: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._err.write(f"pgtail: {line}\n")
            self._err.flush()

    def _write_bytes(self, out: BinaryIO, data: bytes) -> None:
        try:
            out.write(data)
            out.flush()
        except (OSError, ValueError):
            self._gone()

    def _write(self, text: str) -> None:
        try:
            self._out.write(text)
            self._out.flush()
        except (OSError, ValueError):
            self._gone()

    def flush(self) -> None:
        try:
            self._out.flush()
        except (OSError, ValueError):
            self.closed = True

    def _gone(self) -> None:
        # The reader went away (`| head`: EPIPE), or the terminal did (a dropped SSH session:
        # EIO): stop quietly, like other Unix filters.
        self.closed = True
        self.on_closed()


async def run_listener(
    listener: Listener, wiring: Wiring, sink: PipeSink | None = None
) -> ConnectionState:
    """Run *listener* until it ends (stopped by a signal, or failed), then close what *wiring*
    opened.

    SIGINT, SIGTERM and SIGHUP (what a dropped SSH session sends) stop the listener, so it
    closes its connection and pgtail ends as after a clean stop; so does the output going away
    before anything is written to it (its terminal hung up, or the reader of its pipe left: a
    quiet channel must not keep a dropped ``ssh host pgtail --json`` alive).
    """
    loop = asyncio.get_running_loop()

    def request_stop() -> bool:
        loop.call_soon_threadsafe(listener.stop)
        return True

    with ended_by_hangup(request_stop, watch=_fileno(sink._out if sink else None)):
        writer = None
        if sink is not None and sink._inspector is not None:
            writer = asyncio.create_task(sink.write_with_senders())
            await asyncio.sleep(0)  # let it set up its queue before the first batch
        try:
            return await listener.run()
        finally:
            if writer is not None and sink is not None:
                sink.finish()
                await writer
            await wiring.close()


def run(settings: Settings, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Pipe mode's main: returns the process exit code."""
    sink = PipeSink(settings.mode, out, err)
    try:
        line_filter = parse_filter(settings.filter or "")
    except FilterError as exc:
        sink.say(f"error: --filter: {escape(str(exc))}")
        return EXIT_FAILED
    plain = plain_format(settings.columns, settings.time)
    sink = PipeSink(settings.mode, out, err, line_filter=line_filter, plain=plain)
    if not settings.channels:
        sink.say("error: nothing to listen on: give at least one channel with -c NAME")
        return EXIT_FAILED
    try:
        dsn = parse(settings.dsn)
    except DsnError as exc:
        sink.say(f"error: {escape(str(exc))}")
        return EXIT_FAILED
    try:
        # The inspector's side connection is only for --sender.
        with_inspector = settings.show_sender
        wiring = wire(dsn, settings.channels, record=settings.record, inspector=with_inspector)
    except OSError as exc:
        sink.say(f"error: cannot write {escape(settings.record or '')}: {escape(str(exc))}")
        return EXIT_FAILED
    if wiring.inspector is not None:
        sink = PipeSink(settings.mode, out, err, wiring.inspector, line_filter, plain)
    try:
        listener = wiring.listener(sink)
    except ValueError as exc:
        sink.say(f"error: {escape(str(exc))}")
        if wiring.recorder is not None:
            wiring.recorder.close()
        return EXIT_FAILED
    sink.on_closed = listener.stop
    final = asyncio.run(run_listener(listener, wiring, sink))
    if not sink.closed:
        # Stopped by a signal: the output may have gone too (the terminal of a dropped SSH
        # session), which the last flush finds out.
        sink.flush()
    if sink.closed:
        # Keep the interpreter from complaining about the closed pipe when it flushes at exit.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
        return EXIT_OK
    return EXIT_FAILED if final.phase is Phase.FAILED else EXIT_OK


def _fileno(stream: TextIO | None) -> int | None:
    try:
        return stream.fileno() if stream is not None else None
    except (AttributeError, OSError, ValueError):
        return None  # not a real file (a test's StringIO)
