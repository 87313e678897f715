"""Pure functions: escaping, DSN handling, error classes, backoff, output formats."""

from __future__ import annotations

import json
import random
import sys
import unicodedata
from datetime import datetime

import pytest

from pgtail.core.backoff import Backoff
from pgtail.core.channels import byte_length, server_channel_name, validate_channel
from pgtail.core.dsn import DsnError, describe, parse, scrub
from pgtail.core.errors import describe_error
from pgtail.core.formats import format_json, format_plain, json_string
from pgtail.core.models import Notification
from pgtail.core.text import INVISIBLE_RANGES, escape, is_safe, truncate

HOSTILE = [
    "\x1b]0;owned\x07",  # OSC: set the window title
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52: write the clipboard
    "\x1b[2J\x1b[H",  # CSI: clear the screen
    "\x1bP+q\x1b\\",  # DCS
    "\x9b31m",  # C1 CSI
    "\x7f",  # DEL
    "abc\u202edcba",  # bidi override
    "zero\u200bwidth",
    "line\nbreak\r\tand tab",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_leaves_no_control_or_format_character(text: str) -> None:
    shown = escape(text)
    assert is_safe(shown)
    assert all(ch.isprintable() for ch in shown)


def test_escape_is_visible_and_keeps_ordinary_text() -> None:
    assert escape("plain [b]markup[/b] 通知 café") == "plain [b]markup[/b] 通知 café"
    assert escape("a\x1bb") == "a\\x1bb"
    assert escape("rtl\u202e") == "rtl\\u202e"
    assert escape("x\ny") == "x\\ny"
    # Once anything is escaped, a typed backslash is doubled so the two stay distinguishable.
    assert escape("\\x1b\x1b") == "\\\\x1b\\x1b"


def test_invisible_ranges_match_this_pythons_unicode_data() -> None:
    """Every Cf/Zl/Zp/Cs code point is escaped (newer Unicode versions may add a few: listed
    ranges must cover at least what this Python knows)."""
    covered = {c for first, last in INVISIBLE_RANGES for c in range(first, last + 1)}
    wanted = {
        c
        for c in range(0xA0, sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp", "Cs")
    }
    assert wanted <= covered
    assert escape("tag\U000e0041") == "tag\\U000e0041"


def test_truncate() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"
    assert truncate("abc", 0) == ""


def test_channel_names() -> None:
    assert server_channel_name("orders") == "orders"
    assert byte_length("通知") == 6
    long = "é" * 40  # 80 bytes
    assert len(server_channel_name(long).encode()) == 62  # cut on a character boundary
    for bad in ["", "  ", "a\x00"]:
        with pytest.raises(ValueError):
            validate_channel(bad)


def test_dsn_forms_and_defaults() -> None:
    dsn = parse("postgresql://app:hunter22@db.example:6543/shop")
    assert dsn.display == "app@db.example:6543/shop"
    assert "application_name=pgtail" in dsn.conninfo
    assert "keepalives=1" in dsn.conninfo
    assert "hunter22" not in dsn.display
    multi = parse("host=a,b port=1,2 user=u dbname=d target_session_attrs=read-write")
    assert multi.display == "u@a:1,b:2/d"
    assert "a:1,b:2" in describe({"host": "a,b", "port": "1,2", "user": "u", "dbname": "d"})
    keep = parse("application_name=mine")
    assert "application_name=mine" in keep.conninfo


@pytest.mark.parametrize("bad", ["host=x port=abc", "host='unterminated", "nonsense", "x=1"])
def test_bad_dsn_syntax(bad: str) -> None:
    with pytest.raises(DsnError) as info:
        parse(bad + " password=hunter22")
    assert "hunter22" not in str(info.value)


def test_scrub() -> None:
    assert "hunter22" not in scrub("password=hunter22 host=x")
    assert "hunter22" not in scrub("password='hunter 22' host=x".replace(" 22", "22"))
    assert "hunter22" not in scrub("postgresql://u:hunter22@h/db")
    assert scrub("nothing to hide here", ["ab"]) == "nothing to hide here"
    assert scrub("the secret is tops3cret", ["tops3cret"]) == "the secret is ***"


def test_error_classes() -> None:
    fatal = [
        'FATAL:  password authentication failed for user "u"',
        'FATAL:  database "nope" does not exist',
        "fe_sendauth: no password supplied",
    ]
    retry = [
        "connection refused",
        "failed to resolve host 'nowhere.invalid'",
        "timeout expired",
        "terminating connection due to administrator command",
        "the database system is starting up",
    ]
    assert all(describe_error(Exception(m)).fatal for m in fatal)
    assert not any(describe_error(Exception(m)).fatal for m in retry)
    multi = describe_error(Exception("connection failed: a\nDETAIL: b\n"))
    assert multi.message == "a DETAIL: b"


def test_backoff_grows_with_jitter_and_caps() -> None:
    backoff = Backoff(initial=0.5, cap=30, jitter=0.2, rng=random.Random(1))
    delays = [backoff.delay(n) for n in range(1, 12)]
    assert 0.4 <= delays[0] <= 0.6
    assert 0.8 <= delays[1] <= 1.2
    assert max(delays) <= 30
    assert delays[-1] >= 24  # at the cap, give or take jitter
    assert len({round(backoff.delay(3), 6) for _ in range(10)}) > 1  # jittered


def test_output_formats_escape_untrusted_text() -> None:
    batch = [
        Notification("ch\x1b", "pay\x1b]0;x\x07load [b]", 42, 1_700_000_000.5),
        Notification("通知", '{"a": 1}', 7, 1_700_000_000.5),
        Notification("e", "", 1, 1_700_000_001.0),
    ]
    plain = format_plain(batch).splitlines()
    assert plain[0].endswith("  ch\\x1b  42  pay\\x1b]0;x\\x07load [b]")
    assert plain[1].endswith('  通知  7  {"a": 1}')
    assert plain[2].endswith("  e  1  ")
    lines = format_json(batch).splitlines()
    objs = [json.loads(line) for line in lines]
    assert objs[0]["channel"] == "ch\x1b" and objs[0]["payload"] == "pay\x1b]0;x\x07load [b]"
    assert objs[1] == {**objs[1], "channel": "通知", "pid": 7, "payload": '{"a": 1}'}
    stamp = datetime.fromisoformat(objs[0]["time"])
    assert stamp.tzinfo is not None and stamp.timestamp() == 1_700_000_000.5
    assert all(ch.isprintable() for line in lines for ch in line)
    assert "通知" in lines[1]  # readable where nothing needs escaping
    assert json_string("\u202e") == '"\\u202e"'
