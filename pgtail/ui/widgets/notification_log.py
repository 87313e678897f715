"""The notification log: one line per notification, rendered on demand (Textual's line API).

Only the visible lines are ever rendered, so a flood costs list appends, not layout. This module
decides where the view stands (following, paused, the cursor); the lines kept and filtered are
:class:`~pgtail.ui.state.log_store.LogStore`'s, :mod:`~pgtail.ui.widgets.log_canvas` lays them
out (payload first, wrapped or scrolled) and :mod:`~pgtail.ui.widgets.log_lines` draws each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pgtail.core.models import Gap, Notification, SenderInfo
from pgtail.ui.keys import LOG_BINDINGS
from pgtail.ui.state.filtering import LineFilter
from pgtail.ui.state.gap_text import gap_explanation
from pgtail.ui.state.log_store import Cleared, Line, LogStore, Skipped
from pgtail.ui.state.log_titles import log_titles
from pgtail.ui.widgets.cheap_frames import set_virtual_height
from pgtail.ui.widgets.log_canvas import LogCanvas


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

    BINDINGS: ClassVar[list[BindingType]] = LOG_BINDINGS

    def __init__(
        self,
        scrollback: int = 10_000,
        color: bool = True,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.store = LogStore(scrollback)
        """The lines kept, and those in view."""
        self.following = True
        """True while the view sticks to the newest line."""
        self.unseen = 0
        """Lines added to the view while it was paused."""
        self.not_shown = 0
        """Notifications that arrived too fast to be shown (counted, not buffered)."""
        self.own_pids: set[int] = set()
        """Backend pids of pgtail's own sender; their lines are marked."""
        self.cursor: int | None = None
        """Index in :attr:`lines` of the selected line; None until the user moves to one."""
        self.show_senders = False
        """Show who sent each line (application name) in a column."""
        self.senders: dict[int, SenderInfo] = {}
        """Known senders by pid (looked up by the app, off the listener's path)."""
        self.canvas = LogCanvas(color)
        """Columns, wrapping and sideways scroll: how the lines are drawn (no colours under
        NO_COLOR: channels are told apart by name only)."""
        self._rows: list[tuple[int, int]] = []  # the frame being drawn (see _frame)
        self._programmatic = False

    # ---- data -------------------------------------------------------------------------------

    @property
    def lines(self) -> list[Line]:
        """The lines currently in view order (filtered when a filter is set)."""
        return self.store.view

    @property
    def filter(self) -> str | None:
        """Only this channel's lines are shown, when set."""
        return self.store.channel

    @property
    def text_filter(self) -> LineFilter | None:
        """Only lines whose channel or payload match are shown, when set (the ``/`` filter)."""
        return self.store.text

    def add(self, items: Sequence[Line], dropped: int = 0) -> None:
        """Append new lines (a drained batch); *dropped* were never shown and are counted."""
        new: list[Line] = []
        if dropped:
            self.not_shown += dropped
            new.append(Skipped(dropped))
        new.extend(items)
        if not new:
            return
        shown, trimmed = self.store.add(new)
        if trimmed and self.cursor is not None:
            self.cursor = max(0, self.cursor - trimmed)
        self.canvas.measure_names(shown)
        self._after_change(len(shown), trimmed)

    def mark_own(self, pid: int | None) -> None:
        """Lines from backend *pid* were sent by this pgtail: mark them (None: nothing to mark)."""
        if pid is not None and pid not in self.own_pids:
            self.own_pids.add(pid)
            self.refresh()

    def clear(self) -> Cleared:
        """Forget every line (counters elsewhere are not touched); returns them, for an undo."""
        cleared = Cleared(self.store.clear(), self.not_shown)
        self.cursor = None
        self.unseen = 0
        self.not_shown = 0
        self.following = True
        self.canvas.forget_names()
        self._sync_size()
        self._update_titles()
        self.refresh()
        return cleared

    def restore(self, cleared: Cleared) -> None:
        """Put cleared lines back, before the lines that arrived since (an undo)."""
        self.store.restore(cleared.lines)
        self.not_shown += cleared.not_shown
        self._refiltered()

    def set_filter(self, channel: str | None) -> None:
        """Show only *channel*'s lines (None: everything)."""
        self.store.set_filters(channel, self.store.text)
        self._refiltered()

    def set_text_filter(self, line_filter: LineFilter | None) -> None:
        """Show only lines matching *line_filter* (None: no text filter)."""
        self.store.set_filters(self.store.channel, line_filter)
        self._refiltered()

    def _refiltered(self) -> None:
        self.cursor = None
        self.following = True
        self.unseen = 0
        self.canvas.forget_names()
        self.canvas.measure_names(self.lines)
        self._sync_size()
        self._scroll_to_end()
        self._update_titles()
        self.refresh()

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
        # Width 0: lines are cut to the view (Left/Right move the payloads, not the view).
        # Wrapped, the log scrolls by lines, and the last one may come up to the top.
        extra = max(0, self.scrollable_content_region.height - 1) if self.canvas.wrap else 0
        set_virtual_height(self, len(self.lines) + extra)

    def _scroll_to_end(self) -> None:
        if self.following:
            self._scroll_quietly(self._end_top())

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
        if self.cursor is None or not 0 <= self.cursor < len(self.lines):
            return None
        line = self.lines[self.cursor]
        return line if isinstance(line, Notification) else None

    def action_cursor_up(self) -> None:
        if not self.lines:
            return
        if self.cursor is None:
            # The first Up selects the newest line on screen.
            self.move_cursor(len(self.lines) - 1)
        else:
            self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        if self.cursor is not None:
            self.move_cursor(self.cursor + 1)

    def move_cursor(self, index: int) -> None:
        """Select line *index* and scroll it into view; a selected line pauses following."""
        if not self.lines:
            return
        self.cursor = max(0, min(index, len(self.lines) - 1))
        if self.following and self.max_scroll_y > 0:
            # Freeze the view where it is drawn now, so the selected line stays put.
            top = self._top()
            self._pause()
            self._scroll_quietly(top)
        top = self._top()
        if self.cursor < top:
            self._scroll_quietly(self.cursor)
        else:
            self._scroll_quietly(max(top, self._top_for_bottom(self.cursor)))
        self.refresh()

    def _scroll_quietly(self, y: int) -> None:
        # Not a user scroll: reaching the end must not resume following and drop the cursor.
        self._programmatic = True
        try:
            self.scroll_to(y=y, animate=False, immediate=True)
        finally:
            self._programmatic = False

    def action_choose(self) -> None:
        """Open the selected line (none: the newest notification); a gap explains itself."""
        line: Line | None
        if self.cursor is None:
            line = next((ln for ln in reversed(self.lines) if isinstance(ln, Notification)), None)
        else:
            line = self.lines[self.cursor] if self.cursor < len(self.lines) else None
        if isinstance(line, Notification):
            self.post_message(self.Chosen(self, line))
        elif isinstance(line, Gap):
            self.notify(gap_explanation(line), title="gap", timeout=20, markup=False)

    def on_click(self, event: events.Click) -> None:
        # Rows count from the content region: the border (and any padding) above the lines is
        # not a line. A click on the border itself selects nothing.
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self._line_at(offset.y)
        if 0 <= index < len(self.lines):
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_choose()

    def visible_pids(self) -> set[int]:
        """The sender pids of the notifications on screen."""
        return {line.pid for line in self._on_screen() if isinstance(line, Notification)}

    def _on_screen(self) -> list[Line]:
        top = self._top()
        return self.lines[top : top + self.scrollable_content_region.height]

    # ---- wrapping and sideways ----------------------------------------------------------------

    def action_toggle_wrap(self) -> None:
        self.canvas.wrap = not self.canvas.wrap
        self.canvas.payload_offset = 0
        self.relayout()

    def relayout(self) -> None:
        """Lay the lines out again: the canvas changed (wrapping, field columns, times)."""
        self._sync_size()
        if self.cursor is not None:
            self.move_cursor(self.cursor)
        self._update_titles()
        self.refresh()

    def action_shift_payload(self, right: bool) -> None:
        self._canvas()
        if self.canvas.shift(self._on_screen(), right):
            self._update_titles()
            self.refresh()

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
        at_end = new_value >= self._end_top()
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
        title, subtitle = log_titles(
            self.filter, self.canvas.wrap, self.canvas.payload_offset,
            self.following, self.unseen, self.not_shown, self.canvas.fields,
        )  # fmt: skip
        # A Content, not a str: a str title would be parsed as markup, and names are untrusted.
        self.border_title = Content(title)
        self.border_subtitle = Content(subtitle)
        self.set_class(not self.following, "-paused")

    def on_mount(self) -> None:
        self._update_titles()

    # ---- rendering --------------------------------------------------------------------------

    def _canvas(self) -> LogCanvas:
        """The canvas, set for the current width, marks and sender column."""
        senders = self.senders if self.show_senders else None
        marks = self.text_filter.marks if self.text_filter else None
        self.canvas.use(self.scrollable_content_region.width, self.own_pids, senders, marks)
        return self.canvas

    def _top_for_bottom(self, index: int) -> int:
        """The top line that brings line *index* into view at the bottom."""
        rows = max(1, self.scrollable_content_region.height)
        return self._canvas().top_for_bottom(self.lines, index, rows)

    def _end_top(self) -> int:
        """The top line when the newest line is in view: the end of the log."""
        return self._top_for_bottom(len(self.lines) - 1)

    def _top(self) -> int:
        # While following, the newest lines are drawn whatever scroll_y says: the scroll
        # position can lag a layout pass behind a size change, the tail must not.
        return self._end_top() if self.following else int(self.scroll_y)

    def _frame(self) -> list[tuple[int, int]]:
        """The line and row of it drawn on each screen row."""
        height = self.scrollable_content_region.height
        return self._canvas().frame(self.lines, self._top(), height, self.following)

    def _line_at(self, y: int) -> int:
        """The index of the line drawn on row *y* of the view (past the end: len(lines))."""
        rows = self._frame()
        return rows[y][0] if 0 <= y < len(rows) else len(self.lines)

    def render_lines(self, crop: Region) -> list[Strip]:
        self.canvas.new_frame()
        self._rows = self._frame()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y >= len(self._rows):
            return Strip.blank(width, base)
        index, row = self._rows[y]
        if index == self.cursor:
            base = base + self.get_component_rich_style("notification-log--cursor")
        inside = self.scrollable_content_region.width
        return self.canvas.strip(self.lines[index], row, base, inside, width)
