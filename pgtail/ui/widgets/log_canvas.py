"""How the log's lines meet the screen: columns for the width, payloads wrapped or scrolled
sideways, and which rows of which lines make a frame.

:class:`pgtail.ui.widgets.notification_log.NotificationLog` decides which lines are in view and
which is on top; this draws them. Unwrapped, line *i* of the view is row *i* from the top line.
Wrapped (``W``), a line takes as many rows as its payload needs, and only the lines on screen are
measured (:mod:`pgtail.ui.state.log_frame`).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from pgtail.core.models import Notification, SenderInfo
from pgtail.core.text import escape
from pgtail.ui.state import log_frame
from pgtail.ui.state.log_columns import LogColumns, plan_columns
from pgtail.ui.state.log_store import Line
from pgtail.ui.widgets.cheap_frames import DrawnLines
from pgtail.ui.widgets.log_lines import LineDrawer, cell_width
from pgtail.ui.widgets.palette import channel_style


class LogCanvas:
    """The drawing state of one log: wrapping, sideways scroll, the channel column's need."""

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
        self.drawer = LineDrawer(plan_columns(80, 1), self.style_of, (), None)
        """Draws lines for the current width and columns (see :meth:`use`)."""
        self._name_cells: dict[str, int] = {}
        self._styles: dict[str, Style] = {}
        self._rows: dict[Line, list[list[Segment]]] = {}
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
        """The view starts again (cleared, filtered): so does the channel column."""
        self.channel_need = 1

    def use(
        self,
        width: int,
        own_pids: Container[int],
        senders: Mapping[int, SenderInfo] | None,
        marks: Callable[[str], list[tuple[int, int]]] | None = None,
    ) -> LogColumns:
        """Draw for a view *width* cells wide from now on; returns its columns."""
        columns = plan_columns(width, self.channel_need, senders is not None)
        drawer = LineDrawer(columns, self.style_of, own_pids, senders, self.payload_offset, marks)
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
            rows = self._rows[line] = self.drawer.wrapped(line)
        return rows

    def row(self, line: Line, row: int) -> list[Segment]:
        """Row *row* of *line* as drawn now (row 0 is the only one unwrapped)."""
        return self.rows_of(line)[row] if self.wrap else self.drawer.line(line)

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
        return self._drawn.get((line, row, self.wrap, base, inside, width, own), draw)

    def top_for_bottom(self, lines: Sequence[Line], index: int, height: int) -> int:
        """The top line that shows line *index* at the bottom of *height* rows."""
        if not self.wrap or index < 0:
            return max(0, index - height + 1)
        return log_frame.top_for_bottom(index, height, self._height_of(lines))

    def frame(
        self, lines: Sequence[Line], top: int, height: int, tail: bool = False
    ) -> list[tuple[int, int]]:
        """For each of *height* rows from the top, the index of the line drawn and its row;
        *tail* when following the newest line (wrapped, the newest row is then at the bottom)."""
        if not self.wrap:
            return [(index, 0) for index in range(top, min(len(lines), top + height))]
        height_of = self._height_of(lines)
        if tail:
            return log_frame.tail_frame(len(lines) - 1, height, height_of)
        return log_frame.frame(top, len(lines), height, height_of)

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
            longest = max(
                (cell_width(escape(ln.payload)) for ln in lines if isinstance(ln, Notification)),
                default=0,
            )
            if self.payload_offset + payload >= longest:
                return False
            self.payload_offset += step
        elif self.payload_offset:
            self.payload_offset = max(0, self.payload_offset - step)
        else:
            return False
        return True
