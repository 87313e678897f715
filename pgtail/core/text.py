"""Make untrusted text safe to show on one line of a terminal.

Payloads and channel names come from anyone who can connect to the database. Control characters
(C0, DEL, C1: ESC/CSI/OSC/DCS and friends) would reach the user's terminal and can retitle windows,
write the clipboard or move the cursor; bidi overrides and other invisible format characters can
make text read differently from what it is. All of them are replaced with visible escapes such as
``\\x1b`` or ``\\u202e``. Markup safety is the renderer's job (pgtail never feeds untrusted
text to a markup parser); this module only deals with characters.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _escape_for(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


#: Every format (Cf), line / paragraph separator (Zl, Zp) and surrogate (Cs) code point, as
#: inclusive ranges. Written out because scanning all of Unicode with ``unicodedata`` at import
#: costs about 0.4 s of start-up; ``tests/test_units.py`` checks the list against ``unicodedata``.
INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xD800, 0xDFFF), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip


def _unsafe_code_points() -> list[int]:
    """C0, DEL, C1, and every invisible formatting code point."""
    codes = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
    for first, last in INVISIBLE_RANGES:
        codes.extend(range(first, last + 1))
    return codes


_UNSAFE_CODES = _unsafe_code_points()
_TABLE = {code: _escape_for(chr(code)) for code in _UNSAFE_CODES}
# The backslash is escaped only when something else is, so that ordinary text stays as typed.
_TABLE_WITH_BACKSLASH = {**_TABLE, ord("\\"): "\\\\"}
_UNSAFE_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _UNSAFE_CODES) + "]")


def escape(text: str) -> str:
    """Return *text* with every control or invisible formatting character shown as an escape.

    Text without such characters is returned unchanged (the common, fast case). When anything is
    escaped, literal backslashes are doubled too, so ``\\x1b`` typed by a person and a real ESC
    stay distinguishable.
    """
    if text.isprintable() or _UNSAFE_RE.search(text) is None:
        return text
    return text.translate(_TABLE_WITH_BACKSLASH)


def _placeholder_for(code: int) -> str:
    # C0 and DEL have Unicode "control pictures" (U+2400..U+2421): ESC shows as ␛.
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


_PLACEHOLDERS = {code: _placeholder_for(code) for code in _UNSAFE_CODES}


def placeholders(text: str) -> str:
    """Like :func:`escape`, but each unsafe character becomes one visible character (ESC shows as
    ``␛``, others as ``\ufffd``), so positions in the text stay the same: for text being edited."""
    if _UNSAFE_RE.search(text) is None:
        return text
    return text.translate(_PLACEHOLDERS)


def is_safe(text: str) -> bool:
    """True when *text* has no character that :func:`escape` would replace."""
    # Every unsafe character is non-printable for str.isprintable(), a C loop far cheaper than
    # the regex's large character class: printable text, the usual case, skips the regex.
    return text.isprintable() or _UNSAFE_RE.search(text) is None


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """Cut *text* to at most *width* characters, marking the cut."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - len(ellipsis))] + ellipsis
