"""Exporting notifications to a new file: JSON lines in the ``--json`` schema, which
``--replay FILE`` reads back (the same form as a ``--record`` file).

An existing file is never overwritten, and what goes wrong is said in one line naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Sequence
from datetime import datetime

from pgtail.core.formats import format_json
from pgtail.core.models import Notification
from pgtail.core.text import escape

#: Lines formatted and written at a time.
CHUNK = 5000


class ExportError(Exception):
    """The export was not written; the message says why, naming the file."""


def proposed_name(now: float | None = None) -> str:
    """``pgtail-YYYYMMDD-HHMMSS.jsonl`` for *now* (local time), in the current directory."""
    stamp = datetime.fromtimestamp(time.time() if now is None else now)
    return stamp.strftime("pgtail-%Y%m%d-%H%M%S.jsonl")


def export(path: str, notifications: Sequence[Notification]) -> int:
    """Write *notifications* to the new file *path* (``~`` is expanded); returns how many lines
    were written. Raises :class:`ExportError` when the file exists or cannot be written; a file
    left half-written by an error is removed."""
    name = path.strip()
    if not name:
        raise ExportError("type a file name")
    target = os.path.expanduser(name)
    shown = escape(name)
    try:
        file = open(target, "x", encoding="utf-8")  # noqa: SIM115 - closed below, or removed
    except FileExistsError:
        raise ExportError(f"{shown} exists already: type another name") from None
    except OSError as exc:
        raise ExportError(f"cannot write {shown}: {_reason(exc, target)}") from None
    try:
        with file:
            for start in range(0, len(notifications), CHUNK):
                file.write(format_json(list(notifications[start : start + CHUNK])))
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise ExportError(f"cannot write {shown}: {_reason(exc, target)}") from None
    return len(notifications)


def _reason(exc: OSError, target: str) -> str:
    if exc.errno == errno.ENOENT:
        folder = os.path.dirname(target) or "."
        return f"there is no directory {escape(folder)}"
    return escape(exc.strerror or str(exc)).lower()
