"""The one-line channel summary that stands in for the channel list on narrow terminals.

A quiet channel (``--quiet-after``) says so after its count, shortly: ``● orders 12 quiet 2m``.

Every channel's state must stay visible: when the line is too short for every name, names are
cut (with ``…``, in cells) before any channel is left out, and channels that still do not fit
are summed up by state at the end (``+3 ●2 ○1``). No Textual here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pgtail.core.text import escape
from pgtail.ui.state.cells import Graphemes, cell_width, cut
from pgtail.ui.state.channel_book import ChannelRow, ListenState
from pgtail.ui.state.quiet import strip_text

#: One glyph per state, so states read without colour (NO_COLOR) too.
GLYPHS: dict[ListenState, str] = {"listening": "●", "pending": "◌", "off": "○"}
#: Cells between two entries.
SEPARATOR = 2
#: A name is not cut shorter than this (with its ``…``) before channels are left out.
MIN_NAME = 4


def compact_count(count: int) -> str:
    """``999``, ``9,999``, ``12k``, ``3.4M``: at most 6 cells."""
    if count < 10_000:
        return f"{count:,}"
    if count < 999_500:
        return f"{count / 1000:.0f}k"
    return f"{count / 1_000_000:.1f}M"


@dataclass(frozen=True, slots=True)
class StripEntry:
    """One channel on the strip: ``● orders 12``."""

    channel: str
    """The channel's real name (for its colour)."""
    state: ListenState
    name: str
    """The name as shown: escaped, maybe cut."""
    count: str
    quiet: str = ""
    """``quiet 2m`` for a quiet channel, else empty."""

    def cells(self, graphemes: Graphemes) -> int:
        quiet = 1 + len(self.quiet) if self.quiet else 0
        return 1 + 1 + cell_width(self.name, graphemes) + 1 + len(self.count) + quiet


@dataclass(frozen=True, slots=True)
class StripLayout:
    """What the strip shows."""

    entries: list[StripEntry]
    rest: list[tuple[ListenState, int]]
    """Channels left out, counted by state (in the order of :data:`GLYPHS`)."""
    cells: int
    """The width taken."""

    @property
    def rest_text(self) -> str:
        """``+3 ●2 ○1`` (empty when nothing was left out)."""
        if not self.rest:
            return ""
        left_out = sum(n for _, n in self.rest)
        return f"+{left_out} " + " ".join(f"{GLYPHS[state]}{n}" for state, n in self.rest)


def _layout(
    rows: Sequence[ChannelRow], shown: int, name_cells: int, graphemes: Graphemes
) -> StripLayout:
    entries = [
        StripEntry(
            row.name,
            row.state,
            cut(escape(row.name), name_cells, graphemes),
            compact_count(row.count),
            strip_text(row.quiet) if row.quiet is not None else "",
        )
        for row in rows[:shown]
    ]
    by_state = Counter(row.state for row in rows[shown:])
    rest = [(state, by_state[state]) for state in GLYPHS if by_state[state]]
    layout = StripLayout(entries, rest, 0)
    parts = [entry.cells(graphemes) for entry in entries]
    if rest:
        parts.append(len(layout.rest_text))
    cells = sum(parts) + SEPARATOR * max(0, len(parts) - 1)
    return StripLayout(entries, rest, cells)


def plan_strip(rows: Sequence[ChannelRow], width: int, graphemes: Graphemes) -> StripLayout:
    """The most of *rows* that fits *width* cells: whole names if they fit, else names cut as
    little as needed, else as many channels as fit and the rest counted by state."""
    longest = max((cell_width(escape(row.name), graphemes) for row in rows), default=0)
    for shown in range(len(rows), 0, -1):
        if _layout(rows, shown, MIN_NAME, graphemes).cells > width:
            continue
        # The widest cut of names that fits: the width grows with the names' share.
        low, high = MIN_NAME, max(MIN_NAME, longest)
        while low < high:
            middle = (low + high + 1) // 2
            if _layout(rows, shown, middle, graphemes).cells <= width:
                low = middle
            else:
                high = middle - 1
        return _layout(rows, shown, low, graphemes)
    return _layout(rows, 0, MIN_NAME, graphemes)
