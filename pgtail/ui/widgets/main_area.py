"""The main area: the channel list beside the log, or, on a narrow terminal, a one-line channel
summary above the log so the payload gets the width.

Which one is shown is :class:`pgtail.ui.state.sidebar.SidebarChoice`'s decision (by width, until
the user presses ``s``); this container applies it and keeps focus where the user can use it.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var

from pgtail.ui.state.channel_book import ChannelRow
from pgtail.ui.state.sidebar import SidebarChoice
from pgtail.ui.widgets.channel_list import ChannelList
from pgtail.ui.widgets.channel_strip import ChannelStrip
from pgtail.ui.widgets.notification_log import NotificationLog


class MainArea(Horizontal):
    """Channels (a list, or a strip) and the log."""

    list_shown = var(False)
    """True while the full list is shown, False while the strip is: the list may say more
    than the strip did (a quiet row's seconds), so whoever words the rows watches this."""

    def __init__(
        self,
        channel_list: ChannelList,
        strip: ChannelStrip,
        log_view: NotificationLog,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.channel_list = channel_list
        self.strip = strip
        self.log_view = log_view
        self.sidebar = SidebarChoice()
        """Whether the full list is shown: by width, or as the user chose."""

    def compose(self) -> ComposeResult:
        yield self.channel_list
        with Vertical(id="log-column"):
            yield self.strip
            yield self.log_view

    def on_mount(self) -> None:
        self._show(self.sidebar.resized(self.app.size.width))

    def on_resize(self, event: events.Resize) -> None:
        self._show(self.sidebar.resized(event.size.width))

    def set_rows(self, rows: list[ChannelRow]) -> None:
        """The channels' rows, for the list and the strip alike."""
        self.channel_list.set_rows(rows)
        self.strip.set_rows(rows)

    def toggle_channels(self) -> None:
        """Show the full list and go to it (its keys toggle, remove, filter), or hide it."""
        shown = self.sidebar.toggle()
        self._show(shown)
        if shown:
            self.channel_list.focus()

    def choose_channels(self, shown: bool) -> None:
        """Show the full list or the strip, as chosen with ``s`` in an earlier run."""
        self.sidebar.chosen = shown
        self._show(shown)

    def on_channel_strip_clicked(self, _message: ChannelStrip.Clicked) -> None:
        self.toggle_channels()

    def _show(self, list_shown: bool) -> None:
        if not list_shown and self.channel_list.has_focus:
            self.log_view.focus()
        self.channel_list.display = list_shown
        self.strip.display = not list_shown
        # The strip takes the top row: toasts move one row down, off the log's border.
        self.screen.set_class(not list_shown, "-channel-strip")
        self.list_shown = list_shown
