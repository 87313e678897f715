"""Text forms of one payload for the detail view: pretty JSON, escaped plain text, a hex dump.

Everything returned is safe to show: no control or invisible formatting character survives
(JSON strings are escaped by the serialiser, plain text by :func:`pgtail.core.text.escape`). No
Textual import here.
"""

from __future__ import annotations

import json

from pgtail.core.text import escape, is_safe

HEX_WIDTH = 16


def pretty_json(payload: str) -> str | None:
    """The payload re-serialised with indentation when it is a JSON object or array, else None."""
    stripped = payload.strip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    text = json.dumps(value, indent=2, ensure_ascii=False)
    # Non-ASCII letters stay readable; anything invisible falls back to \u escapes.
    return text if is_safe(text.replace("\n", "")) else json.dumps(value, indent=2)


def plain_text(payload: str) -> str:
    """The payload with newlines kept as line breaks and every other unsafe character escaped."""
    return "\n".join(escape(line) for line in payload.split("\n"))


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
