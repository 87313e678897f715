"""Text forms of one payload for the detail view: as received, indented JSON, a hex dump.

Nothing here rewrites what was sent. The indented JSON view comes from
:mod:`pgtail.ui.state.json_layout`, which changes only whitespace; a payload that is not valid
JSON is shown as text and labelled with the reason. Everything returned is safe to show: control
and invisible formatting characters come out as visible escapes (:func:`pgtail.core.text.escape`),
in the JSON view as spans of their own so that the screen can mark them apart from escapes
written in the payload. No Textual import here.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from pgtail.core.text import escape, is_safe
from pgtail.ui.state.json_layout import KEY, STRING, NotJson, Span, layout

HEX_WIDTH = 16
#: Bytes per hex dump row, widest first: 16 as ``hexdump -C`` has it, fewer when narrow.
HEX_ROW_CHOICES = (16, 8, 4)
#: The kind of a span that stands for a control or invisible character, shown as its escape.
CONTROL = "control"


@dataclass(frozen=True, slots=True)
class PayloadForm:
    """How the detail view can show one payload."""

    json: list[Span] | None
    """The payload's tokens re-indented, safe to show, when it is a JSON object or array."""
    label: str
    """``JSON``, ``text``, or ``text, not valid JSON: <reason>`` for what looks like JSON."""


def payload_form(payload: str) -> PayloadForm:
    """Check *payload* against the JSON grammar (RFC 8259) and lay it out when it passes."""
    if payload.lstrip(" \t\n\r")[:1] not in ("{", "["):
        return PayloadForm(None, "text")
    try:
        spans = layout(payload)
    except NotJson as exc:
        return PayloadForm(None, f"text, not valid JSON: {escape(str(exc))}")
    return PayloadForm(visible(spans), "JSON")


def visible(spans: list[Span]) -> list[Span]:
    """*spans* with each run of control or invisible characters in a string split out as a
    :data:`CONTROL` span holding its escapes; everything else is kept as it is."""
    # Only strings may hold such characters; the rest is JSON's own ASCII and line breaks.
    if all(is_safe(text) for text, kind in spans if kind in (KEY, STRING)):
        return spans
    out: list[Span] = []
    for text, kind in spans:
        if kind not in (KEY, STRING) or is_safe(text):
            out.append((text, kind))
            continue
        for safe, run in groupby(text, is_safe):
            piece = "".join(run)
            out.append((piece, kind) if safe else (escape(piece), CONTROL))
    return out


def plain_text(payload: str) -> str:
    """The payload with newlines kept as line breaks and every other unsafe character escaped."""
    return "\n".join(escape(line) for line in payload.split("\n"))


def hex_line_width(per_row: int) -> int:
    """Cells one :func:`hexdump` row of *per_row* bytes takes (all ASCII)."""
    # offset, two spaces, 3 cells a byte plus one for the gap in the middle, two spaces, |ascii|
    return 8 + 2 + (3 * per_row + 1) + 2 + per_row + 2


def hex_row_width(cells: int) -> int:
    """The most bytes per hex dump row that fit in *cells* (16 at 100 columns, 8 at 80)."""
    for per_row in HEX_ROW_CHOICES:
        if hex_line_width(per_row) <= cells:
            return per_row
    return HEX_ROW_CHOICES[-1]


def hexdump(data: bytes, width: int = HEX_WIDTH) -> str:
    """``offset  hex bytes  |ascii|`` lines, like ``hexdump -C``."""
    lines = []
    for offset in range(0, len(data), width):
        chunk = data[offset : offset + width]
        hex_part = " ".join(f"{b:02x}" for b in chunk)
        if len(chunk) > 8:
            hex_part = hex_part[:23] + " " + hex_part[23:]
        ascii_part = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{offset:08x}  {hex_part:<{width * 3 + 1}}  |{ascii_part}|")
    lines.append(f"{len(data):08x}")
    return "\n".join(lines)
