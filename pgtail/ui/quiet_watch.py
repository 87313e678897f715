"""Quiet channels on screen: the book of silences (:mod:`pgtail.ui.state.quiet`) fed with what
the rows and the drains say, and two wake-ups, neither on a period.

One is set for the next moment a channel can go quiet: an idle pgtail wakes only when there is
something to say. A channel speaking moves its moment later; the timer is then left as it is,
fires early, finds nothing due and is set again, so a busy channel costs one wake-up per
threshold, not one timer per drain. The other brings the app's clock (the rows' and status
line's tick) forward to when a quiet row's ``quiet 2m 10s`` reads differently: each second on
the channel list, each minute past the first (``quiet 2m``) on the one-line strip of a narrow
terminal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pgtail.ui.inbox import Drained
from pgtail.ui.screens.quiet_after import QuietAfterScreen
from pgtail.ui.state.channel_book import ChannelRow
from pgtail.ui.state.log_store import Line
from pgtail.ui.state.quiet import QuietBook, parse_after
from pgtail.ui.wake_timer import WakeTimer

if TYPE_CHECKING:
    from pgtail.ui.app import PgtailApp


class QuietWatch:
    """Marks quiet rows, writes the log's quiet lines, and keeps the timer."""

    def __init__(
        self, app: PgtailApp, after: float | None, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self.live = app.replay is None
        """False in a replay: a recording has no live channels to fall quiet."""
        self.book = QuietBook(after if self.live else None)
        """Every channel's silence."""
        self.clock = clock
        """Unix time, the clock of the notifications' arrival times."""
        self.timer = WakeTimer(app, self._due)
        """The next moment a channel can go quiet."""
        # The list words a quiet row to the second, the strip to the minute: once the list is
        # shown, the rows move on at once.
        app.watch(app.main, "list_shown", lambda: app.clock.within(0), init=False)

    def rows(self, rows: list[ChannelRow]) -> list[ChannelRow]:
        """The rows about to be shown, with the quiet ones marked (and who listens noted)."""
        now = self.clock()
        marked = self.book.rows(rows, now)
        if (deadline := self.book.next_deadline()) is not None:
            self.timer.within(max(0.0, deadline - now))
        # The strip reads "quiet 2m" where the list reads "quiet 2m 10s".
        self.app.clock.within(self.book.next_change(now, short=not self.app.main.list_shown))
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

    def _due(self) -> None:
        """Say which channels have gone quiet by now; the rows then say so too, and set the
        timer for the next moment."""
        if lines := self.book.due(self.clock()):
            self.app.log_view.add(lines)
        self.app.channel_commands.show_rows()
