"""Where each column of a log line goes, for a log of a given width: the payload comes first.

The payload is what users came to read, so it gets every cell the other columns can spare: the
channel column is only as wide as the names in the log need (capped, the rest cut with ``…``);
below :data:`NARROW` cells the time loses its milliseconds and the pid column goes (unless the
sender column is asked for, which is about pids). JSON fields shown as columns (``--columns``,
``C``) sit between the channel and the payload, each as wide as its values need up to a cap, and
give way before the rest of the payload does. Widths are terminal cells. No Textual here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pgtail.core.stamps import WIDTHS, TimeMode

#: A log narrower than this (in cells; a terminal under about 100 columns) is laid out narrow.
NARROW = 96
#: Cells between two columns. The one before the payload holds the ``↑`` of pgtail's own lines.
GAP = 2
LONG_TIME = 12
"""``HH:MM:SS.mmm``"""
SHORT_TIME = 8
"""``HH:MM:SS``"""
PID_WIDTH = 7
SENDER_WIDTH = 16
NARROW_SENDER_WIDTH = 12
#: The payload keeps at least this many cells: the channel column gives way first.
MIN_PAYLOAD = 12
#: A field column is cut to this many cells before fields are left out (three and a ``…``).
FIELD_MIN = 4


def channel_cap(width: int) -> int:
    """The widest the channel column gets in a log *width* cells wide (20 at 80 columns)."""
    return max(10, min(32, (width + 3) // 4))


def field_cap(width: int) -> int:
    """The widest a field column gets in a log *width* cells wide (12 at 80 columns)."""
    return max(8, min(24, width // 6))


def rest_min(width: int) -> int:
    """The cells the rest of the payload keeps beside field columns (19 at 80 columns)."""
    return max(MIN_PAYLOAD, width // 4)


@dataclass(frozen=True, slots=True)
class LogColumns:
    """The widths of a log line's columns; 0 means the column is not shown."""

    width: int
    """The whole line."""
    time: int
    channel: int
    pid: int
    sender: int
    fields: tuple[int, ...] = ()
    """One per field shown as a column, in order; 0 for one left out (no room, or no value)."""
    short_time: bool = False
    """The time in its short form (a narrow log, or a relative time's first line)."""

    @property
    def payload_x(self) -> int:
        """Where the payload starts (continuation lines of a wrapped payload start here too)."""
        shown = (self.time, self.channel, self.pid, self.sender, *self.fields)
        return sum(w + GAP for w in shown if w)

    @property
    def payload(self) -> int:
        """The payload's width: all the rest, at least one cell."""
        return max(1, self.width - self.payload_x)


def plan_columns(
    width: int,
    channel_need: int,
    senders: bool = False,
    fields: Sequence[int] = (),
    time: TimeMode = TimeMode.ABSOLUTE,
) -> LogColumns:
    """The columns for a log *width* cells wide whose longest channel name takes *channel_need*
    cells; *senders* when the sender column is shown; *fields*: the cells each field column's
    values need; *time*: how times are written."""
    narrow = width < NARROW
    long_time, short_time = WIDTHS[time]
    time_width = short_time if narrow else long_time
    pid = 0 if narrow and not senders else PID_WIDTH
    sender = 0 if not senders else NARROW_SENDER_WIDTH if narrow else SENDER_WIDTH
    channel = max(1, min(channel_need, channel_cap(width)))
    fixed = sum(w + GAP for w in (time_width, pid, sender) if w) + GAP
    shown = fit_fields(fields, width, width - fixed - channel - rest_min(width))
    fixed += sum(w + GAP for w in shown if w)
    # On a very narrow log (a split pane) the channel column shrinks before the payload does.
    room = width - fixed - MIN_PAYLOAD
    if channel > room:
        channel = max(min(channel, 4), room)
    short = narrow or time is TimeMode.RELATIVE  # see WIDTHS
    return LogColumns(width, time_width, channel, pid, sender, shown, short)


def fit_fields(needs: Sequence[int], width: int, room: int) -> tuple[int, ...]:
    """Field columns' widths in *room* cells (gaps included): each capped, then the widest cut
    first down to :data:`FIELD_MIN`; the last ones are left out (0) when even that is too much.
    A field with no value in view needs 0 cells, and takes none."""
    widths = [min(need, field_cap(width)) for need in needs]
    while any(widths) and sum(w + GAP for w in widths if w) > room:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] > FIELD_MIN:
            widths[widest] -= 1
        else:
            shown = [i for i, w in enumerate(widths) if w]
            widths[shown[-1]] = 0
    return tuple(widths)
