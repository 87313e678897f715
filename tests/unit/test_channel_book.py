"""The channel rows' bookkeeping, without Textual: order, off, listening, counts and rows."""

from __future__ import annotations

import pytest

from pgtail.ui.state.channel_book import ChannelBook, ChannelRow

NOW = 1_700_000_000.0


def _states(book: ChannelBook, wanted: list[str]) -> list[tuple[str, str]]:
    return [(row.name, row.state) for row in book.rows(wanted, NOW)]


def test_rows_keep_the_order_added_and_survive_toggling_off() -> None:
    book = ChannelBook(["b", "a"])
    book.add("c")
    book.add("a")  # already there: keeps its place
    assert book.order == ["b", "a", "c"]
    assert book.names() == ["b", "a", "c"]
    assert book.names() is not book.order
    book.switch("a", listen=False)
    assert book.off == {"a"}
    assert book.order == ["b", "a", "c"]
    book.add("a")  # adding a channel that is off turns it back on
    assert book.off == set()
    book.switch("c", listen=False)
    book.remove("c")
    assert book.order == ["b", "a"] and book.off == set()
    book.remove("nope")  # removing an unknown channel is harmless


def test_an_invalid_name_is_refused_and_nothing_changes() -> None:
    book = ChannelBook(["a"])
    with pytest.raises(ValueError):
        book.add("   ")
    assert book.order == ["a"]


def test_states_join_what_the_user_asked_and_what_the_server_listens_on() -> None:
    book = ChannelBook(["on", "waiting", "off", "dropped"])
    book.switch("off", listen=False)
    book.listening = frozenset({"on", "off", "dropped"})
    # "dropped" is listened on by the server but no longer wanted by the core: pending.
    assert _states(book, ["on", "waiting", "off"]) == [
        ("on", "listening"),
        ("waiting", "pending"),
        ("off", "off"),
        ("dropped", "pending"),
    ]


def test_counts_last_seen_total_rates_and_activity() -> None:
    book = ChannelBook(["busy", "quiet", "new"])
    book.listening = frozenset({"busy", "quiet", "new"})
    book.count({"busy": 10, "quiet": 0}, {"busy": NOW - 1}, 10, {("busy", int(NOW) - 1): 10})
    book.count({"busy": 15, "quiet": 0}, {"busy": NOW}, 15, {("busy", int(NOW)): 5})
    assert book.total == 15
    rows = {row.name: row for row in book.rows(["busy", "quiet", "new"], NOW)}
    busy = rows["busy"]
    assert (busy.count, busy.last_seen) == (15, NOW)
    assert busy.rate == 15 / 5  # over the last five seconds
    assert busy.activity[-2:] == (10, 5) and sum(busy.activity) == 15
    # A channel with a count keeps its (flat) sparkline; one never counted has none.
    assert rows["quiet"] == ChannelRow("quiet", "listening", 0, None, 0.0, (0,) * 60)
    assert rows["new"] == ChannelRow("new", "listening")


def test_taken_counts_are_copies() -> None:
    book = ChannelBook(["a"])
    counts = {"a": 1}
    book.count(counts, {"a": NOW}, 1, {})
    counts["a"] = 99
    assert book.counts == {"a": 1}


def test_a_row_can_come_back_where_it_was() -> None:
    book = ChannelBook(["a", "b", "c"])
    book.remove("b")
    book.add("b", at=1)
    assert book.order == ["a", "b", "c"]
    book.add("b", at=0)  # already there: stays put
    assert book.order == ["a", "b", "c"]


def test_rows_and_rates_run_on_the_books_clock() -> None:
    # A replay's clock: the recorded time reached, long ago.
    recorded = 1_500_000_000.0
    book = ChannelBook(["a"], clock=lambda: recorded)
    book.listening = frozenset({"a"})
    book.count({"a": 10}, {"a": recorded - 1}, 10, {("a", int(recorded) - 1): 10})
    (row,) = book.rows(["a"])
    assert row.rate == 10 / 5 and sum(row.activity) == 10
    assert book.rate() == 10 / 5
    assert book.rate(now=recorded + 3600) == 0.0
