"""The detail view's text forms of a payload: escaped plain text, a hex dump, and which payloads
are not shown as JSON. (How JSON itself is laid out is left to the tests of that rewrite.)"""

from __future__ import annotations

import pytest

from pgtail.core.text import is_safe
from pgtail.ui.state.payload_views import (
    HEX_WIDTH,
    hex_line_width,
    hex_row_width,
    hexdump,
    payload_form,
    plain_text,
)

# --------------------------------------------------------------------------- plain_text


@pytest.mark.parametrize(
    "payload", ["", "plain", "café 通知 [b]markup[/b]", 'a "quote" and a \\ backslash']
)
def test_ordinary_text_is_shown_as_it_is(payload: str) -> None:
    assert plain_text(payload) == payload


def test_newlines_stay_line_breaks() -> None:
    assert plain_text("one\ntwo\n\nfour\n") == "one\ntwo\n\nfour\n"


def test_other_control_characters_are_escaped_per_line() -> None:
    assert plain_text("a\tb\r\nc\x1b[2Jd") == "a\\tb\\r\nc\\x1b[2Jd"
    assert plain_text("rtl\u202eltr\nzero\u200bwidth") == "rtl\\u202eltr\nzero\\u200bwidth"


def test_a_backslash_is_doubled_only_on_a_line_with_an_escape() -> None:
    assert plain_text("C:\\dir\n\\x1b\x1b") == "C:\\dir\n\\\\x1b\\x1b"


def test_plain_text_never_leaves_anything_invisible() -> None:
    shown = plain_text("".join(chr(c) for c in range(0x00, 0xA0)) + "\u2028\u2029\ufeff")
    assert all(is_safe(line) and line.isprintable() for line in shown.split("\n"))


# --------------------------------------------------------------------------- payload_form


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "   ",
        "hello",
        "order 42 shipped",
        "{not json",
        "[1, 2",
        "{'single': 'quotes'}",
        '{"a": 1} trailing',
        "[\x1b]",
    ],
)
def test_text_that_is_not_a_json_object_or_array_has_no_json_view(payload: str) -> None:
    form = payload_form(payload)
    assert form.json is None and form.label.startswith("text")


# --------------------------------------------------------------------------- hexdump


def test_hexdump_of_nothing_is_its_length() -> None:
    assert hexdump(b"") == "00000000"


def test_hexdump_layout() -> None:
    data = b"hello, world\x00\x01\xff\x7f!"
    assert hexdump(data).split("\n") == [
        "00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 00 01 ff 7f   |hello, world....|",
        "00000010  21                                                 |!|",
        "00000011",
    ]


def test_hexdump_columns_line_up() -> None:
    data = bytes(range(256)) + b"tail"
    lines = hexdump(data).split("\n")
    assert len(lines) == 256 // HEX_WIDTH + 2
    assert {line.index("|") for line in lines[:-1]} == {61}
    assert all(line.endswith("|") for line in lines[:-1])
    assert lines[-1] == f"{len(data):08x}"
    assert lines[1].startswith("00000010  10 11 12 13 14 15 16 17  18 19")


def test_hexdump_shows_only_printable_ascii_as_itself() -> None:
    data = bytes([0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0x9B, 0xFF]) + "é".encode()
    ascii_column = hexdump(data).split("\n")[0].split("|")[1]
    assert ascii_column == ". A~......"


def test_hexdump_width() -> None:
    assert hexdump(b"abcdefghij", width=8).split("\n") == [
        "00000000  61 62 63 64 65 66 67 68    |abcdefgh|",
        "00000008  69 6a                      |ij|",
        "0000000a",
    ]


def test_hex_line_width_is_the_width_of_a_full_row() -> None:
    data = bytes(range(48))
    for per_row in (4, 8, 16):
        lines = hexdump(data, per_row).split("\n")[:-1]
        assert {len(line) for line in lines} == {hex_line_width(per_row)}


def test_hex_rows_get_fewer_bytes_when_narrow() -> None:
    assert hex_row_width(200) == 16
    assert hex_row_width(hex_line_width(16)) == 16
    assert hex_row_width(hex_line_width(16) - 1) == 8
    assert hex_row_width(66) == 8  # the detail view's text area at 80 columns
    assert hex_row_width(hex_line_width(8) - 1) == 4
    assert hex_row_width(10) == 4  # the least it ever shows
