"""Recordings: every received notification as a JSON line (the ``--json`` schema), and back.

``--record FILE`` writes them while pgtail runs (all of them, whatever the view filters);
``--replay FILE`` reads them back. A truncated or malformed line is reported with its line number
and skipped, so the rest of a recording still loads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from pgtail.core.formats import format_json
from pgtail.core.models import ListenerEvent, Notification, NotificationBatch


@dataclass(frozen=True, slots=True)
class BadLine:
    """A recording line that could not be read."""

    line_no: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line_no}: {self.message}"


class RecordingWriter:
    """Appends notifications to a file as JSON lines, flushed per batch."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def write(self, batch: list[Notification]) -> None:
        self._file.write(format_json(batch))
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def recording_tee(
    on_event: Callable[[ListenerEvent], None], writer: RecordingWriter
) -> Callable[[ListenerEvent], None]:
    """Wrap a listener callback so that every notification batch is also recorded first."""

    def tee(event: ListenerEvent) -> None:
        if isinstance(event, NotificationBatch):
            writer.write(event.items)
        on_event(event)

    return tee


def parse_line(line: str, line_no: int) -> Notification | BadLine:
    """One recording line -> a Notification, or what is wrong with it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadLine(line_no, f"not valid JSON ({exc.msg})")
    if not isinstance(obj, dict):
        return BadLine(line_no, "not a JSON object")
    try:
        channel, payload, pid = obj["channel"], obj["payload"], obj["pid"]
        stamp = datetime.fromisoformat(obj["time"]).timestamp()
    except KeyError as exc:
        return BadLine(line_no, f"missing key {exc.args[0]!r}")
    except (TypeError, ValueError):
        return BadLine(line_no, "'time' is not an ISO 8601 time")
    if not isinstance(channel, str) or not isinstance(payload, str) or not isinstance(pid, int):
        return BadLine(line_no, "'channel' and 'payload' must be strings and 'pid' a number")
    return Notification(channel, payload, pid, stamp)


def read_recording(path: str) -> Iterator[Notification | BadLine]:
    """Every line of *path*, in order; blank lines are skipped."""
    with open(path, encoding="utf-8", errors="replace") as file:
        for line_no, line in enumerate(file, start=1):
            if line.strip():
                yield parse_line(line, line_no)
