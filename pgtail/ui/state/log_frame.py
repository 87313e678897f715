"""Which rows of which log lines fill the screen when long payloads wrap (``W``).

Wrapped, a line takes as many rows as its payload needs. The log still scrolls by whole lines
(as a pager does with wrapping on): the scroll position names the top line, and only the lines
on screen are ever measured, so a scrollback of 10,000 long payloads costs nothing until shown.
No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable

HeightOf = Callable[[int], int]
"""The number of rows line *i* takes."""


def top_for_bottom(last: int, rows: int, height_of: HeightOf) -> int:
    """The top line that shows lines ``top..last`` in *rows* rows, *last* whole if it fits:
    where the view starts when it follows the newest line, or brings *last* into view."""
    top, used = last, 0
    for index in range(last, -1, -1):
        height = height_of(index)
        if used + height > rows and index < last:
            break
        top, used = index, used + height
        if used >= rows:
            break
    return top


def frame(top: int, count: int, rows: int, height_of: HeightOf) -> list[tuple[int, int]]:
    """For each screen row from the top, the line drawn there and which of its rows."""
    drawn: list[tuple[int, int]] = []
    index = top
    while len(drawn) < rows and index < count:
        height = min(height_of(index), rows - len(drawn))
        drawn.extend((index, row) for row in range(height))
        index += 1
    return drawn


def tail_frame(last: int, rows: int, height_of: HeightOf) -> list[tuple[int, int]]:
    """The frame of a view that follows the newest line: filled from the bottom up, so the top
    line may show only its last rows. A newest line taller than the screen shows its first rows
    (time and channel included)."""
    if last < 0:
        return []
    if height_of(last) >= rows:
        return frame(last, last + 1, rows, height_of)
    drawn: list[tuple[int, int]] = []
    for index in range(last, -1, -1):
        height = height_of(index)
        take = min(height, rows - len(drawn))
        drawn[:0] = [(index, row) for row in range(height - take, height)]
        if len(drawn) >= rows:
            break
    return drawn
