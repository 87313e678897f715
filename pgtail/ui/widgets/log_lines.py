"""What one line of the notification log looks like, as Rich segments.

Kept apart from :mod:`pgtail.ui.widgets.notification_log`, which decides which lines are in view
and where. Untrusted text (channel names, payloads, application names) goes into plain ``Segment``
text after :func:`pgtail.core.text.escape`: nothing is parsed as markup and no control character
reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from pgtail.core.formats import clock_time
from pgtail.core.models import Gap, SenderInfo
from pgtail.core.text import escape, truncate
from pgtail.ui.inbox import LogItem
from pgtail.ui.widgets.marks import marked

TIME_STYLE = Style(dim=True)
PID_STYLE = Style(dim=True)
OWN_STYLE = Style(bold=True, color="#ffd75f")
GAP_STYLE = Style(bold=True, color="#ff5f5f")
SKIP_STYLE = Style(italic=True, color="#ffaf00")
#: The channel column grows to the longest name seen, up to this many cells.
MAX_CHANNEL_COLUMN = 24
SENDER_COLUMN = 16


@dataclass(frozen=True, slots=True)
class Skipped:
    """A marker line: this many notifications arrived too fast to be shown."""

    count: int


Line = LogItem | Skipped
"""One line of the log: a notification, an outage, or a count of lines not shown."""


def describe_gap_line(gap: Gap) -> str:
    return (
        f"── gap: connection lost at {clock_time(gap.lost_at)}, back at {clock_time(gap.back_at)}"
        f" ({gap.seconds:.1f} s); notifications sent meanwhile were not received ──"
    )


def sender_label(info: SenderInfo | None) -> str:
    """The short form of a sender for the log's column."""
    if info is None:
        return "…"
    if info.gone:
        return "(disconnected)"
    return escape(info.application_name or info.backend_type or info.user or "?")


def line_segments(
    line: Line,
    width: int,
    *,
    channel_width: int,
    style_of: Callable[[str], Style],
    own_pids: Container[int],
    senders: Mapping[int, SenderInfo] | None,
    marks: Callable[[str], list[tuple[int, int]]] | None = None,
) -> list[Segment]:
    """The segments of *line* for a view *width* cells wide.

    *style_of* gives a channel's style; *own_pids* are the backends of pgtail's own sender (their
    lines are marked); *senders* is None when the sender column is hidden; *marks* finds the live
    filter's matches in the shown channel and payload.
    """
    if isinstance(line, Gap):
        return [Segment(describe_gap_line(line), GAP_STYLE)]
    if isinstance(line, Skipped):
        return [
            Segment(
                f"… {line.count:,} notifications arrived too fast to show (counted) …",
                SKIP_STYLE,
            )
        ]
    channel = truncate(escape(line.channel), MAX_CHANNEL_COLUMN)
    own = line.pid in own_pids
    channel = channel.ljust(channel_width)
    head = [
        Segment(clock_time(line.received), TIME_STYLE),
        Segment("  "),
        *marked(channel, marks(channel) if marks else [], style_of(line.channel)),
        Segment("  "),
        Segment(f"{line.pid:>7}", PID_STYLE),
        Segment("↑ " if own else "  ", OWN_STYLE if own else None),
    ]
    if senders is not None:
        label = truncate(sender_label(senders.get(line.pid)), SENDER_COLUMN)
        head += [Segment(label.ljust(SENDER_COLUMN), PID_STYLE), Segment("  ")]
    used = sum(len(s.text) for s in head)
    payload = truncate(escape(line.payload), max(1, width - used))
    style = Style(italic=True) if own else None
    head += marked(payload, marks(payload), style) if marks else [Segment(payload, style)]
    return head
