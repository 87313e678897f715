"""What keeps a frame of the notification log cheap while lines keep arriving.

After a drain every row of the log shows the line that was one row below, so a frame redraws
them all; and a log growing by a line changes its virtual size, which Textual answers with a
layout pass of the whole screen and a frame of the scrollbar's own. A profile at 100
notifications a second put a third of each frame in redrawing unchanged lines, and a third of
the frames were the scrollbar's.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


class DrawnLines:
    """Lines as drawn, by what they show (the line, width, styles...): drawn once, reused."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        """At most this many kept; then all are forgotten (the visible ones come back at once)."""
        self._strips: dict[Hashable, Strip] = {}

    def get(self, key: Hashable, draw: Callable[[], Strip]) -> Strip:
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= self.limit:
                self._strips.clear()
            strip = self._strips[key] = draw()
        return strip


def set_virtual_height(view: ScrollView, height: int) -> None:
    """Give *view* a new height of content without a layout pass of the screen: its place on
    the screen does not depend on it. Textual's own layout pass updates a scroll view just so;
    a layout still follows when the scrollbar appears or goes. (Without that private helper, in
    another Textual, the plain assignment.)"""
    size = Size(view.virtual_size.width, height)
    scroll_update = getattr(view, "_scroll_update", None)
    if size == view.virtual_size or scroll_update is None:
        view.virtual_size = size
        return
    view.set_reactive(Widget.virtual_size, size)
    scroll_update(size)
