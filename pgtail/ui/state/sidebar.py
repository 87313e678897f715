"""Whether the full channel list is shown: by the terminal's width, unless the user said otherwise.

Below :data:`SIDEBAR_MIN_WIDTH` columns the list (30 columns of names, counts and sparklines)
gives its room to the payload, and a one-line summary of the channels stands in for it. ``s``
shows or hides the list whatever the width; that choice holds until the terminal is resized
across the threshold, when the width decides again: widening a terminal brings the list back,
narrowing it hides the list, as a user who resized would expect. No Textual here.
"""

from __future__ import annotations

#: At this many columns or more, the full channel list is shown beside the log by default.
SIDEBAR_MIN_WIDTH = 140


class SidebarChoice:
    """The automatic choice by width, and the user's choice that overrides it for a while."""

    def __init__(self, width: int = 0) -> None:
        self.wide = width >= SIDEBAR_MIN_WIDTH
        """True when the terminal is wide enough for the list by default."""
        self.chosen: bool | None = None
        """What the user chose with ``s`` (shown or not) since the last threshold crossing."""

    @property
    def shown(self) -> bool:
        """Whether the full channel list is shown now."""
        return self.wide if self.chosen is None else self.chosen

    def resized(self, width: int) -> bool:
        """The terminal is now *width* columns wide; returns :attr:`shown`."""
        wide = width >= SIDEBAR_MIN_WIDTH
        if wide != self.wide:
            self.wide = wide
            self.chosen = None  # across the threshold the width decides again
        return self.shown

    def toggle(self) -> bool:
        """The user pressed ``s``; returns :attr:`shown`."""
        self.chosen = not self.shown
        return self.shown
