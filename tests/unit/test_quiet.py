"""Quiet channels without Textual: who is quiet, since when, the rows' and the log's words; every
time is given, no clock is read."""

from __future__ import annotations

import math

from rich.cells import split_graphemes

from pgtail.core.formats import clock_time
from pgtail.core.models import Gap, Notification
from pgtail.ui.inbox import LogItem
from pgtail.ui.state.channel_book import ChannelRow
from pgtail.ui.state.channel_strip import plan_strip
from pgtail.ui.state.log_store import LogStore
from pgtail.ui.state.quiet import (
    QuietBook,
    QuietLine,
    next_change,
    parse_after,
    row_text,
    short_span,
    span,
    strip_text,
)

T0 = 1_700_000_000.0


def _clock(ts: float) -> str:
    return clock_time(ts)[:8]


def _note(channel: str, at: float) -> Notification:
    return Notification(channel, f"{channel}@{at - T0:g}", 1, at)


def _hear(book: QuietBook, *notes: Notification) -> list[LogItem | QuietLine]:
    """One drain of *notes*, with the latest time per channel as the inbox counts it."""
    last = {n.channel: n.received for n in notes}
    return list(book.heard(list(notes), last))


def _quiet_lines(items: list[LogItem | QuietLine]) -> list[str]:
    return [item.text for item in items if isinstance(item, QuietLine)]


def test_spans_and_the_words_of_rows_and_strip() -> None:
    assert [span(s) for s in (0, 7, 59, 60, 130, 3599, 3600, 3725, 86400 * 2 + 7300)] == [
        "0s", "7s", "59s", "1m 0s", "2m 10s", "59m 59s", "1h 0m", "1h 2m", "2d 2h",
    ]  # fmt: skip
    assert span(2.44) == "2.4s" and span(0.3) == "0.3s" and span(12.7) == "12s"
    assert [short_span(s) for s in (45, 130, 7300, 90000)] == ["45s", "2m", "2h", "1d"]
    assert row_text(130) == "quiet 2m 10s"
    assert strip_text(130) == "quiet 2m"


