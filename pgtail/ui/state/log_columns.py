"""Where each column of a log line goes, for a log of a given width: the payload comes first.

The payload is what users came to read, so it gets every cell the other columns can spare: the
channel column is only as wide as the names in the log need (capped, the rest cut with ``…``);
below :data:`NARROW` cells the time loses its milliseconds and the pid column goes (unless the
sender column is asked for, which is about pids). Widths are terminal cells. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def channel_cap(width: int) -> int:
    """The widest the channel column gets in a log *width* cells wide (20 at 80 columns)."""
    return max(10, min(32, (width + 3) // 4))


@dataclass(frozen=True, slots=True)
class LogColumns:
    """The widths of a log line's columns; 0 means the column is not shown."""

    width: int
    """The whole line."""
    time: int
    channel: int
    pid: int
    sender: int

    @property
    def payload_x(self) -> int:
        """Where the payload starts (continuation lines of a wrapped payload start here too)."""
        return sum(w + GAP for w in (self.time, self.channel, self.pid, self.sender) if w)

    @property
    def payload(self) -> int:
        """The payload's width: all the rest, at least one cell."""
        return max(1, self.width - self.payload_x)


def plan_columns(width: int, channel_need: int, senders: bool = False) -> LogColumns:
    """The columns for a log *width* cells wide whose longest channel name takes *channel_need*
    cells; *senders* when the sender column is shown."""
    narrow = width < NARROW
    time = SHORT_TIME if narrow else LONG_TIME
    pid = 0 if narrow and not senders else PID_WIDTH
    sender = 0 if not senders else NARROW_SENDER_WIDTH if narrow else SENDER_WIDTH
    channel = max(1, min(channel_need, channel_cap(width)))
    fixed = sum(w + GAP for w in (time, pid, sender) if w) + GAP
    # On a very narrow log (a split pane) the channel column shrinks before the payload does.
    room = width - fixed - MIN_PAYLOAD
    if channel > room:
        channel = max(min(channel, 4), room)
    return LogColumns(width, time, channel, pid, sender)
