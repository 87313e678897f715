"""``--replay FILE`` without the UI: print a recording (pipe mode), or send it again to a database
(``--to``). The UI replays through :class:`pgtail.core.replay_source.ReplaySource`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from pgtail.core.dsn import DsnError, parse
from pgtail.core.filter_lang import Filter
from pgtail.core.formats import PlainFormat, format_json, format_plain
from pgtail.core.models import Notification
from pgtail.core.recording import BadLine, read_recording
from pgtail.core.replay_pace import Pace, paced
from pgtail.core.sender import Sender, SendError
from pgtail.core.text import escape
from pgtail.exit_codes import EXIT_FAILED, EXIT_OK
from pgtail.settings import OutputMode


def _say(err: TextIO, line: str) -> None:
    err.write(f"pgtail: {line}\n")
    err.flush()


def print_recording(
    path: str,
    mode: OutputMode,
    out: TextIO,
    err: TextIO,
    line_filter: Filter | None = None,
    pace: Pace | None = None,
    plain: PlainFormat = format_plain,
    sleep: Callable[[float], object] = time.sleep,
) -> int:
    """Write every notification of *path* (passing *line_filter*, when given) to *out* as
    ``--json`` lines, or as *plain* lines (``--plain``, shaped by ``--time`` and ``--columns``):
    all at once, or at the recorded *pace* (flushed as each line is due)."""
    fmt = format_json if mode is OutputMode.JSON else plain
    pace = pace if pace is not None else Pace(0)
    try:
        for step in paced(_readable(path, err, line_filter), pace):
            if isinstance(step, list):
                out.write(fmt(step))
                if pace.speed:
                    out.flush()
            else:
                sleep(step)
        out.flush()
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # the reader has what it wanted (| head)
            _quiet(out)
            return EXIT_OK
        _say(err, f"error: cannot read {escape(path)}: {escape(exc.strerror or str(exc))}")
        return EXIT_FAILED
    return EXIT_OK


def _quiet(out: TextIO) -> None:
    """Point *out* at /dev/null, so the interpreter's flush at exit does not complain."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())


def _readable(path: str, err: TextIO, line_filter: Filter | None) -> Iterator[Notification]:
    """The notifications of *path* that pass *line_filter*; bad lines are named on *err*."""
    for item in read_recording(path):
        if isinstance(item, BadLine):
            _say(err, f"{escape(path)} {item}: skipped")
        elif line_filter is None or line_filter.matches(item):
            yield item


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
