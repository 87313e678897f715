"""The live filter as it always was: a substring of the channel or payload, or a ``/regex/``
(the field expressions are in test_filter_lang)."""

from __future__ import annotations

import pytest

from pgtail.core.filter_syntax import Pattern, Text
from pgtail.core.models import Notification
from pgtail.ui.state.filtering import FilterError, LineFilter, parse_filter


def _n(channel: str, payload: str = "") -> Notification:
    return Notification(channel, payload, 1, 1_700_000_000.0)


def _parse(text: str) -> LineFilter:
    line_filter = parse_filter(text)
    assert line_filter is not None
    return line_filter


def test_empty_text_is_no_filter() -> None:
    assert parse_filter("") is None


def test_a_filter_keeps_the_text_as_written() -> None:
    assert _parse("orders").text == "orders"
    assert _parse("/ord.rs/").text == "/ord.rs/"


def test_substring_of_channel_or_payload() -> None:
    f = _parse("ord")
    assert isinstance(f.node, Text)
    assert f.matches(_n("orders", "x"))
    assert f.matches(_n("x", "new order 7"))
    assert not f.matches(_n("invoices", "paid"))


def test_substring_is_case_sensitive() -> None:
    f = _parse("Order")
    assert not f.matches(_n("orders", "an order"))
    assert f.matches(_n("orders", "Order 7"))


def test_substring_takes_regex_characters_literally() -> None:
    f = _parse("a.b")
    assert not f.matches(_n("axb", "axb"))
    assert f.matches(_n("x", "a.b"))
    assert _parse("[").matches(_n("x", "a [ b"))


def test_substring_matches_non_ascii_and_does_not_span_channel_and_payload() -> None:
    assert _parse("通知").matches(_n("x", "新しい通知"))
    # The channel and payload are searched separately, never joined.
    assert not _parse("ab").matches(_n("a", "b"))


def test_text_not_wrapped_in_slashes_is_a_substring() -> None:
    for text in ["/", "/abc", "abc/", "a/b"]:
        f = _parse(text)
        assert isinstance(f.node, Text), text
    assert _parse("/abc").matches(_n("x", "path /abc/def"))
    assert not _parse("/abc").matches(_n("abc", "abc"))


def test_regex_matches_channel_or_payload_anywhere() -> None:
    f = _parse("/ord(er)?s?_\\d+/")
    assert isinstance(f.node, Pattern)
    assert f.matches(_n("x", "before ord_12 after"))  # a search, not a full match
    assert f.matches(_n("orders_3"))
    assert not f.matches(_n("orders", "no digits"))


def test_regex_anchors_apply_to_channel_and_payload_separately() -> None:
    f = _parse("/^orders$/")
    assert f.matches(_n("orders", "something"))
    assert f.matches(_n("x", "orders"))
    assert not f.matches(_n("all_orders", "orders!"))


def test_regex_is_case_sensitive_unless_it_says_otherwise() -> None:
    assert not _parse("/ORDER/").matches(_n("orders", "order"))
    assert _parse("/(?i)ORDER/").matches(_n("orders", "x"))


def test_empty_regex_matches_everything() -> None:
    f = _parse("//")
    assert isinstance(f.node, Pattern)
    assert f.matches(_n("x", ""))


@pytest.mark.parametrize("text", ["/[/", "/(/", "/a{2,1}/", "/*/", "/(?P<x>a)(?P<x>b)/"])
def test_an_invalid_regex_is_a_filter_error(text: str) -> None:
    with pytest.raises(FilterError, match=r"^column \d+: invalid regular expression: "):
        parse_filter(text)


def test_filter_error_is_a_value_error_with_the_regex_message() -> None:
    with pytest.raises(ValueError, match="unterminated character set"):
        parse_filter("/[a-/")
