"""``--plain`` straight from libpq's bytes gives exactly what formatting the decoded notifications
gives, for any payload: printable ASCII (backslashes included), non-ASCII, control characters,
invisible format characters, invalid UTF-8, nothing at all. The strategies are the ``--json``
bytes path's (:mod:`tests.unit.test_formats_fast_path`)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from psycopg.pq import PGnotify

from pgtail.core.formats import clock_time, format_plain, format_plain_batch
from pgtail.core.models import NotificationBatch
from pgtail.core.text import is_safe
from pgtail.pipe.sink import PipeSink
from pgtail.settings import OutputMode
from tests.unit.test_formats_fast_path import (
    FIXED,
    both_ways,
    notifies,
    printable_ascii,
    received_times,
)

#: Printable ASCII with every character the escaping treats specially when something else is
#: escaped (the backslash), and the ones JSON would: all stand for themselves in ``--plain``.
plain_notifies = st.builds(
    lambda relname, extra, pid: PGnotify(relname=relname, be_pid=pid, extra=extra),
    st.sampled_from([b"orders", b"jobs", b"with space"]),
    st.one_of(printable_ascii, st.just(b'a\\b "q"')),
    st.integers(1, 99_999),
)


def _both_ways(raw: list[PGnotify], received: float, codec: str = "utf-8") -> tuple[bytes, bytes]:
    return both_ways(raw, received, codec, (format_plain_batch, format_plain))


@FIXED
@given(st.lists(notifies, max_size=12), received_times)
def test_bytes_path_equals_decoding_path(raw: list[PGnotify], received: float) -> None:
    fast, general = _both_ways(raw, received)
    assert fast == general


@FIXED
@given(st.lists(plain_notifies, min_size=1, max_size=12), received_times)
def test_an_all_plain_batch_equals_the_decoding_path(raw: list[PGnotify], received: float) -> None:
    fast, general = _both_ways(raw, received)
    assert fast == general


@FIXED
@given(st.lists(notifies, max_size=12), received_times)
def test_bytes_path_never_decodes_and_gives_one_safe_line_each(
    raw: list[PGnotify], received: float
) -> None:
    batch = NotificationBatch(raw=raw, received=received)
    out = format_plain_batch(batch)
    assert not batch.decoded
    text = out.decode("utf-8")  # always valid UTF-8, whatever the payload bytes were
    lines = text.split("\n")
    assert lines.pop() == ""
    assert len(lines) == len(raw)
    stamp = clock_time(received)
    for line, n in zip(lines, raw, strict=True):
        assert is_safe(line)  # no control or invisible formatting character left raw
        assert line.startswith(f"{stamp}  ")
        assert f"  {n.be_pid}  " in line


@FIXED
@given(st.lists(notifies, max_size=6), received_times, st.sampled_from(["latin-1", "cp1251"]))
def test_other_encodings_take_the_decoding_path(
    raw: list[PGnotify], received: float, codec: str
) -> None:
    fast, general = _both_ways(raw, received, codec)
    assert fast == general


@pytest.mark.parametrize("alone", [True, False], ids=["a batch each", "one batch"])
def test_every_byte_value_in_a_plain_payload(alone: bool) -> None:
    """Each of the 256 byte values between a backslash and plain letters, alone in its batch
    (which is then wholly plain or not) and all in one batch (copied and escaped lines mixed):
    the backslash is doubled exactly when the byte beside it is escaped."""
    raw = [PGnotify(b"ch", byte + 1, b"a\\" + bytes([byte]) + b"z") for byte in range(256)]
    for batch in [[n] for n in raw] if alone else [raw]:
        fast, general = _both_ways(batch, 1_700_000_000.125)
        assert fast == general


def test_a_backslash_stays_single_unless_something_else_is_escaped() -> None:
    raw = [PGnotify(b"ch", 1, b"C:\\tmp"), PGnotify(b"ch", 2, b"C:\\tmp\x1b")]
    out = format_plain_batch(NotificationBatch(raw=raw, received=1_700_000_000.0))
    assert out.decode().splitlines()[0].endswith("  1  C:\\tmp")
    assert out.decode().splitlines()[1].endswith("  2  C:\\\\tmp\\x1b")


def test_an_already_decoded_batch_is_formatted_from_its_notifications() -> None:
    raw = [PGnotify(b"orders", 42, b'{"id": 1}'), PGnotify(b"orders", 43, b"\xff")]
    batch = NotificationBatch(raw=raw, received=1_700_000_000.25)
    items = batch.items
    assert format_plain_batch(batch) == format_plain(items).encode()


def test_an_empty_batch_is_no_output() -> None:
    assert format_plain_batch(NotificationBatch(raw=[], received=1_700_000_000.0)) == b""


@pytest.mark.parametrize("binary", [True, False], ids=["to a binary stream", "to a text stream"])
def test_the_pipe_sink_writes_the_same_lines_either_way(binary: bool) -> None:
    """With stdout's binary stream the sink writes the bytes path's output as it is; to a
    text-only stream, the same text."""
    raw = [PGnotify(b"orders", 7, b"plain"), PGnotify("通知".encode(), 8, b"\xe2\x80\xaebidi")]
    expected = format_plain(NotificationBatch(raw=raw, received=1_700_000_000.5).items)
    buffer = io.BytesIO()
    text = io.StringIO()
    out: io.TextIOBase = io.TextIOWrapper(buffer, encoding="utf-8") if binary else text
    sink = PipeSink(OutputMode.PLAIN, out, io.StringIO())  # type: ignore[arg-type]
    sink(NotificationBatch(raw=raw, received=1_700_000_000.5))
    written = buffer.getvalue().decode() if binary else text.getvalue()
    assert written == expected
