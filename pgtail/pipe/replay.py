"""``--replay FILE`` without the UI: print a recording (pipe mode), or send it again to a database
(``--to``). The UI replays through :class:`pgtail.core.replay_source.ReplaySource`."""

from __future__ import annotations

import asyncio
from typing import TextIO

from pgtail.core.dsn import DsnError, parse
from pgtail.core.filter_lang import Filter
from pgtail.core.formats import PlainFormat, format_json, format_plain
from pgtail.core.models import (
    Notification,
)
from pgtail.core.recording import BadLine, read_recording
from pgtail.core.sender import Sender, SendError
from pgtail.core.text import escape
from pgtail.exit_codes import EXIT_FAILED, EXIT_OK
from pgtail.settings import OutputMode

CHUNK = 1000


def _say(err: TextIO, line: str) -> None:
    err.write(f"pgtail: {line}\n")
    err.flush()


def print_recording(
    path: str,
    mode: OutputMode,
    out: TextIO,
    err: TextIO,
    line_filter: Filter | None = None,
    plain: PlainFormat = format_plain,
) -> int:
    """Write every notification of *path* (passing *line_filter*, when given) to *out* as
    ``--json`` lines, or as *plain* lines (``--plain``, shaped by ``--time`` and ``--columns``)."""
    fmt = format_json if mode is OutputMode.JSON else plain
    chunk: list[Notification] = []
    try:
        for item in read_recording(path):
            if isinstance(item, BadLine):
                _say(err, f"{escape(path)} {item}: skipped")
                continue
            if line_filter is not None and not line_filter.matches(item):
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
