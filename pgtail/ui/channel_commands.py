"""The user's channel commands carried out: add, remove, switch on and off, and put back.

The rows (:class:`~pgtail.ui.state.channel_book.ChannelBook`) change at once; the LISTEN or
UNLISTEN runs on the core thread through :meth:`pgtail.ui.bridge.CoreThread.call`. A LISTEN the
server refuses takes the row away again, with a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.notifications import SeverityLevel

from pgtail.ui.bridge import CoreThread, Source
from pgtail.ui.state.channel_book import ChannelBook, ChannelRow
from pgtail.ui.state.undo import RemovedChannel
from pgtail.ui.widgets.main_area import MainArea
from pgtail.ui.widgets.notification_log import NotificationLog

Warn = Callable[[str, SeverityLevel], object]
"""Shows a toast: its text (escaped by the app) and severity."""
Marks = Callable[[list[ChannelRow]], list[ChannelRow]]
"""Marks the rows about to be shown (quiet channels)."""


class ChannelCommands:
    """Changes the channel rows and what the core listens on, together."""

    def __init__(
        self,
        book: ChannelBook,
        rows: MainArea,
        log: NotificationLog,
        listener: Source,
        core: CoreThread,
        warn: Warn,
        marks: Marks | None = None,
    ) -> None:
        self.book = book
        self.rows = rows
        """Where the rows are shown: the channel list, or the one-line strip."""
        self.log = log
        self.listener = listener
        self.core = core
        self._warn = warn
        self._marks = marks

    def show_rows(self) -> None:
        rows = self.book.rows(self.listener.wanted)
        self.rows.set_rows(self._marks(rows) if self._marks else rows)

    def add(self, name: str | None) -> None:
        """The add dialog or the discovery panel closed, with a channel to listen on or not."""
        if not name:
            return
        try:
            self.book.add(name)
        except ValueError as exc:
            self._warn(str(exc), "error")
            return
        self.show_rows()
        self._listen(name, True, forget=True)

    def remove(self, name: str) -> RemovedChannel | None:
        """UNLISTEN and drop the row; returns the row as it was (None: there was no row)."""
        if name not in self.book.order:
            return None
        removed = RemovedChannel(
            name,
            position=self.book.order.index(name),
            listening=name not in self.book.off,
            filtered=self.log.filter == name,
        )
        self.book.remove(name)
        if removed.filtered:
            self.rows.channel_list.filter = None
            self.log.set_filter(None)
        self.show_rows()
        self._listen(name, False)
        return removed

    def restore(self, removed: RemovedChannel) -> None:
        """Give a removed channel its row back where it was, as it was (LISTENed again)."""
        name = removed.name
        self.book.add(name, at=removed.position)
        self.book.switch(name, removed.listening)
        if removed.listening:
            self._listen(name, True, forget=True)
        if removed.filtered:
            self.rows.channel_list.filter = name
            self.log.set_filter(name)
        self.show_rows()

    def switch(self, name: str, listen: bool) -> None:
        """LISTEN again or UNLISTEN, keeping the row."""
        self.book.switch(name, listen)
        self._listen(name, listen)
        self.show_rows()

    def _listen(self, name: str, on: bool, forget: bool = False) -> None:
        """LISTEN on *name* (or UNLISTEN) on the core; warn when that fails."""
        command = self.listener.subscribe if on else self.listener.unsubscribe
        self.core.call(command(name), on_error=partial(self._listen_failed, name, forget))

    def _listen_failed(self, name: str, forget: bool, error: BaseException) -> None:
        self._warn(f"channel {name!r}: {error}", "warning")
        if forget:
            # The server refused the LISTEN and the core forgot the name: so does the UI.
            self.remove(name)