def test_parse_after() -> None:
    assert parse_after("90") == 90.0
    assert parse_after(" 0.3 ") == 0.3
    assert parse_after("45s") == 45.0
    for off in ("", "0", "off", "OFF", "0.0"):
        assert parse_after(off) is None
    for bad in ("soon", "-1", "nan", "inf", "1m"):
        try:
            parse_after(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was taken")


def test_a_channel_that_never_spoke_is_quiet_from_when_listening_began() -> None:
    book = QuietBook(after=5)
    book.listening({"orders": True}, T0)
    assert book.next_deadline() == T0 + 5
    assert book.due(T0 + 4.9) == []
    lines = book.due(T0 + 5)
    assert [line.text for line in lines] == [
        f"orders quiet since {_clock(T0)}, when listening began"
    ]
    assert book.due(T0 + 60) == []  # said once
    assert book.next_deadline() is None  # nothing left to go quiet
    # It speaks: the line comes before its first notification.
    woven = _hear(book, _note("orders", T0 + 7), _note("orders", T0 + 7.5))
    assert isinstance(woven[0], QuietLine) and woven[1:] == [
        _note("orders", T0 + 7),
        _note("orders", T0 + 7.5),
    ]
    assert woven[0].text == f"orders spoke at {_clock(T0 + 7)} after 7s quiet"
    # From its latest notification, it can go quiet again.
    assert book.next_deadline() == T0 + 12.5


def test_quiet_since_the_last_notification_then_spoke_again() -> None:
    book = QuietBook(after=60)
    book.listening({"orders": True, "jobs": True}, T0)
    _hear(book, _note("orders", T0 + 1), _note("jobs", T0 + 30))
    assert book.next_deadline() == T0 + 61
    assert [line.text for line in book.due(T0 + 61)] == [f"orders quiet since {_clock(T0 + 1)}"]
    assert book.next_deadline() == T0 + 90
    woven = _hear(book, _note("jobs", T0 + 80), _note("orders", T0 + 184))
    assert _quiet_lines(woven) == [
        f"orders spoke again at {_clock(T0 + 184)} after 3m 3s quiet",
    ]
    assert woven.index(_note("orders", T0 + 184)) == 2  # right after its line, jobs untouched


def test_drains_without_a_quiet_channel_are_passed_through_untouched() -> None:
    book = QuietBook(after=60)
    book.listening({"orders": True}, T0)
    items: list[LogItem] = [_note("orders", T0 + 1), Gap(T0, T0 + 0.5)]
    assert book.heard(items, {"orders": T0 + 1}) is items
    assert book.heard(items, {"orders": T0 + 1}) is items  # nothing new spoke at all


def test_a_late_timer_still_gives_both_lines_in_order() -> None:
    # The UI was busy: the notification is drained before the timer said the channel went quiet.
    book = QuietBook(after=5)
    book.listening({"orders": True}, T0)
    woven = _hear(book, _note("orders", T0 + 9))
    assert _quiet_lines(woven) == [
        f"orders quiet since {_clock(T0)}, when listening began",
        f"orders spoke at {_clock(T0 + 9)} after 9s quiet",
    ]
    assert book.due(T0 + 10) == []


def test_the_first_notification_of_the_drain_decides() -> None:
    # The drain's latest time is past the deadline, its first one is not: never quiet.
    book = QuietBook(after=5)
    book.listening({"orders": True}, T0)
    assert _quiet_lines(_hear(book, _note("orders", T0 + 4), _note("orders", T0 + 6))) == []
    assert book.next_deadline() == T0 + 11


def test_a_dropped_first_notification_puts_the_line_first() -> None:
    book = QuietBook(after=5)
    book.listening({"orders": True, "jobs": True}, T0)
    book.due(T0 + 5)
    # The UI fell behind and the inbox dropped orders' lines: only jobs' are left.
    woven = list(book.heard([_note("jobs", T0 + 8)], {"orders": T0 + 7, "jobs": T0 + 8}))
    assert [type(item).__name__ for item in woven] == ["QuietLine", "QuietLine", "Notification"]
    assert _quiet_lines(woven) == [
        f"orders spoke at {_clock(T0 + 7)} after 7s quiet",
        f"jobs spoke at {_clock(T0 + 8)} after 8s quiet",
    ]


def test_time_not_listening_does_not_count_and_is_stated() -> None:
    book = QuietBook(after=60)
    book.listening({"orders": True}, T0)
    _hear(book, _note("orders", T0))
    book.listening({"orders": False}, T0 + 50)  # disconnected after 50 s
    assert book.next_deadline() is None
    assert book.due(T0 + 200) == []  # an outage is not silence
    book.listening({"orders": True}, T0 + 200)  # listening again: 10 s left
    assert book.next_deadline() == T0 + 210
    assert [line.text for line in book.due(T0 + 210)] == [f"orders quiet since {_clock(T0)}"]
    woven = _hear(book, _note("orders", T0 + 250))
    assert _quiet_lines(woven) == [
        f"orders spoke again at {_clock(T0 + 250)} after 1m 40s quiet"
        " (not counting 2m 30s not listening)"
    ]


def test_a_quiet_channel_stays_quiet_across_an_outage_without_a_line() -> None:
    book = QuietBook(after=10)
    book.listening({"orders": True}, T0)
    book.due(T0 + 10)
    listening = ChannelRow("orders", "listening")
    pending = ChannelRow("orders", "pending")
    assert book.rows([listening], T0 + 15)[0].quiet == 15
    # Disconnected: the row says pending, not quiet, and the count stops.
    assert book.rows([pending], T0 + 20)[0].quiet is None
    assert book.rows([listening], T0 + 100)[0].quiet == 20
    assert book.due(T0 + 100) == []  # no new "quiet since" line
    assert book.rows([listening], T0 + 101)[0].quiet == 21


def test_a_removed_channel_is_forgotten_and_starts_again() -> None:
    book = QuietBook(after=10)
    book.listening({"orders": True}, T0)
    book.due(T0 + 10)
    book.listening({}, T0 + 11)
    assert book.silences == {}
    book.listening({"orders": True}, T0 + 20)
    assert book.next_deadline() == T0 + 30
    assert book.rows([ChannelRow("orders", "listening")], T0 + 21)[0].quiet is None


def test_a_new_threshold() -> None:
    book = QuietBook(after=None)
    book.listening({"orders": True, "jobs": True}, T0)
    _hear(book, _note("jobs", T0 + 50))
    assert book.next_deadline() is None and book.due(T0 + 100) == []
    # Turned on at T0 + 100: orders has been quiet 100 s, jobs 50 s.
    book.set_after(60, T0 + 100)
    assert [line.channel for line in book.due(T0 + 100)] == ["orders"]
    assert book.next_deadline() == T0 + 110
    # Raised over orders' silence: quiet no more, and no line says it spoke.
    book.set_after(300, T0 + 105)
    assert not book.silences["orders"].quiet
    assert book.next_deadline() == T0 + 300
    book.set_after(None, T0 + 106)
    assert book.next_deadline() is None
    assert _quiet_lines(_hear(book, _note("orders", T0 + 400))) == []


def test_rows_are_marked_with_whole_seconds() -> None:
    book = QuietBook(after=0.3)
    rows = [ChannelRow("a", "listening"), ChannelRow("b", "off"), ChannelRow("c", "listening")]
    assert book.rows(rows, T0) == rows
    book.due(T0 + 0.3)
    marked = book.rows(rows, T0 + 65.8)
    assert [row.quiet for row in marked] == [65, None, 65]
    assert marked[1] is rows[1]


def test_a_channel_name_is_escaped_in_the_line() -> None:
    line = QuietLine("evil\x1b[2Jname", T0)
    assert "\x1b" not in line.text and line.text.startswith("evil")


def test_the_channel_filter_keeps_that_channels_quiet_lines() -> None:
    store = LogStore()
    store.add([QuietLine("a", T0), QuietLine("b", T0), _note("a", T0 + 1)])
    store.set_filters("a", None)
    assert store.view == [QuietLine("a", T0), _note("a", T0 + 1)]


def test_the_strip_says_quiet_shortly_and_still_fits() -> None:
    rows = [ChannelRow("orders", "listening", 12, quiet=130), ChannelRow("jobs", "listening", 3)]
    layout = plan_strip(rows, 78, split_graphemes)
    assert [(e.name, e.count, e.quiet) for e in layout.entries] == [
        ("orders", "12", "quiet 2m"),
        ("jobs", "3", ""),
    ]
    assert layout.cells == len("● orders 12 quiet 2m") + 2 + len("● jobs 3")
    narrow = plan_strip(rows, 30, split_graphemes)
    assert narrow.cells <= 30 and narrow.entries[0].quiet == "quiet 2m"


def test_a_long_name_is_cut_before_the_facts() -> None:
    line = QuietLine("a_very_long_channel_name_that_goes_on_and_on_and_on_for_63_bytes", T0)
    fitted = line.fitted(40, split_graphemes)
    assert fitted.endswith(f"… quiet since {_clock(T0)}")
    assert len(fitted) == 40
    assert QuietLine("orders", T0).fitted(40, split_graphemes) == QuietLine("orders", T0).text
    # Wide characters are measured in cells.
    wide = QuietLine("注文" * 10, T0).fitted(30, split_graphemes)
    assert wide.endswith(f"… quiet since {_clock(T0)}")
    assert split_graphemes(wide)[1] <= 30


def test_when_a_quiet_row_reads_differently() -> None:
    # The list: every second under an hour ("2m 10s"), then every minute ("1h 2m"), then hour.
    assert next_change(130.25) == 0.75
    assert next_change(3725) == 55
    assert next_change(90000) == 3600 - 90000 % 3600
    # The strip: every second under a minute, then every minute ("2m"), hour ("1h"), day.
    assert next_change(45.5, short=True) == 0.5
    assert next_change(130, short=True) == 50
    assert next_change(3725, short=True) == 3600 - 125
    assert next_change(90000, short=True) == 86400 - 3600


def test_the_book_says_when_its_quiet_rows_next_read_differently() -> None:
    book = QuietBook(after=10)
    book.listening({"a": True, "b": True}, T0)
    assert book.next_change(T0 + 5) == math.inf  # nobody quiet: nothing ticks
    book.due(T0 + 10)
    assert book.next_change(T0 + 130.5) == 0.5
    assert book.next_change(T0 + 130.5, short=True) == 49.5
    book.listening({"a": False, "b": False}, T0 + 131)  # not listening: the rows say pending
    assert book.next_change(T0 + 140) == math.inf
