"""Text split into segments with the live filter's matches marked (see ``Filter.marks``)."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

#: A match of the live filter in a log line: reverse video reads with and without colour.
MARK_STYLE = Style(reverse=True)


def marked(text: str, spans: list[tuple[int, int]], style: Style | None = None) -> list[Segment]:
    """*text* as segments in *style*, the sorted, disjoint *spans* marked on top of it."""
    if not spans:
        return [Segment(text, style)]
    on = MARK_STYLE if style is None else style + MARK_STYLE
    segments: list[Segment] = []
    done = 0
    for start, end in spans:
        if start > done:
            segments.append(Segment(text[done:start], style))
        segments.append(Segment(text[start:end], on))
        done = end
    if done < len(text):
        segments.append(Segment(text[done:], style))
    return segments
