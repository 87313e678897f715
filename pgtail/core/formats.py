"""Text forms of notifications: ``--plain`` lines, ``--json`` lines, and times.

Untrusted text is escaped in both: ``--plain`` shows control characters as visible escapes,
``--json`` leaves nothing raw but printable text.
"""

from __future__ import annotations

import json
import json.encoder
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from pgtail.core.field_values import field_values
from pgtail.core.filter_syntax import Field
from pgtail.core.models import Notification, NotificationBatch, SenderInfo
from pgtail.core.stamps import TimeMode, since, stamp
from pgtail.core.text import escape, is_safe

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
    # One time string per run of equal times; None (not 0.0) so that time 0 is formatted too.
    stamp_for: float | None = None
    stamp = ""
    for n in batch:
        if n.received != stamp_for:
            stamp_for, stamp = n.received, clock_time(n.received)
        lines.append(f"{stamp}  {escape(n.channel)}  {n.pid}  {escape(n.payload)}\n")
    return "".join(lines)


PlainFormat = Callable[[list[Notification]], str]
"""Turns a batch into ``--plain`` lines."""


def plain_format(fields: Sequence[Field] = (), time: TimeMode = TimeMode.ABSOLUTE) -> PlainFormat:
    """``--plain`` lines with the time written the *time* way and, with *fields*
    (``--columns``), their values instead of the payload: ``time  channel  pid``, then a tab
    before each value (empty for a missing field). Without either, :func:`format_plain`."""
    if not fields and time is TimeMode.ABSOLUTE:
        return format_plain
    return _PlainLines(tuple(fields), time)


class _PlainLines:
    """:func:`plain_format`'s lines; it remembers the last line's time (``--time relative``)."""

    def __init__(self, fields: tuple[Field, ...], time: TimeMode) -> None:
        self.fields = fields
        self.time = time
        self.previous: float | None = None

    def __call__(self, batch: list[Notification]) -> str:
        lines = []
        fields, time = self.fields, self.time
        when = ""
        for n in batch:
            # A batch shares one time: write it once (then, relative, it is +0.000s).
            if n.received != self.previous or not when:
                when = stamp(time, n.received, self.previous)
            elif time is TimeMode.RELATIVE:
                when = _NO_TIME
            self.previous = n.received
            if fields:
                tail = "".join([f"\t{escape(v or '')}" for v in field_values(n.payload, fields)])
            else:
                tail = f"  {escape(n.payload)}"
            lines.append(f"{when}  {escape(n.channel)}  {n.pid}{tail}\n")
        return "".join(lines)


_NO_TIME = since(0)


def format_json(batch: list[Notification], senders: Mapping[int, SenderInfo] | None = None) -> str:
    """One JSON object per line: time, channel, pid, payload (and sender, when given)."""
    lines = []
    stamp_for: float | None = None
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


#: Bytes that stand for themselves inside a JSON string and are harmless on a terminal.
_JSON_PLAIN = bytes(range(0x20, 0x7F)).replace(b'"', b"").replace(b"\\", b"")
_NOT_JSON_PLAIN = re.compile(b"[^" + re.escape(_JSON_PLAIN) + b"]")


def format_json_batch(batch: NotificationBatch) -> bytes:
    """:func:`format_json` of a batch, as UTF-8 bytes.

    A batch still holding libpq's raw UTF-8 bytes is formatted from them directly: a payload of
    printable ASCII without quotes or backslashes is its own JSON string, so it is copied as it
    is; any other payload takes the decoding path of :func:`format_json`. The output is the same
    either way.
    """
    if batch.decoded or batch.codec != "utf-8":
        return format_json(batch.items).encode()
    stamp = json_string(iso_time(batch.received)).encode()
    heads: dict[bytes, bytes] = {}
    for relname in {n.relname for n in batch.raw}:
        channel = json_string(relname.decode("utf-8", "replace")).encode()
        heads[relname] = b'{"time": ' + stamp + b', "channel": ' + channel + b', "pid": '
    payloads = [n.extra for n in batch.raw]
    if not b"".join(payloads).translate(None, _JSON_PLAIN):
        # The whole batch is plain: one format per line, no decoding at all.
        return b"".join(
            [b'%s%d, "payload": "%s"}\n' % (heads[n.relname], n.be_pid, n.extra) for n in batch.raw]
        )
    lines = []
    for n in batch.raw:
        extra = n.extra
        if _NOT_JSON_PLAIN.search(extra) is None:
            payload = b'"' + extra + b'"'
        else:
            payload = json_string(extra.decode("utf-8", "replace")).encode()
        lines.append(b'%s%d, "payload": %s}\n' % (heads[n.relname], n.be_pid, payload))
    return b"".join(lines)


#: Bytes that :func:`escape` leaves as they are whatever surrounds them: printable ASCII (a
#: backslash is doubled only when something else in the text is escaped, and nothing is here).
_TEXT_PLAIN = bytes(range(0x20, 0x7F))
_NOT_TEXT_PLAIN = re.compile(b"[^" + re.escape(_TEXT_PLAIN) + b"]")


def format_plain_batch(batch: NotificationBatch) -> bytes:
    """:func:`format_plain` of a batch, as UTF-8 bytes.

    Like :func:`format_json_batch`: a payload of printable ASCII is shown as it is, so a batch
    still holding libpq's raw UTF-8 bytes is formatted from them directly, and any other
    payload takes the decoding and escaping of :func:`format_plain`. The output is the same
    either way.
    """
    if batch.decoded or batch.codec != "utf-8":
        return format_plain(batch.items).encode()
    stamp = clock_time(batch.received).encode()
    heads: dict[bytes, bytes] = {}
    for relname in {n.relname for n in batch.raw}:
        channel = escape(relname.decode("utf-8", "replace")).encode()
        heads[relname] = stamp + b"  " + channel + b"  "
    payloads = [n.extra for n in batch.raw]
    if not b"".join(payloads).translate(None, _TEXT_PLAIN):
        # The whole batch is plain: one format per line, no decoding at all.
        return b"".join([b"%s%d  %s\n" % (heads[n.relname], n.be_pid, n.extra) for n in batch.raw])
    lines = []
    for n in batch.raw:
        extra = n.extra
        if _NOT_TEXT_PLAIN.search(extra) is not None:
            extra = escape(extra.decode("utf-8", "replace")).encode()
        lines.append(b"%s%d  %s\n" % (heads[n.relname], n.be_pid, extra))
    return b"".join(lines)
