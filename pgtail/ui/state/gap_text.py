"""What the log says about an outage: the facts on one line, the explanation on request.

The line fits 80 columns with its facts first (how long, from when to when, what it means), so a
narrow terminal cuts nothing that matters; Enter on it shows :func:`gap_explanation`.
"""

from __future__ import annotations

from pgtail.core.formats import clock_time
from pgtail.core.models import Gap


def duration(seconds: float) -> str:
    """``7.4 s``, ``3 min 12 s``, ``2 h 05 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def gap_line(gap: Gap) -> str:
    """``gap 7.4 s, 23:17:58 → 23:18:05: notifications sent meanwhile are lost``"""
    lost, back = clock_time(gap.lost_at)[:8], clock_time(gap.back_at)[:8]
    return f"gap {duration(gap.seconds)}, {lost} → {back}: notifications sent meanwhile are lost"


def gap_explanation(gap: Gap) -> str:
    """The whole story of a gap line, for the user who asks (Enter on the line); short enough
    for a toast on an 80×24 terminal."""
    return (
        f"Connection lost at {clock_time(gap.lost_at)}, back at {clock_time(gap.back_at)} "
        f"({duration(gap.seconds)}). The server keeps no notifications for a listener that is "
        "away: whatever was sent meanwhile was not received, and cannot be fetched again."
    )
