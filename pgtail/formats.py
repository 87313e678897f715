"""Text forms of notifications: ``--plain`` lines, ``--json`` lines, and times.

Untrusted text is escaped in both: ``--plain`` shows control characters as visible escapes,
``--json`` leaves nothing raw but printable text.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Mapping
from datetime import datetime

from pgtail.inspector import SenderInfo
from pgtail.models import Notification
from pgtail.text import escape, is_safe

_encode_text: Callable[[str], str] = json.encoder.encode_basestring
_encode_ascii: Callable[[str], str] = json.encoder.encode_basestring_ascii


def json_string(text: str) -> str:
    """A JSON string literal for *text*; fully ASCII-escaped when it holds anything invisible."""
    return _encode_text(text) if is_safe(text) else _encode_ascii(text)


def clock_time(ts: float) -> str:
    """``HH:MM:SS.mmm`` in local time."""
    return datetime.fromtimestamp(ts).strftime("%H:%M:%S.%f")[:-3]


def iso_time(ts: float) -> str:
    """ISO 8601 with milliseconds and the local time zone offset."""
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="milliseconds")


def format_plain(batch: list[Notification]) -> str:
    """``HH:MM:SS.mmm  channel  pid  payload`` lines, control characters escaped."""
    lines = []
    stamp_for = 0.0
    stamp = ""
    for n in batch:
        if n.received != stamp_for:
            stamp_for, stamp = n.received, clock_time(n.received)
        lines.append(f"{stamp}  {escape(n.channel)}  {n.pid}  {escape(n.payload)}\n")
    return "".join(lines)


def format_json(batch: list[Notification], senders: Mapping[int, SenderInfo] | None = None) -> str:
    """One JSON object per line: time, channel, pid, payload (and sender, when given)."""
    lines = []
    stamp_for = 0.0
    stamp = ""
    for n in batch:
        if n.received != stamp_for:
            stamp_for, stamp = n.received, json_string(iso_time(n.received))
        sender = ""
        if senders is not None and n.pid in senders:
            fields = ", ".join(
                f"{json_string(k)}: {json_string(v) if isinstance(v, str) else json.dumps(v)}"
                for k, v in senders[n.pid].as_json().items()
            )
            sender = f', "sender": {{{fields}}}'
        lines.append(
            f'{{"time": {stamp}, "channel": {json_string(n.channel)}, "pid": {n.pid}, '
            f'"payload": {json_string(n.payload)}{sender}}}\n'
        )
    return "".join(lines)
