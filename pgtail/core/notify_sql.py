"""A notification as the SQL statement that sends it again (``Y``: copy as SQL).

Pasted into ``psql``, the statement sends the same payload, byte for byte, to the same channel::

    SELECT pg_notify('orders', '{"id": 1041}');

Text that is plain (printable, no backslash) is written as a standard string with its quotes
doubled, so it reads as it was sent. Anything else is written as an escape string (``E'...'``) in
which every backslash, control character and invisible formatting character is an escape
(``\\n``, ``\\x1b``, ``\\u202e``), so the statement is one line of visible text whatever the
payload holds, and means the same whatever ``standard_conforming_strings`` says. A payload whose
bytes were not valid in the server's encoding (possible in a SQL_ASCII database) is sent from its
bytes in hex.
"""

from __future__ import annotations

import re

from pgtail.core.models import Notification
from pgtail.core.text import INVISIBLE_RANGES, is_safe

_NAMED = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if code < 0x80:
        return f"\\x{code:02x}"  # always two digits: a following hex digit stays a character
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


#: What an escape string writes as an escape: the quote, the backslash, and everything that
#: :func:`pgtail.core.text.escape` would not show as itself (C0, DEL, C1, invisible characters).
_ESCAPED = re.compile(
    "['\\\\\x00-\x1f\x7f-\x9f"
    + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in INVISIBLE_RANGES)
    + "]"
)


def sql_literal(text: str) -> str:
    """*text* as a SQL string literal that gives it back exactly."""
    if "\\" not in text and is_safe(text):
        return "'" + text.replace("'", "''") + "'"
    return "E'" + _ESCAPED.sub(_escape_char, text) + "'"


def notify_statement(notification: Notification) -> str:
    """``SELECT pg_notify(channel, payload);`` for *notification*, one line."""
    channel = sql_literal(notification.channel)
    if notification.invalid_bytes:
        # Not text in any encoding pgtail knows: the bytes, in the server's own encoding (a
        # SQL_ASCII server, where such payloads come from, takes them as they are).
        hex_bytes = notification.payload_bytes.hex()
        payload = f"convert_from(decode('{hex_bytes}', 'hex'), current_setting('server_encoding'))"
    else:
        payload = sql_literal(notification.payload)
    return f"SELECT pg_notify({channel}, {payload});"
