"""The log's lines: the last few thousand kept, and the ones the filters let through.

Kept apart from the widget (:mod:`pgtail.ui.widgets.notification_log`), which decides where the
view stands (following, paused, the cursor) and draws it. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgtail.core.models import Notification
from pgtail.ui.inbox import LogItem
from pgtail.ui.state.filtering import LineFilter
from pgtail.ui.state.quiet import QuietLine


@dataclass(frozen=True, slots=True)
class Skipped:
    """A marker line: this many notifications arrived too fast to be shown."""

    count: int


Line = LogItem | Skipped | QuietLine
"""One line of the log: a notification, an outage, a count of lines not shown, or a channel that
went quiet or spoke again."""


@dataclass(frozen=True)
class Cleared:
    """What the log forgot when cleared, kept so that it can be put back."""

    lines: list[Line]
    not_shown: int
    """How many notifications had arrived too fast to be shown, by then."""


class LogStore:
    """Every line kept (the scrollback) and the view: the lines that pass the filters."""

    def __init__(self, scrollback: int = 10_000) -> None:
        self.scrollback = max(1, scrollback)
        """The most lines kept; older ones are forgotten."""
        self.all: list[Line] = []
        """Every line kept, oldest first."""
        self.view: list[Line] = self.all
        """The lines that pass the filters (the same list as :attr:`all` without filters)."""
        self.channel: str | None = None
        """Only this channel's lines are in view, when set."""
        self.text: LineFilter | None = None
        """Only lines whose channel or payload match are in view, when set (``/``)."""

    @property
    def filtered(self) -> bool:
        return self.channel is not None or self.text is not None

    def add(self, new: list[Line]) -> tuple[list[Line], int]:
        """Keep *new* lines; returns those that joined the view, and how many old lines left
        the front of the view (to keep what the user reads in place)."""
        self.all.extend(new)
        trimmed = self._trim(self.all)
        if not self.filtered:
            return new, trimmed
        shown = [line for line in new if self.matches(line)]
        self.view.extend(shown)
        return shown, self._trim(self.view)

    def clear(self) -> list[Line]:
        """Forget every line; returns them (for an undo)."""
        forgotten = self.all
        self.all = []
        self.view = [] if self.filtered else self.all
        return forgotten

    def restore(self, lines: list[Line]) -> None:
        """Put *lines* back before the ones kept now (the undo of :meth:`clear`)."""
        self.all = lines + self.all
        self._trim(self.all)
        self.set_filters(self.channel, self.text)

    def set_filters(self, channel: str | None, text: LineFilter | None) -> None:
        """Filter the view anew: *channel*'s lines only (None: all), matching *text* (None: all)."""
        self.channel, self.text = channel, text
        self.view = [line for line in self.all if self.matches(line)] if self.filtered else self.all

    def matches(self, line: Line) -> bool:
        """Whether *line* passes the filters (outage and skipped-lines markers always do; a quiet
        channel's lines follow the channel filter)."""
        if isinstance(line, QuietLine):
            return self.channel in (None, line.channel)
        if not isinstance(line, Notification):
            return True
        if self.channel is not None and line.channel != self.channel:
            return False
        return self.text is None or self.text.matches(line)

    def _trim(self, lines: list[Line]) -> int:
        excess = len(lines) - self.scrollback
        if excess > 0:
            del lines[:excess]
            return excess
        return 0
