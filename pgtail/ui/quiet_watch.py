"""Quiet channels on screen: the book of silences (:mod:`pgtail.ui.state.quiet`) fed with what
the rows and the drains say, and one timer.

The timer is set for the next moment a channel can go quiet, never on a period: an idle pgtail
wakes only when there is something to say. A channel speaking moves its moment later; the timer
is then left as it is, fires early, finds nothing due and is set again, so a busy channel costs
one wake-up per threshold, not one timer per drain. How long a quiet channel has been quiet
moves on with the rows' own refresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.timer import Timer

from pgtail.ui.inbox import Drained
from pgtail.ui.screens.quiet_after import QuietAfterScreen
from pgtail.ui.state.channel_book import ChannelRow
from pgtail.ui.state.log_store import Line
from pgtail.ui.state.quiet import QuietBook, parse_after

if TYPE_CHECKING:
    from pgtail.ui.app import PgtailApp


class QuietWatch:
    """Marks quiet rows, writes the log's quiet lines, and keeps the one timer."""

    def __init__(
        self, app: PgtailApp, after: float | None, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self.live = app.settings.replay is None
        """False in a replay: a recording has no live channels to fall quiet."""
        self.book = QuietBook(after if self.live else None)
        """Every channel's silence."""
        self.clock = clock
        """Unix time, the clock of the notifications' arrival times."""
        self._timer: Timer | None = None
        self._timer_at = 0.0

    def rows(self, rows: list[ChannelRow]) -> list[ChannelRow]:
        """The rows about to be shown, with the quiet ones marked (and who listens noted)."""
        now = self.clock()
        marked = self.book.rows(rows, now)
        self._schedule(now)
        return marked

    def heard(self, drained: Drained) -> Sequence[Line]:
        """A drain's lines, with a line before each quiet channel's first notification."""
        woven = self.book.heard(drained.items, drained.last_seen)
        if woven is not drained.items:
            # A channel is quiet no more: its row says so once this drain's counts are in.
            self.app.call_later(self.app.channel_commands.show_rows)
        return woven

    def set_after(self, after: float | None) -> None:
        """A new threshold (None: off), from the palette."""
        self.book.set_after(after, self.clock())
        self._due()
        self.app.channel_commands.show_rows()  # rows under the new threshold are quiet no more
        said = "off" if after is None else f"marked after {after:g} s without a notification"
        self.app.notify(f"quiet channels: {said}", markup=False)

    def ask(self) -> None:
        """The palette's command: ask for a threshold in a small dialog."""
        if not self.live:
            self.app.notify("a replay has no live channels to fall quiet", severity="warning")
            return
        self.app.push_screen(QuietAfterScreen(self.book.after), self._answered)

    def _answered(self, answer: str | None) -> None:
        if answer is not None:  # None: cancelled; the dialog let only valid answers through
            self.set_after(parse_after(answer))

    def _fired(self) -> None:
        self._timer = None  # done: a one-off timer, not stopped from within its own callback
        self._due()

    def _due(self) -> None:
        """Say which channels went quiet by now, and set the timer for the next."""
        self._stop()
        now = self.clock()
        if lines := self.book.due(now):
            self.app.log_view.add(lines)
            self.app.channel_commands.show_rows()  # marks the rows and sets the timer again
        else:
            self._schedule(now)  # early: the channel spoke since the timer was set

    def _schedule(self, now: float) -> None:
        deadline = self.book.next_deadline()
        if deadline is None:
            self._stop()
        elif self._timer is None or deadline < self._timer_at:
            self._stop()
            self._timer = self.app.set_timer(max(0.0, deadline - now), self._fired, name="quiet")
            self._timer_at = deadline

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
