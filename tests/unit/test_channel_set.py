"""The channel set's rules, without a server: order, 63-byte names, listening, delivery."""

from __future__ import annotations

from pgtail.core.channel_set import ChannelSet

# Two names over 63 bytes sharing their first 63: the server listens on one name for both.
LONG_A = "x" * 63 + "-a"
LONG_B = "x" * 63 + "-b"
SHORT = "x" * 63


def test_wanted_keeps_the_order_names_were_added_in() -> None:
    channels = ChannelSet()
    for name in ["b", "Orders", "a", "my channel"]:
        assert channels.add(name) is None
    assert channels.wanted == ["b", "Orders", "a", "my channel"]
    assert len(channels) == 4
    assert "Orders" in channels
    assert "orders" not in channels  # exact names, no case folding


def test_adding_twice_keeps_the_first_place() -> None:
    channels = ChannelSet()
    for name in ["a", "b", "a"]:
        channels.add(name)
    assert channels.wanted == ["a", "b"]


def test_a_long_name_warns_with_the_name_the_server_uses() -> None:
    channels = ChannelSet()
    warning = channels.add(LONG_A)
    assert warning is not None
    assert repr(LONG_A) in warning
    assert repr(SHORT) in warning
    assert "63 bytes" in warning


def test_truncation_counts_bytes_and_never_splits_a_character() -> None:
    name = "é" * 40  # 80 bytes of UTF-8: cut to 31 whole characters (62 bytes)
    channels = ChannelSet()
    warning = channels.add(name)
    assert warning is not None
    assert repr("é" * 31) in warning


def test_nothing_is_listened_on_until_marked() -> None:
    channels = ChannelSet()
    channels.add("a")
    channels.add("b")
    assert channels.listening == frozenset()
    assert channels.missing() == ["a", "b"]
    channels.mark_listening("b")
    assert channels.listening == frozenset({"b"})
    assert channels.missing() == ["a"]


def test_disconnect_forgets_what_the_server_listened_on_but_not_what_is_wanted() -> None:
    channels = ChannelSet()
    for name in ["a", "b"]:
        channels.add(name)
        channels.mark_listening(name)
    channels.disconnected()
    assert channels.listening == frozenset()
    assert channels.wanted == ["a", "b"]
    assert channels.missing() == ["a", "b"]
    assert channels.delivered("utf-8") == {b"a", b"b"}


def test_remove_stops_delivery_at_once_and_listening_once_unlistened() -> None:
    channels = ChannelSet()
    channels.add("a")
    channels.mark_listening("a")
    channels.remove("a")
    assert channels.wanted == []
    assert channels.delivered("utf-8") == set()
    # Until the UNLISTEN goes through the server still listens, but no wanted name maps to it.
    assert channels.listening == frozenset()
    assert channels.missing() == []
    channels.mark_unlistened("a")
    channels.add("a")
    assert channels.missing() == ["a"]  # a fresh subscribe must LISTEN again


def test_removing_an_unknown_name_does_nothing() -> None:
    channels = ChannelSet()
    channels.add("a")
    channels.remove("b")
    assert channels.wanted == ["a"]
    assert channels.delivered("utf-8") == {b"a"}


def test_names_sharing_a_server_name_share_listening_and_delivery() -> None:
    channels = ChannelSet()
    channels.add(LONG_A)
    channels.add(LONG_B)
    assert channels.delivered("utf-8") == {SHORT.encode()}
    channels.mark_listening(LONG_A)
    assert channels.listening == frozenset({LONG_A, LONG_B})
    assert channels.missing() == []
    # Dropping one keeps the channel the other still needs, on the server and in delivery.
    channels.remove(LONG_A)
    channels.mark_unlistened(LONG_A)
    assert channels.listening == frozenset({LONG_B})
    assert channels.delivered("utf-8") == {SHORT.encode()}
    channels.remove(LONG_B)
    channels.mark_unlistened(LONG_B)
    assert channels.delivered("utf-8") == set()
    channels.add(LONG_B)
    assert channels.missing() == [LONG_B]


def test_delivered_names_are_bytes_in_the_connections_codec() -> None:
    channels = ChannelSet()
    for name in ["café", "通知", "plain"]:
        channels.add(name)
    assert channels.delivered("utf-8") == {"café".encode(), "通知".encode(), b"plain"}
    # A name the codec cannot write can never have been listened on: left out, no error.
    assert channels.delivered("latin-1") == {"café".encode("latin-1"), b"plain"}
    assert channels.delivered("euc_jp") == {
        "café".encode("euc_jp"),
        "通知".encode("euc_jp"),
        b"plain",
    }
