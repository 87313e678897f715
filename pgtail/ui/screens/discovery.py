"""Channels found on the server: other sessions' LISTENs and names in functions and triggers.

One entry per channel, its sources indented beneath it, and a mark on the channels already in
pgtail's list. The app asks the inspector (on the core thread) and hands the result in; Enter
dismisses with the chosen name, which the app subscribes to just like the ``a`` key does. A result
that arrives after the screen was closed is dropped.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pgtail.core.models import ChannelSource, DiscoveredChannel
from pgtail.core.text import escape
from pgtail.ui.widgets.footer import KeyFooter

_SOURCES = {"listener": "LISTENed by", "function": "named in"}
#: Before a channel already in pgtail's list, and before one that is not.
KNOWN, NEW = "✓ ", "  "
#: Cells each source is indented under its channel (its wrapped lines too).
SOURCE_INDENT = 4


class DiscoveryScreen(ModalScreen[str | None]):
    """Lists discovered channels; Enter listens on one, Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, known: Collection[str] = ()) -> None:
        super().__init__()
        self.known = frozenset(known)
        """The channels already in pgtail's list, marked as such."""
        self.channels: list[DiscoveredChannel] = []
        """What was found, in the order shown."""
        self.note = Static(Content("looking…"), id="discovery-note")
        self.options = OptionList(id="discovery-list")

    def compose(self) -> ComposeResult:
        with Vertical(id="discovery-dialog"):
            yield self.note
            yield self.options
        yield KeyFooter()

    def on_mount(self) -> None:
        dialog = self.query_one("#discovery-dialog")
        dialog.border_title = "discovered channels"
        dialog.border_subtitle = "Enter listens · Escape closes"
        self.options.focus()

    def set_channels(self, channels: list[DiscoveredChannel]) -> None:
        if not self.is_attached:
            return
        self.channels = channels
        self.options.clear_options()
        self.options.add_options([Option(self._prompt(c)) for c in channels])
        if channels:
            self.options.highlighted = 0
            known = sum(c.name in self.known for c in channels)
            self.note.update(Content(f"{len(channels)} found, ✓ {known} already in your list"))
        else:
            self.note.update(Content("no channels found (no other listeners, no NOTIFY in code)"))

    def set_error(self, error: BaseException | str) -> None:
        if not self.is_attached:
            return
        self.note.update(Content.styled(escape(f"cannot look: {error}"), "bold red"))

    def _prompt(self, channel: DiscoveredChannel) -> Group:
        """The channel's line, then one per source; a long source wraps under its own start."""
        known = channel.name in self.known
        head = Text.assemble(
            (KNOWN if known else NEW, "bold green"),
            (escape(channel.name), "bold"),
            ("  already in your list" if known else "", "dim italic"),
        )
        return Group(
            head, *(Padding(self._source(s), (0, 0, 0, SOURCE_INDENT)) for s in channel.sources)
        )

    @staticmethod
    def _source(source: ChannelSource) -> Text:
        kind = _SOURCES.get(source.kind, escape(source.kind))
        return Text.assemble((kind, "italic"), " ", (escape(source.where), "dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.channels):
            self.dismiss(self.channels[event.option_index].name)

    def action_close(self) -> None:
        self.dismiss(None)
