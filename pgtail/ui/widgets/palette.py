"""Channel colours, shared by the log and the channel list so a channel looks the same in both.

A channel's colour comes from a hash of its name: stable across runs and restarts, and needing no
bookkeeping as channels come and go.
"""

from __future__ import annotations

import zlib

from rich.style import Style

#: Ten colours that stay apart in 256 colours; none is drawn red in 16 (a channel is not an error).
PALETTE = (
    "#5fafff",
    "#87d75f",
    "#ffaf5f",
    "#d787ff",
    "#5fd7d7",
    "#ff87af",
    "#d7d75f",
    "#87afd7",
    "#ff87d7",
    "#afd787",
)


def channel_style(name: str, color: bool = True) -> Style:
    """The stable style of a channel (bold only without colour)."""
    if not color:
        return Style(bold=True)
    return Style(color=PALETTE[zlib.crc32(name.encode("utf-8", "replace")) % len(PALETTE)])
