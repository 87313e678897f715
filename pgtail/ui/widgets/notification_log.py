"""The notification log: one line per notification, rendered on demand (Textual's line API).

Only the visible lines are ever rendered, so a flood costs list appends, not layout. This module
decides which lines are kept and shown (scrollback, filters, following the tail, the cursor);
:mod:`pgtail.ui.widgets.log_lines` draws each line, from escaped plain text only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pgtail.core.models import Notification, SenderInfo
from pgtail.core.text import escape
from pgtail.ui.inbox import LogItem
from pgtail.ui.state.filtering import LineFilter
from pgtail.ui.widgets.cheap_frames import DrawnLines, set_virtual_height
from pgtail.ui.widgets.log_lines import MAX_CHANNEL_COLUMN, Line, Skipped, line_segments
from pgtail.ui.widgets.palette import channel_style


class NotificationLog(ScrollView, can_focus=True):
    """A bounded, follow-the-tail log of notifications, with a cursor line."""

    @dataclass
    class Chosen(Message):
        """The user opened a log line (Enter or a double click) to see all of it."""

        log: NotificationLog
        notification: Notification

        @property
        def control(self) -> NotificationLog:
            return self.log

    COMPONENT_CLASSES: ClassVar[set[str]] = {"notification-log--cursor"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("end,f", "follow", "Follow", tooltip="Scroll to the newest line and follow it"),
        Binding("enter", "choose", "Details", tooltip="Show the whole notification"),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def __init__(
        self,
        scrollback: int = 10_000,
        color: bool = True,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.scrollback = max(1, scrollback)
        """The most lines kept; older ones are forgotten."""
        self.color = color
        """False under NO_COLOR: channels are told apart by name only."""
        self.following = True
        """True while the view sticks to the newest line."""
        self.unseen = 0
        """Lines added to the view while it was paused."""
        self.not_shown = 0
        """Notifications that arrived too fast to be shown (counted, not buffered)."""
        self.own_pids: set[int] = set()
        """Backend pids of pgtail's own sender; their lines are marked."""
        self.filter: str | None = None
        """Only this channel's lines are shown, when set."""
        self.text_filter: LineFilter | None = None
        """Only lines whose channel or payload match are shown, when set (the ``/`` filter)."""
        self.cursor: int | None = None
        """Index in :attr:`lines` of the selected line; None until the user moves to one."""
        self.show_senders = False
        """Show who sent each line (application name) in a column."""
        self.senders: dict[int, SenderInfo] = {}
        """Known senders by pid (looked up by the app, off the listener's path)."""
        self._all: list[Line] = []
        self._view: list[Line] = self._all
        self._channel_width = 8
        self._programmatic = False
        self._styles: dict[str, Style] = {}
        self._drawn = DrawnLines()
        self._frame = (0, 0, Style())
        """The first line shown, the width and the base style of the frame being drawn."""

    # ---- data -------------------------------------------------------------------------------

    @property
    def lines(self) -> list[Line]:
        """The lines currently in view order (filtered when a filter is set)."""
        return self._view

    def add(self, items: list[LogItem], dropped: int = 0) -> None:
        """Append new lines (a drained batch); *dropped* were never shown and are counted."""
        new: list[Line] = []
        if dropped:
            self.not_shown += dropped
            new.append(Skipped(dropped))
        new.extend(items)
        if not new:
            return
        for item in items[-50:]:
            if isinstance(item, Notification):
                width = min(MAX_CHANNEL_COLUMN, len(escape(item.channel)))
                self._channel_width = max(self._channel_width, width)
        self._all.extend(new)
        trimmed = self._trim(self._all)
        if self._filtered:
            shown = [line for line in new if self._matches(line)]
            self._view.extend(shown)
            trimmed = self._trim(self._view)
        else:
            shown = new
        self._after_change(len(shown), trimmed)

    def mark_own(self, pid: int | None) -> None:
        """Lines from backend *pid* were sent by this pgtail: mark them (None: nothing to mark)."""
        if pid is not None and pid not in self.own_pids:
            self.own_pids.add(pid)
            self.refresh()

    def clear(self) -> None:
        """Forget every line (counters elsewhere are not touched)."""
        self._all = []
        self._view = [] if self._filtered else self._all
        self.cursor = None
        self.unseen = 0
        self.not_shown = 0
        self.following = True
        self._sync_size()
        self._update_titles()
        self.refresh()

    def set_filter(self, channel: str | None) -> None:
        """Show only *channel*'s lines (None: everything)."""
        self.filter = channel
        self._refilter()

    def set_text_filter(self, line_filter: LineFilter | None) -> None:
        """Show only lines matching *line_filter* (None: no text filter)."""
        self.text_filter = line_filter
        self._refilter()

    @property
    def _filtered(self) -> bool:
        return self.filter is not None or self.text_filter is not None

    def _refilter(self) -> None:
        if self._filtered:
            self._view = [line for line in self._all if self._matches(line)]
        else:
            self._view = self._all
        self.cursor = None
        self.following = True
        self.unseen = 0
        self._sync_size()
        self._scroll_to_end()
        self._update_titles()
        self.refresh()

    def _matches(self, line: Line) -> bool:
        if not isinstance(line, Notification):
            return True
        if self.filter is not None and line.channel != self.filter:
            return False
        return self.text_filter is None or self.text_filter.matches(line)

    def _trim(self, lines: list[Line]) -> int:
        excess = len(lines) - self.scrollback
        if excess > 0:
            del lines[:excess]
            if lines is self._view and self.cursor is not None:
                self.cursor = max(0, self.cursor - excess)
            return excess
        return 0

    def _after_change(self, added: int, trimmed: int) -> None:
        self._sync_size()
        if self.following:
            self._scroll_to_end()
            # The new size may only settle with the next layout pass: scroll again after it.
            self.call_after_refresh(self._scroll_to_end)
        else:
            self.unseen += added
            if trimmed:
                # Keep the lines the user is reading in place while old ones are forgotten.
                self._programmatic = True
                try:
                    self.scroll_to(y=max(0, self.scroll_y - trimmed), animate=False, immediate=True)
                finally:
                    self._programmatic = False
        self._update_titles()
        # The line API repaints only what it is told to: after a trim every line moved.
        self.refresh()

    def _sync_size(self) -> None:
        # The width stays 0: lines are cut to the view, never scrolled sideways.
        set_virtual_height(self, len(self._view))

    def _scroll_to_end(self) -> None:
        if not self.following:
            return
        self._programmatic = True
        try:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        finally:
            self._programmatic = False

    # ---- following --------------------------------------------------------------------------

    def action_follow(self) -> None:
        self.following = True
        self.cursor = None
        self.unseen = 0
        self._scroll_to_end()
        self._update_titles()

    def _pause(self) -> None:
        if self.following and self.max_scroll_y > 0:
            self.following = False
            self.unseen = 0
            self._update_titles()

    # ---- cursor -----------------------------------------------------------------------------

    @property
    def chosen(self) -> Notification | None:
        """The notification under the cursor, if the cursor is on one."""
        if self.cursor is None or not 0 <= self.cursor < len(self._view):
            return None
        line = self._view[self.cursor]
        return line if isinstance(line, Notification) else None

    def action_cursor_up(self) -> None:
        if not self._view:
            return
        if self.cursor is None:
            # The first Up selects the newest line on screen.
            self.move_cursor(len(self._view) - 1)
        else:
            self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        if self.cursor is not None:
            self.move_cursor(self.cursor + 1)

    def move_cursor(self, index: int) -> None:
        """Select line *index* and scroll it into view; a selected line pauses following."""
        if not self._view:
            return
        self.cursor = max(0, min(index, len(self._view) - 1))
        height = max(1, self.scrollable_content_region.height)
        if self.following and self.max_scroll_y > 0:
            # Freeze the view where it is drawn now, so the selected line stays put.
            top = self._top()
            self._pause()
            self._scroll_quietly(top)
        top = self._top()
        if self.cursor < top:
            self._scroll_quietly(self.cursor)
        elif self.cursor >= top + height:
            self._scroll_quietly(self.cursor - height + 1)
        self.refresh()

    def _scroll_quietly(self, y: int) -> None:
        # Not a user scroll: reaching the end must not resume following and drop the cursor.
        self._programmatic = True
        try:
            self.scroll_to(y=y, animate=False, immediate=True)
        finally:
            self._programmatic = False

    def action_choose(self) -> None:
        chosen = self.chosen
        if chosen is not None:
            self.post_message(self.Chosen(self, chosen))

    def on_click(self, event: events.Click) -> None:
        index = self._top() + event.y
        if 0 <= index < len(self._view):
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_choose()

    def visible_pids(self) -> set[int]:
        """The sender pids of the notifications on screen."""
        top = self._top()
        end = top + self.scrollable_content_region.height
        return {line.pid for line in self._view[top:end] if isinstance(line, Notification)}

    # Scrolling towards older lines pauses even when the scroll itself has not moved yet.
    def action_scroll_up(self) -> None:
        self._pause()
        super().action_scroll_up()

    def action_page_up(self) -> None:
        self._pause()
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self._pause()
        super().action_scroll_home()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._programmatic:
            return
        at_end = new_value >= self.max_scroll_y
        if at_end and not self.following:
            self.action_follow()
        elif not at_end and new_value < old_value and self.following:
            self.following = False
            self.unseen = 0
            self._update_titles()

    def on_resize(self) -> None:
        self._sync_size()
        if self.following:
            self.call_after_refresh(self._scroll_to_end)

    def _update_titles(self) -> None:
        scope = "all channels" if self.filter is None else f"only {escape(self.filter)}"
        # A Content, not a str: a str title would be parsed as markup, and names are untrusted.
        self.border_title = Content(f"log · {scope}")
        parts = []
        if not self.following:
            parts.append(f"paused — {self.unseen:,} new · End resumes")
        if self.not_shown:
            parts.append(f"{self.not_shown:,} not shown")
        self.border_subtitle = " · ".join(parts)
        self.set_class(not self.following, "-paused")

    def on_mount(self) -> None:
        self._update_titles()

    # ---- rendering --------------------------------------------------------------------------

    def _top(self) -> int:
        # While following, the newest lines are drawn whatever scroll_y says: the scroll
        # position can lag a layout pass behind a size change, the tail must not.
        if self.following:
            return max(0, len(self._view) - self.scrollable_content_region.height)
        return int(self.scroll_y)

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of this frame shares, looked up once (rich_style walks the ancestors).
        self._frame = (self._top(), self.size.width, self.rich_style)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        top, width, base = self._frame
        index = top + y
        if index >= len(self._view) or index < 0:
            return Strip.blank(width, base)
        line = self._view[index]
        if index == self.cursor:
            base = base + self.get_component_rich_style("notification-log--cursor")
        own = isinstance(line, Notification) and line.pid in self.own_pids

        def draw() -> Strip:
            strip = Strip(self._segments(line, width)).apply_style(base)
            return strip.crop_extend(0, width, base).simplify()

        # The sender column fills in as lookups return: those lines are drawn afresh.
        if self.show_senders:
            return draw()
        return self._drawn.get((line, width, base, self._channel_width, own), draw)

    def _segments(self, line: Line, width: int) -> list[Segment]:
        return line_segments(
            line,
            width,
            channel_width=self._channel_width,
            style_of=self._channel_style,
            own_pids=self.own_pids,
            senders=self.senders if self.show_senders else None,
        )

    def _channel_style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = channel_style(name, self.color)
        return style
