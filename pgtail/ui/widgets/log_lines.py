"""What one line of the notification log looks like, as Rich segments.

Kept apart from :mod:`pgtail.ui.widgets.notification_log`, which decides which lines are in view
and where. The columns come from :func:`pgtail.ui.state.log_columns.plan_columns`; every width is
measured in terminal cells (Rich's measure, so it agrees with what Textual draws). Untrusted text
(channel names, payloads, JSON field values, application names) goes into plain ``Segment`` text
after :func:`pgtail.core.text.escape`: nothing is parsed as markup and no control character
reaches the terminal. With JSON fields as columns, the payload column shows the rest of the
payload (:mod:`pgtail.ui.state.shown_fields`).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass

from rich.cells import split_graphemes
from rich.segment import Segment
from rich.style import Style

from pgtail.core.filter_syntax import Field
from pgtail.core.models import Gap, Notification, SenderInfo
from pgtail.core.stamps import TimeMode, stamp
from pgtail.core.text import escape
from pgtail.ui.state import cells
from pgtail.ui.state.gap_text import gap_line
from pgtail.ui.state.log_columns import GAP, LogColumns
from pgtail.ui.state.log_store import Line, Skipped
from pgtail.ui.state.quiet import QuietLine
from pgtail.ui.state.shown_fields import ShownFields, shown_fields
from pgtail.ui.widgets.marks import marked

TIME_STYLE = Style(dim=True)
PID_STYLE = Style(dim=True)
OWN_STYLE = Style(bold=True, color="#ffd75f")
GAP_STYLE = Style(bold=True, color="#ff5f5f")
SKIP_STYLE = Style(italic=True, color="#ffaf00")
OWN_PAYLOAD_STYLE = Style(italic=True)
QUIET_STYLE = Style(bold=True, color="#ffaf00")
SPOKE_STYLE = Style(dim=True, italic=True)


def sender_label(info: SenderInfo | None) -> str:
    """The short form of a sender for the log's column."""
    if info is None:
        return "…"
    if info.gone:
        return "(disconnected)"
    return escape(info.application_name or info.backend_type or info.user or "?")


def cell_width(text: str) -> int:
    """The cells *text* (already escaped) takes on screen."""
    return cells.cell_width(text, split_graphemes)


def _marker_text(line: Gap | Skipped | QuietLine, width: int | None = None) -> tuple[str, Style]:
    if isinstance(line, Gap):
        return gap_line(line), GAP_STYLE
    if isinstance(line, QuietLine):
        text = line.text if width is None else line.fitted(width, split_graphemes)
        return text, QUIET_STYLE if line.spoke_at is None else SPOKE_STYLE
    return f"… {line.count:,} notifications arrived too fast to show (counted) …", SKIP_STYLE


@dataclass(frozen=True, slots=True)
class LineDrawer:
    """Draws log lines for one layout: columns, colours, marks, sideways scroll."""

    columns: LogColumns
    style_of: Callable[[str], Style]
    """A channel's style."""
    own_pids: Container[int]
    """Backends of pgtail's own sender: their lines are marked."""
    senders: Mapping[int, SenderInfo] | None
    """Known senders by pid; None when the sender column is hidden."""
    offset: int = 0
    """Cells of every payload scrolled out to the left (Left/Right)."""
    marks: Callable[[str], list[tuple[int, int]]] | None = None
    """Finds the live filter's matches in the shown channel and payload, to mark them."""
    fields: tuple[Field, ...] = ()
    """JSON fields shown as columns before the payload, which then shows the rest."""
    time: TimeMode = TimeMode.ABSOLUTE
    """How the time is written."""

    def line(self, line: Line, previous: float | None = None) -> list[Segment]:
        """*line* on one row, its payload cut (with ``…``) to the payload column; *previous* is
        the time of the notification before it in the view (for relative times)."""
        if not isinstance(line, Notification):
            text, style = _marker_text(line, self.columns.width)
            return [Segment(cells.cut(text, self.columns.width, split_graphemes), style)]
        shown = self._split(line)
        text = shown.rest if shown is not None else escape(line.payload)
        payload = cells.window(text, self.offset, self.columns.payload, split_graphemes)
        head = self._head(line, previous, shown)
        return [*head, *self._payload(line.pid, payload)]

    def wrapped(self, line: Line, previous: float | None = None) -> list[list[Segment]]:
        """*line* with its whole payload, wrapped under the payload column: one list per row."""
        if not isinstance(line, Notification):
            text, style = _marker_text(line)
            rows = cells.chop(text, self.columns.width, split_graphemes)
            return [[Segment(row, style)] for row in rows]
        columns = self.columns
        shown = self._split(line)
        text = shown.rest if shown is not None else escape(line.payload)
        rows = cells.chop(text, columns.payload, split_graphemes)
        indent = Segment(" " * columns.payload_x)
        first = [*self._head(line, previous, shown), *self._payload(line.pid, rows[0])]
        return [first, *([indent, *self._payload(line.pid, row)] for row in rows[1:])]

    def payload_text(self, line: Notification) -> str:
        """What the payload column shows of *line*, whole and escaped."""
        shown = self._split(line)
        return shown.rest if shown is not None else escape(line.payload)

    def _split(self, line: Notification) -> ShownFields | None:
        return shown_fields(line.payload, self.fields) if self.fields else None

    def _payload(self, pid: int, text: str) -> list[Segment]:
        return self._marked(text, None, OWN_PAYLOAD_STYLE if pid in self.own_pids else None)

    def _marked(self, text: str, channel: str | None, style: Style | None = None) -> list[Segment]:
        """*text* (a channel column when *channel* is given) with the filter's matches marked."""
        style = self.style_of(channel) if channel is not None else style
        return marked(text, self.marks(text), style) if self.marks else [Segment(text, style)]

    def _head(
        self, line: Notification, previous: float | None, shown: ShownFields | None
    ) -> list[Segment]:
        """Time, channel, pid, sender and the field columns, each in its column, up to the
        payload."""
        columns = self.columns
        gap = Segment(" " * GAP)
        when = stamp(self.time, line.received, previous, columns.short_time)
        channel = cells.fit(escape(line.channel), columns.channel, split_graphemes)
        style = self.style_of(line.channel)
        name = (
            marked(channel, self.marks(channel), style) if self.marks else [Segment(channel, style)]
        )
        head = [Segment(cells.fit(when, columns.time, split_graphemes), TIME_STYLE), gap, *name]
        if columns.pid:
            head += [gap, Segment(f"{line.pid:>{columns.pid}}", PID_STYLE)]
        if self.senders is not None and columns.sender:
            label = sender_label(self.senders.get(line.pid))
            head += [gap, Segment(cells.fit(label, columns.sender, split_graphemes), PID_STYLE)]
        # The gap before the payload (or the field columns) marks the lines this pgtail sent.
        if line.pid in self.own_pids:
            head += [Segment("↑", OWN_STYLE), Segment(" " * (GAP - 1))]
        else:
            head.append(gap)
        if shown is not None:
            for value, width in zip(shown.values, columns.fields, strict=False):
                if width:
                    head += [*self._marked(cells.fit(value, width, split_graphemes), None), gap]
        return head
