"""``--json`` straight from libpq's bytes gives exactly what formatting the decoded notifications
gives, for any payload: plain ASCII, non-ASCII, control characters, invalid UTF-8, quotes and
backslashes, nothing at all. (``--plain`` has no bytes path: it always formats decoded text.)"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.pq import PGnotify

from pgtail.core.formats import format_json, format_json_batch
from pgtail.core.models import Notification, NotificationBatch
from pgtail.core.text import is_safe

BatchFormat = Callable[[NotificationBatch], bytes]
ItemsFormat = Callable[[list[Notification]], str]

#: The same examples on every run and no time limit per example, so a loaded machine can make
#: the test slower but never make it fail or pick different cases.
FIXED = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

#: Pieces that take the escaping branches: quotes, backslashes, C0/C1 controls, DEL, bidi and
#: zero-width format characters, non-ASCII letters, and bytes that are not UTF-8 at all.
_AWKWARD = [
    b'"',
    b"\\",
    b"\x1b]0;title\x07",
    b"\n",
    b"\t",
    b"\x7f",
    "\x85".encode(),
    "\u202e".encode(),
    "\u200b".encode(),
    "café".encode(),
    "通知".encode(),
    "😀".encode(),
    b"\xff",
    b"\xc3",  # a lead byte cut short
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\x80abc",
    b"{}",
    b"plain",
    b" ",
]

printable_ascii = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)).map(str.encode)
#: Printable ASCII without quotes or backslashes: JSON string contents as they are.
json_plain_ascii = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters='"\\')
).map(str.encode)
#: Plain text around one byte of any value: the byte alone decides whether the payload is copied.
one_byte_in_plain = st.builds(
    lambda before, byte, after: before + bytes([byte]) + after,
    printable_ascii,
    st.integers(0, 255),
    printable_ascii,
)
payload_bytes = st.one_of(
    st.just(b""),
    printable_ascii,
    one_byte_in_plain,
    st.text().map(str.encode),
    st.binary(max_size=64),
    st.lists(st.sampled_from(_AWKWARD), max_size=8).map(b"".join),
)
channel_bytes = st.one_of(
    st.sampled_from([b"orders", b"a", b"with space", "通知".encode(), b'q"uote', b"\xffbad"]),
    st.binary(min_size=1, max_size=63),
)


def _notify(relname: bytes, extra: bytes, pid: int) -> PGnotify:
    return PGnotify(relname=relname, be_pid=pid, extra=extra)


notifies = st.builds(_notify, channel_bytes, payload_bytes, st.integers(1, 2**31 - 1))
plain_notifies = st.builds(
    _notify, st.sampled_from([b"orders", b"jobs"]), json_plain_ascii, st.integers(1, 99_999)
)
#: Real arrival times (seconds since the epoch; the formatter rounds to milliseconds).
received_times = st.floats(min_value=1e9, max_value=4e9, allow_nan=False, allow_infinity=False)


def both_ways(
    raw: list[PGnotify],
    received: float,
    codec: str = "utf-8",
    formats: tuple[BatchFormat, ItemsFormat] = (format_json_batch, format_json),
) -> tuple[bytes, bytes]:
    """(the bytes path's output, the decoding path's output) for the same notifications, in
    *formats* (``--json``'s by default)."""
    from_bytes, from_items = formats
    fast = from_bytes(NotificationBatch(raw=raw, codec=codec, received=received))
    general = NotificationBatch(raw=raw, codec=codec, received=received)
    return fast, from_items(general.items).encode()


@FIXED
@given(st.lists(notifies, max_size=12), received_times)
def test_bytes_path_equals_decoding_path(raw: list[PGnotify], received: float) -> None:
    fast, general = both_ways(raw, received)
    assert fast == general


@FIXED
@given(st.lists(plain_notifies, min_size=1, max_size=12), received_times)
def test_an_all_plain_batch_equals_the_decoding_path(raw: list[PGnotify], received: float) -> None:
    fast, general = both_ways(raw, received)
    assert fast == general


@FIXED
@given(st.lists(notifies, max_size=12), received_times)
def test_bytes_path_never_decodes_and_gives_faithful_json_lines(
    raw: list[PGnotify], received: float
) -> None:
    batch = NotificationBatch(raw=raw, received=received)
    out = format_json_batch(batch)
    assert not batch.decoded
    text = out.decode("utf-8")  # always valid UTF-8, whatever the payload bytes were
    lines = text.splitlines()
    assert len(lines) == len(raw)
    for line, n in zip(lines, raw, strict=True):
        assert is_safe(line)  # no control or invisible formatting character left raw
        obj = json.loads(line)
        assert obj["channel"] == n.relname.decode("utf-8", "replace")
        assert obj["payload"] == n.extra.decode("utf-8", "replace")
        assert obj["pid"] == n.be_pid


@FIXED
@given(st.lists(notifies, max_size=6), received_times, st.sampled_from(["latin-1", "cp1251"]))
def test_other_encodings_take_the_decoding_path(
    raw: list[PGnotify], received: float, codec: str
) -> None:
    fast, general = both_ways(raw, received, codec)
    assert fast == general


@pytest.mark.parametrize("alone", [True, False], ids=["a batch each", "one batch"])
def test_every_byte_value_in_a_plain_payload(alone: bool) -> None:
    """Each of the 256 byte values between plain letters, alone in its batch (which is then
    wholly plain or not) and all in one batch (mixing copied and escaped lines)."""
    raw = [_notify(b"ch", b"a" + bytes([byte]) + b"z", byte + 1) for byte in range(256)]
    for batch in [[n] for n in raw] if alone else [raw]:
        fast, general = both_ways(batch, 1_700_000_000.125)
        assert fast == general


def test_an_already_decoded_batch_is_formatted_from_its_notifications() -> None:
    raw = [_notify(b"orders", b'{"id": 1}', 42), _notify(b"orders", b"\xff", 43)]
    batch = NotificationBatch(raw=raw, received=1_700_000_000.25)
    items = batch.items
    assert format_json_batch(batch) == format_json(items).encode()


def test_an_empty_batch_is_no_output() -> None:
    assert format_json_batch(NotificationBatch(raw=[], received=1_700_000_000.0)) == b""
