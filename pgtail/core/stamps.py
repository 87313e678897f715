"""How a notification's time is written (``--time``): the clock, the time since the line before,
or the clock with the date. In local time, like the rest of pgtail's times.

Each has a long form and a short one (for a narrow log); the widths are fixed, so a column of
them stays aligned. The time since the line before, like ``+0.012s`` or ``+1m03s``, is what a
burst or a slow consumer shows best; the first line has no line before it, and shows its clock
time instead, as an anchor.
"""

from __future__ import annotations

import enum
from datetime import datetime


class TimeMode(enum.Enum):
    ABSOLUTE = "absolute"
    """Today's ``HH:MM:SS.mmm``."""
    RELATIVE = "relative"
    """Since the line before: ``+0.012s``, ``+1m03s``."""
    DATE = "date"
    """``YYYY-MM-DD HH:MM:SS.mmm``."""

    def next(self) -> TimeMode:
        """The mode after this one, round the three (the UI's key cycles them)."""
        modes = list(TimeMode)
        return modes[(modes.index(self) + 1) % len(modes)]


#: The long and the short form's width in cells (all ASCII) for each mode. A relative time's
#: column holds the first line's clock time in its short form (``HH:MM:SS``).
WIDTHS = {TimeMode.ABSOLUTE: (12, 8), TimeMode.RELATIVE: (8, 8), TimeMode.DATE: (23, 14)}
_FORMATS = {
    (TimeMode.ABSOLUTE, False): "%H:%M:%S.%f",
    (TimeMode.ABSOLUTE, True): "%H:%M:%S",
    (TimeMode.DATE, False): "%Y-%m-%d %H:%M:%S.%f",
    (TimeMode.DATE, True): "%m-%d %H:%M:%S",
}
#: Each mode in a few words, for the UI.
DESCRIPTIONS = {
    TimeMode.ABSOLUTE: "the clock",
    TimeMode.RELATIVE: "since the line before",
    TimeMode.DATE: "with the date",
}


def stamp(mode: TimeMode, ts: float, previous: float | None = None, short: bool = False) -> str:
    """*ts* (a Unix time) written the *mode*'s way; *previous* is the time of the line before
    (relative mode; None for the first line). *short* for the narrow form."""
    if mode is TimeMode.RELATIVE:
        if previous is not None:
            return since(ts - previous)
        mode = TimeMode.ABSOLUTE  # the first line's anchor
    text = datetime.fromtimestamp(ts).strftime(_FORMATS[mode, short])
    return text if short else text[:-3]  # microseconds to milliseconds


def since(seconds: float) -> str:
    """A time since, in at most 8 cells: ``+0.012s``, ``+59.999s``, ``+1m03s``, ``+2h05m``,
    ``+3d04h``. A negative one (a clock set back) is ``+0.000s``."""
    ms = max(0, round(seconds * 1000))
    if ms < 60_000:
        return f"+{ms // 1000}.{ms % 1000:03d}s"
    s = ms // 1000
    if s < 3600:
        return f"+{s // 60}m{s % 60:02d}s"
    if s < 86_400:
        return f"+{s // 3600}h{s % 3600 // 60:02d}m"
    return f"+{s // 86_400}d{s % 86_400 // 3600:02d}h"
