"""Channels found on the server: other sessions' LISTENs and names in functions and triggers.

The app asks the inspector (on the core thread) and hands the result in; Enter dismisses with the
chosen name, which the app subscribes to just like the ``a`` key does. A result that arrives after
the screen was closed is dropped.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pgtail.core.models import DiscoveredChannel
from pgtail.core.text import escape, truncate

_SOURCES = {"listener": "LISTENed by", "function": "named in"}


class DiscoveryScreen(ModalScreen[str | None]):
    """Lists discovered channels; Enter listens on one, Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self) -> None:
        super().__init__()
        self.channels: list[DiscoveredChannel] = []
        """What was found, in the order shown."""
        self.note = Static(Content("looking…"), id="discovery-note")
        self.options = OptionList(id="discovery-list")

    def compose(self) -> ComposeResult:
        with Vertical(id="discovery-dialog"):
            yield self.note
            yield self.options

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
            self.note.update(
                Content(f"{len(channels)} found: sessions that LISTEN, and NOTIFYs in functions")
            )
        else:
            self.note.update(Content("no channels found (no other listeners, no NOTIFY in code)"))

    def set_error(self, error: BaseException | str) -> None:
        if not self.is_attached:
            return
        self.note.update(Content.styled(escape(f"cannot look: {error}"), "bold red"))

    def _prompt(self, channel: DiscoveredChannel) -> Content:
        name = truncate(escape(channel.name), 32)
        return Content.assemble(
            (name.ljust(32), "bold"),
            "  ",
            (_SOURCES.get(channel.source, escape(channel.source)).ljust(12), "italic"),
            " ",
            (escape(channel.where), "dim"),
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.channels):
            self.dismiss(self.channels[event.option_index].name)

    def action_close(self) -> None:
        self.dismiss(None)
