"""The errors pgtail has met, kept for the error view (``E``).

The status line shows the gist of a connection error, cut to its width, and toasts vanish; the
error view shows each error whole. A run of the same error (every reconnect attempt failing the
same way) is one entry with a count and the times of its first and last occurrence. No Textual
import here.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, replace

#: Entries kept; older ones are forgotten.
KEEP = 50


@dataclass(frozen=True, slots=True)
class ErrorEntry:
    """One error, or a run of the same error from the same source."""

    source: str
    """What failed: ``connection``, ``NOTIFY``, a toast's title..."""
    text: str
    """The whole message, as it came (not escaped: the view escapes it)."""
    first_at: float
    last_at: float
    count: int = 1


class ErrorLog:
    """The latest errors, newest last."""

    def __init__(self, keep: int = KEEP) -> None:
        self._entries: deque[ErrorEntry] = deque(maxlen=keep)

    def add(self, source: str, text: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        latest = self._entries[-1] if self._entries else None
        if latest is not None and (latest.source, latest.text) == (source, text):
            self._entries[-1] = replace(latest, last_at=now, count=latest.count + 1)
        else:
            self._entries.append(ErrorEntry(source, text, now, now))

    def add_toast(self, severity: str, title: str, text: str) -> None:
        """A toast's text, when it warns or reports an error: a toast vanishes, this stays."""
        if severity in ("warning", "error"):
            self.add(title, text)

    def newest_first(self) -> list[ErrorEntry]:
        return list(reversed(self._entries))

    @property
    def latest(self) -> ErrorEntry | None:
        return self._entries[-1] if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)
