"""What ``u`` can undo, and until when.

Clearing the log and removing a channel are one key each, easy to hit by mistake: each can be
undone for :data:`UNDO_SECONDS` after it happened, the newest first. This book only keeps what
was set aside and its deadline, on an injected clock; putting things back is the UI's job.
No Textual import here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

#: How long an action stays undoable.
UNDO_SECONDS = 10.0

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RemovedChannel:
    """A channel the user removed, as it was."""

    name: str
    position: int
    """Its row's index among the channels."""
    listening: bool
    """True when it was on (LISTENed), False when toggled off."""
    filtered: bool
    """The log was showing only this channel."""


class UndoBook(Generic[T]):
    """Undoable actions, newest last, each forgotten :data:`UNDO_SECONDS` after it was done."""

    def __init__(
        self, window: float = UNDO_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = window
        """Seconds an action stays undoable."""
        self._clock = clock
        self._done: list[tuple[float, T]] = []

    def done(self, action: T) -> None:
        """*action* just happened: undoable from now for :attr:`window` seconds."""
        self._forget_expired()
        self._done.append((self._clock() + self.window, action))

    def take(self) -> T | None:
        """The newest action still undoable, forgotten here (the caller undoes it); or None."""
        self._forget_expired()
        return self._done.pop()[1] if self._done else None

    @property
    def pending(self) -> int:
        """How many actions can still be undone."""
        self._forget_expired()
        return len(self._done)

    def _forget_expired(self) -> None:
        now = self._clock()
        self._done = [(deadline, action) for deadline, action in self._done if deadline > now]
