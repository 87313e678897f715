"""Text cut, scrolled and wrapped by terminal cells, never by characters.

A CJK character or an emoji takes two cells, a combining mark none; cutting by characters
misaligns every column after such text, and can leave a cut without its ``…``. Here text is cut
between graphemes (a character with its combining marks stays whole), and a cut always ends (or,
scrolled sideways, starts) with a visible ``…`` inside the width.

The measure comes from the caller, as a function with the shape of ``rich.cells.split_graphemes``
(spans of ``(start, end, cells)`` and the total cells): the UI passes Rich's, so these widths
agree with what Textual draws, and this module stays free of Rich and Textual. The text must
already be escaped (:func:`pgtail.core.text.escape`): printable ASCII is then one cell per
character, the fast path that keeps a flood of plain JSON cheap.
"""

from __future__ import annotations

from collections.abc import Callable

Span = tuple[int, int, int]
"""A grapheme: start and end index in the text, and its width in cells."""
Graphemes = Callable[[str], tuple[list[Span], int]]
"""Splits text into graphemes; also returns the text's width in cells."""

ELLIPSIS = "…"


def cell_width(text: str, graphemes: Graphemes) -> int:
    """How many cells *text* takes."""
    return len(text) if text.isascii() else graphemes(text)[1]


def _spans(text: str, cells: int, graphemes: Graphemes) -> tuple[list[Span], bool]:
    """Whole graphemes from the start of *text* covering more than *cells* cells (or all of it),
    and whether they cover all of it. Only a prefix is measured: payloads run to 8000 characters
    and a line shows a few dozen cells of them."""
    size = 2 * cells + 16
    while size < len(text):
        spans, total = graphemes(text[:size])
        # The last grapheme may go on past the slice (a combining mark after it): drop it.
        if spans and total - spans[-1][2] > cells:
            return spans[:-1], False
        size *= 2
    return graphemes(text)[0], True


def cut(text: str, width: int, graphemes: Graphemes) -> str:
    """*text* in at most *width* cells; when it does not fit, its last cell is ``…``."""
    if width <= 0:
        return ""
    if text.isascii():
        return text if len(text) <= width else text[: width - 1] + ELLIPSIS
    spans, whole = _spans(text, width, graphemes)
    if whole and sum(span[2] for span in spans) <= width:
        return text
    used = end = 0
    for _, stop, cells in spans:
        if used + cells > width - 1:
            break
        used += cells
        end = stop
    return text[:end] + ELLIPSIS


def fit(text: str, width: int, graphemes: Graphemes) -> str:
    """*text* cut to *width* cells and padded with spaces to exactly *width* cells: a column."""
    shown = cut(text, width, graphemes)
    return shown + " " * (width - cell_width(shown, graphemes))


def window(text: str, start: int, width: int, graphemes: Graphemes) -> str:
    """Cells ``start`` to ``start + width`` of *text*, for a column scrolled sideways.

    The first cell is ``…`` when something is hidden to its left, the last when something is
    hidden to its right. Every cell keeps its place across lines (a wide character cut by the
    left edge leaves a blank), so scrolled lines stay aligned with each other.
    """
    if start <= 0:
        return cut(text, width, graphemes)
    if width <= 0 or not text:
        return ""
    if text.isascii():
        if len(text) <= start:
            return ELLIPSIS  # all of it is to the left
        return ELLIPSIS + cut(text[start + 1 :], width - 1, graphemes)
    spans, _ = _spans(text, start + width, graphemes)
    at = 0
    for begin, _, cells in spans:
        if at > start:
            pad = " " * (at - start - 1)
            return ELLIPSIS + pad + cut(text[begin:], width - 1 - len(pad), graphemes)
        at += cells
    return ELLIPSIS


def chop(text: str, width: int, graphemes: Graphemes) -> list[str]:
    """*text* in rows of at most *width* cells (a wide character that does not fit the end of a
    row starts the next one). Always at least one row."""
    width = max(2, width)
    if text.isascii():
        return [text[i : i + width] for i in range(0, len(text), width)] or [""]
    rows: list[str] = []
    row_start = used = 0
    for begin, _, cells in graphemes(text)[0]:
        if used + cells > width:
            rows.append(text[row_start:begin])
            row_start, used = begin, 0
        used += cells
    rows.append(text[row_start:])
    return rows
