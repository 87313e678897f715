"""One line of channels above the log, standing in for the channel list on narrow terminals:
each channel's state glyph, name and count (``● orders 12  ◌ jobs:insert 3``).

It only draws (the fitting is :func:`pgtail.ui.state.channel_strip.plan_strip`'s); ``s`` or a
click opens the full list, where channels are toggled, removed and filtered on.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import split_graphemes
from textual import events
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from pgtail.ui.state.cells import cut
from pgtail.ui.state.channel_book import ChannelRow
from pgtail.ui.state.channel_strip import GLYPHS, SEPARATOR, plan_strip
from pgtail.ui.widgets.channel_list import STATE_STYLES, quiet_style
from pgtail.ui.widgets.palette import channel_style

#: Shown at the right end when there is room: the key to the full list.
HINT = "s: channel list"


class ChannelStrip(Widget):
    """The channels on one line; a click asks for the full list."""

    @dataclass
    class Clicked(Message):
        """The user clicked the strip: open the full channel list."""

        strip: ChannelStrip

        @property
        def control(self) -> ChannelStrip:
            return self.strip

    def __init__(self, color: bool = True, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.color = color
        """False under NO_COLOR: states read by their glyphs, channels by their names."""
        self.rows: list[ChannelRow] = []
        """The rows as last set by the app."""

    def set_rows(self, rows: list[ChannelRow]) -> None:
        if rows != self.rows:
            self.rows = rows
            self.refresh()

    def render(self) -> Content:
        width = self.content_region.width
        if not self.rows:
            return Content.styled(cut("no channels · a adds one", width, split_graphemes), "dim")
        layout = plan_strip(self.rows, width, split_graphemes)
        parts: list[Content] = []
        for entry in layout.entries:
            name_style = channel_style(entry.channel, self.color)
            color = name_style.color.name if self.color and name_style.color else ""
            parts.append(
                Content.assemble(
                    (GLYPHS[entry.state], STATE_STYLES[entry.state]),
                    " ",
                    # Built from plain strings: a channel name is never markup.
                    (entry.name, f"bold {color}".strip()),
                    " ",
                    (entry.count, "dim"),
                    (f" {entry.quiet}" if entry.quiet else "", quiet_style(self.color)),
                )
            )
        if layout.rest:
            parts.append(Content.styled(layout.rest_text, "dim"))
        line = Content(" " * SEPARATOR).join(parts)
        pad = width - layout.cells - len(HINT)
        if pad >= SEPARATOR:
            line = Content.assemble(line, " " * pad, (HINT, "dim italic"))
        return line

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self))
