"""Discovered channels grouped: one entry per channel with every place it was seen, sorted by
name, and pgtail's own internal channels (the delivery check's) left out."""

from __future__ import annotations

from pgtail.core.inspector import group_sightings
from pgtail.core.models import INTERNAL_CHANNEL_PREFIX, ChannelSource, DiscoveredChannel

TRIGGER = ChannelSource("function", "notify_orders(), trigger orders_notify on orders")
AUDIT = ChannelSource("function", "audit()")
CACHE_NODE = ChannelSource("listener", "session 4242 (cache-node)")


def test_one_entry_per_channel_with_its_sources_in_the_order_seen() -> None:
    found = [
        ("orders", CACHE_NODE),
        ("Audit", AUDIT),
        ("orders", TRIGGER),
        ("orders", TRIGGER),  # named twice: once is enough
    ]
    assert group_sightings(found) == [
        DiscoveredChannel("Audit", (AUDIT,)),
        DiscoveredChannel("orders", (CACHE_NODE, TRIGGER)),
    ]


def test_names_are_sorted_without_regard_to_case_and_kept_exact() -> None:
    found = [(name, AUDIT) for name in ("b", "B", "a", "Cache Bust")]
    assert [c.name for c in group_sightings(found)] == ["a", "B", "b", "Cache Bust"]


def test_pgtails_own_delivery_check_channels_are_left_out() -> None:
    probe = ChannelSource("listener", "session 99 (pgtail)")
    found = [(f"{INTERNAL_CHANNEL_PREFIX}51ec41323abc", probe), ("pgtail.other", probe)]
    assert [c.name for c in group_sightings(found)] == ["pgtail.other"]
