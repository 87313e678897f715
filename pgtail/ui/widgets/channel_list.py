"""The channel list: every channel the user asked for, with its state, count, last activity,
rate and a sparkline of its last minute.

It draws rows the app computes (:class:`pgtail.ui.state.channel_book.ChannelBook`) and turns keys
into requests the app carries out: it never listens or unlistens itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import split_graphemes
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from pgtail.core.text import escape, truncate
from pgtail.ui.state.cells import cut
from pgtail.ui.state.channel_book import ChannelRow, ListenState
from pgtail.ui.state.channel_strip import GLYPHS
from pgtail.ui.state.quiet import row_text
from pgtail.ui.state.rates import sparkline
from pgtail.ui.widgets.palette import channel_style

#: How each state's glyph (:data:`pgtail.ui.state.channel_strip.GLYPHS`) is drawn.
STATE_STYLES: dict[ListenState, str] = {
    "listening": "bold green",
    "pending": "bold yellow",
    "off": "dim",
}


def quiet_style(color: bool) -> str:
    """How a quiet channel's ``quiet 2m 10s`` stands out (under NO_COLOR too)."""
    return "bold $text-warning" if color else "bold reverse"


def ago(ts: float | None, now: float | None = None) -> str:
    """``4s ago``, ``3m ago``, ``2h ago``, or ``never``."""
    if ts is None:
        return "never"
    seconds = max(0.0, (time.time() if now is None else now) - ts)
    if seconds < 60:
        return f"{seconds:.0f}s ago"
    if seconds < 3600:
        return f"{seconds // 60:.0f}m ago"
    return f"{seconds // 3600:.0f}h ago"


def _drawn(content: Content) -> tuple[str, tuple[object, ...]]:
    """What *content* draws: its text and its styles (``==`` on Content compares text only)."""
    return content.plain, tuple(content.spans)


class ChannelList(OptionList):
    """Channels as three-line rows. Enter (or a click) filters the log to the highlighted one."""

    @dataclass
    class ToggleRequested(Message):
        """The user asked to pause or resume listening on a channel, keeping its row."""

        channel_list: ChannelList
        name: str
        listen: bool
        """True to LISTEN again, False to UNLISTEN."""

        @property
        def control(self) -> ChannelList:
            return self.channel_list

    @dataclass
    class RemoveRequested(Message):
        """The user asked to forget a channel (UNLISTEN and drop its row)."""

        channel_list: ChannelList
        name: str

        @property
        def control(self) -> ChannelList:
            return self.channel_list

    @dataclass
    class FilterChanged(Message):
        """The log should show only this channel's lines (None: all of them)."""

        channel_list: ChannelList
        name: str | None

        @property
        def control(self) -> ChannelList:
            return self.channel_list

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space", "toggle_listen", "Listen on/off", tooltip="LISTEN/UNLISTEN, keeping the row"
        ),
        Binding("d,delete", "remove", "Remove", tooltip="UNLISTEN and forget the channel"),
    ]

    def __init__(
        self, color: bool = True, clock: Callable[[], float] = time.time, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.color = color
        """False under NO_COLOR."""
        self.clock = clock
        """What "last seen" is measured against (in a replay, the recorded time reached)."""
        self.rows: list[ChannelRow] = []
        """The rows as last set by the app."""
        self.filter: str | None = None
        """The channel the log is filtered to, marked in its row."""

    def set_rows(self, rows: list[ChannelRow]) -> None:
        """Show *rows*, keeping the highlight on the same channel."""
        old_names = [r.name for r in self.rows]
        names = [r.name for r in rows]
        current = self.highlighted_name
        self.rows = rows
        if names == old_names:
            # Only rows that read differently are replaced: each replacement repaints the list.
            for index, row in enumerate(rows):
                prompt = self._prompt(row)
                old = self.get_option_at_index(index).prompt
                if not isinstance(old, Content) or _drawn(old) != _drawn(prompt):
                    self.replace_option_prompt_at_index(index, prompt)
            return
        self.clear_options()
        self.add_options([Option(self._prompt(row)) for row in rows])
        if rows:
            self.highlighted = names.index(current) if current in names else 0

    def refresh_rows(self) -> None:
        """Redraw with the same data (times since the last notification move on)."""
        self.set_rows(self.rows)

    @property
    def highlighted_name(self) -> str | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index].name

    def _prompt(self, row: ChannelRow) -> Content:
        width = max(10, (self.size.width or 28) - 4)
        glyph, glyph_style = GLYPHS[row.state], STATE_STYLES[row.state]
        name_style = channel_style(row.name, self.color)
        name = Content.styled(
            cut(escape(row.name), width - 2, split_graphemes),  # in cells: CJK, emoji
            f"bold {name_style.color.name}" if self.color and name_style.color else "bold",
        )
        mark = Content.styled(" ◂ filter", "reverse") if row.name == self.filter else Content("")
        rate = f" {row.rate:,.1f}/s"
        spark = sparkline(row.activity, max(4, width - len(rate))) if row.activity else ""
        return Content.assemble(
            (glyph, glyph_style),
            " ",
            name,
            mark,
            "\n  ",
            self._detail(row, width),
            "\n  ",
            (spark, name_style.color.name if self.color and name_style.color else ""),
            (rate, "dim"),
        )

    def _detail(self, row: ChannelRow, width: int) -> Content:
        """``listening · 12 · 4s ago``; for a quiet channel the warning replaces the state and
        the time (``quiet 2m 10s · 12``)."""
        if row.quiet is None:
            detail = f"{row.state} · {row.count:,} · {ago(row.last_seen, self.clock())}"
            return Content.styled(truncate(detail, width), "dim")
        warning = truncate(row_text(row.quiet), width)
        count = truncate(f" · {row.count:,}", width - len(warning))
        return Content.assemble((warning, quiet_style(self.color)), (count, "dim"))

    def action_toggle_listen(self) -> None:
        name = self.highlighted_name
        if name is None:
            return
        row = self.rows[self.highlighted or 0]
        self.post_message(self.ToggleRequested(self, name, listen=row.state == "off"))

    def action_remove(self) -> None:
        name = self.highlighted_name
        if name is not None:
            self.post_message(self.RemoveRequested(self, name))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name = self.highlighted_name
        if name is None:
            return
        self.filter = None if self.filter == name else name
        self.refresh_rows()
        self.post_message(self.FilterChanged(self, self.filter))
