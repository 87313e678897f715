"""How the log's lines meet the screen: columns for the width, payloads wrapped or scrolled
sideways, and which rows of which lines make a frame.

:class:`pgtail.ui.widgets.notification_log.NotificationLog` decides which lines are in view and
which is on top; this draws them. Unwrapped, line *i* of the view is row *i* from the top line.
Wrapped (``W``), a line takes as many rows as its payload needs, and only the lines on screen are
measured (:mod:`pgtail.ui.state.log_frame`). So are JSON field columns: each grows to the widest
value drawn so far (capped), and a relative time needs the line before, which a frame looks up.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from pgtail.core.filter_syntax import Field
from pgtail.core.models import Notification, SenderInfo
from pgtail.core.stamps import TimeMode
from pgtail.core.text import escape
from pgtail.ui.state import log_frame
from pgtail.ui.state.log_columns import LogColumns, plan_columns
from pgtail.ui.state.log_store import Line
from pgtail.ui.state.shown_fields import shown_fields
from pgtail.ui.widgets.cheap_frames import DrawnLines
from pgtail.ui.widgets.log_lines import LineDrawer, cell_width
from pgtail.ui.widgets.palette import channel_style

Marks = Callable[[str], list[tuple[int, int]]]
"""Where the live filter's matches are in a shown text."""


