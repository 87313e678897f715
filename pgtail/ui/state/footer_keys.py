"""Which keys the footer shows, in which order, when they do not all fit.

The focused widget's keys come first (what Enter or End does right here), then the app's in
order of importance; a key that does not fit whole is left out with every key after it, never cut
in half. Every key is listed in the help screen (``?``), which is always among the first. No
Textual import here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The app's actions, most important first; actions not named here follow in their own order.
APP_ORDER = (
    "help",
    "quit",
    "show_errors",
    "filter",
    "focus_notify",
    "add_channel",
    "toggle_sidebar",
    "toggle_senders",
    "discover",
    "clear_log",
)


@dataclass(frozen=True, slots=True)
class FooterItem:
    """One key as the footer would show it."""

    action: str
    width: int
    """Cells it takes, margins included."""
    app_level: bool
    """True for the app's own keys (as opposed to the focused widget's or the screen's)."""


def footer_order(items: Sequence[FooterItem]) -> list[int]:
    """Indexes of *items* in the order they are shown."""

    def rank(index: int) -> tuple[int, int, int]:
        item = items[index]
        if not item.app_level:
            return (0, 0, index)
        known = APP_ORDER.index(item.action) if item.action in APP_ORDER else len(APP_ORDER)
        return (1, known, index)

    return sorted(range(len(items)), key=rank)


def fitting(widths: Sequence[int], room: int) -> int:
    """How many of *widths*, taken in order, fit in *room* cells."""
    used = 0
    for count, width in enumerate(widths):
        used += width
        if used > room:
            return count
    return len(widths)