class LogCanvas:
    """The drawing state of one log: wrapping, sideways scroll, the channel and field columns'
    needs, how times are written."""

    def __init__(self, color: bool = True) -> None:
        self.color = color
        """False under NO_COLOR: channels are told apart by name only."""
        self.wrap = False
        """Every payload shown whole, wrapped under the payload column (``W``)."""
        self.payload_offset = 0
        """Cells of every payload scrolled out to the left (Left/Right; never while wrapped)."""
        self.channel_need = 1
        """The widest channel name among the lines in view, in cells: the channel column's
        width (capped). It grows as names arrive and starts again on clear or a new filter, so
        it does not jump while lines scroll by."""
        self.fields: tuple[Field, ...] = ()
        """JSON fields shown as columns (``--columns``, ``C``)."""
        self.field_need: list[int] = []
        """The widest value drawn so far of each field, in cells (as :attr:`channel_need`)."""
        self.time = TimeMode.ABSOLUTE
        """How times are written (``--time``, ``T``)."""
        self.drawer = LineDrawer(plan_columns(80, 1), self.style_of, (), None)
        """Draws lines for the current width and columns (see :meth:`use`)."""
        self._name_cells: dict[str, int] = {}
        self._styles: dict[str, Style] = {}
        self._rows: dict[Line, list[list[Segment]]] = {}
        self._use: tuple[int, Container[int], Mapping[int, SenderInfo] | None, Marks | None]
        self._use = (80, (), None, None)
        self._previous: dict[int, float | None] = {}  # id(line) -> the time before it (a frame's)
        self._drawn = DrawnLines()
        """Rows as drawn, reused while they scroll by: after a drain every row of the log shows
        the line that was one row below, so a frame would otherwise draw them all again."""

    # ---- what the columns need ----------------------------------------------------------------

    def measure_names(self, lines: Sequence[Line]) -> None:
        """Widen the channel column for names new to the view."""
        for name in {line.channel for line in lines if isinstance(line, Notification)}:
            cells = self._name_cells.get(name)
            if cells is None:
                cells = self._name_cells[name] = cell_width(escape(name))
            self.channel_need = max(self.channel_need, cells)

    def forget_names(self) -> None:
        """The view starts again (cleared, filtered): so do the channel and field columns."""
        self.channel_need = 1
        self.field_need = [0] * len(self.fields)

    def set_fields(self, fields: tuple[Field, ...]) -> None:
        """Show *fields* as columns (none: the whole payload again)."""
        self.fields = fields
        self.field_need = [0] * len(fields)
        self.payload_offset = 0

    def measure_fields(self, lines: Sequence[Line]) -> bool:
        """Widen field columns for the values of *lines* (about to be drawn); True if any grew."""
        if not self.fields:
            return False
        grew = False
        for line in lines:
            if isinstance(line, Notification):
                values = shown_fields(line.payload, self.fields).values
                for i, value in enumerate(values):
                    if value and (cells := cell_width(value)) > self.field_need[i]:
                        self.field_need[i], grew = cells, True
        return grew

    def use(
        self,
        width: int,
        own_pids: Container[int],
        senders: Mapping[int, SenderInfo] | None,
        marks: Marks | None = None,
    ) -> LogColumns:
        """Draw for a view *width* cells wide from now on; returns its columns."""
        self._use = (width, own_pids, senders, marks)
        columns = plan_columns(
            width, self.channel_need, senders is not None, self.field_need, self.time
        )
        drawer = LineDrawer(
            columns, self.style_of, own_pids, senders, self.payload_offset, marks,
            self.fields, self.time,
        )  # fmt: skip
        if drawer != self.drawer:
            self.drawer = drawer
            self._rows = {}
            self._drawn = DrawnLines()
        return columns

    def new_frame(self) -> None:
        """Forget wrapped rows: marks and sender names may have changed since the last frame."""
        self._rows = {}

    def style_of(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = channel_style(name, self.color)
        return style

    # ---- rows ------------------------------------------------------------------------------

    def rows_of(self, line: Line) -> list[list[Segment]]:
        """Every row of *line*, wrapped (kept for the frame: measuring is drawing)."""
        rows = self._rows.get(line)
        if rows is None:
            rows = self._rows[line] = self.drawer.wrapped(line, self._previous.get(id(line)))
        return rows

    def row(self, line: Line, row: int) -> list[Segment]:
        """Row *row* of *line* as drawn now (row 0 is the only one unwrapped)."""
        if self.wrap:
            return self.rows_of(line)[row]
        return self.drawer.line(line, self._previous.get(id(line)))

    def strip(self, line: Line, row: int, base: Style, inside: int, width: int) -> Strip:
        """Row *row* of *line* on *base*, drawn to *inside* cells (the scrollbar never covers a
        payload's last cell) and padded to *width*."""

        def draw() -> Strip:
            strip = Strip(self.row(line, row)).apply_style(base)
            return strip.crop_extend(0, inside, base).extend_cell_length(width, base).simplify()

        # The sender column fills in as lookups return: those rows are drawn afresh.
        if self.drawer.senders is not None:
            return draw()
        own = isinstance(line, Notification) and line.pid in self.drawer.own_pids
        # A relative time depends on the line before: it is part of what is drawn.
        before = self._previous.get(id(line))
        return self._drawn.get((line, row, self.wrap, base, inside, width, own, before), draw)

    def top_for_bottom(self, lines: Sequence[Line], index: int, height: int) -> int:
        """The top line that shows line *index* at the bottom of *height* rows."""
        if not self.wrap or index < 0:
            return max(0, index - height + 1)
        return log_frame.top_for_bottom(index, height, self._height_of(lines))

    def frame(
        self, lines: Sequence[Line], top: int, height: int, tail: bool = False
    ) -> list[tuple[int, int]]:
        """For each of *height* rows from the top, the index of the line drawn and its row;
        *tail* when following the newest line (wrapped, the newest row is then at the bottom).

        The lines that may be drawn are looked at first: field columns widen for their values,
        and each learns the time of the notification before it (relative times)."""
        start = max(0, len(lines) - height if tail else top)
        self._before_drawing(lines, start, min(len(lines), start + height))
        if not self.wrap:
            return [(index, 0) for index in range(top, min(len(lines), top + height))]
        height_of = self._height_of(lines)
        if tail:
            return log_frame.tail_frame(len(lines) - 1, height, height_of)
        return log_frame.frame(top, len(lines), height, height_of)

    def _before_drawing(self, lines: Sequence[Line], start: int, end: int) -> None:
        if self.measure_fields(lines[start:end]):
            self.use(*self._use)  # wider field columns: a new layout
        self._previous = {}
        if self.time is not TimeMode.RELATIVE:
            return
        before = _time_before(lines, start)
        for line in lines[start:end]:
            self._previous[id(line)] = before
            if isinstance(line, Notification):
                before = line.received
        self._rows = {}  # a line's time depends on the line before it in this view

    def _height_of(self, lines: Sequence[Line]) -> log_frame.HeightOf:
        return lambda index: len(self.rows_of(lines[index]))

    # ---- sideways ----------------------------------------------------------------------------

    def shift(self, lines: Sequence[Line], right: bool) -> bool:
        """Scroll payloads half a column right (or left); False when there is nowhere to go."""
        if self.wrap:
            return False
        payload = self.drawer.columns.payload
        step = max(4, payload // 2)
        if right:
            text = self.drawer.payload_text
            longest = max(
                (cell_width(text(ln)) for ln in lines if isinstance(ln, Notification)), default=0
            )
            if self.payload_offset + payload >= longest:
                return False
            self.payload_offset += step
        elif self.payload_offset:
            self.payload_offset = max(0, self.payload_offset - step)
        else:
            return False
        return True


#: How many lines back a relative time looks for the notification before (past gap lines).
LOOK_BACK = 64


def _time_before(lines: Sequence[Line], index: int) -> float | None:
    """The time of the last notification before line *index*, if one is near."""
    for line in reversed(lines[max(0, index - LOOK_BACK) : index]):
        if isinstance(line, Notification):
            return line.received
    return None
