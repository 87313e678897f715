"""The inbox between the core thread and the UI: bounded, exact counts, one wake-up per drain."""

from __future__ import annotations

import threading

from pgtail.core.models import Gap, Notification
from pgtail.ui.inbox import Drained, Inbox


def _batch(channel: str, first: int, count: int, received: float = 1000.0) -> list[Notification]:
    """*count* notifications on *channel* whose payloads number them from *first*."""
    return [Notification(channel, str(i), 7, received) for i in range(first, first + count)]


def _payloads(drained: Drained) -> list[str]:
    return [item.payload for item in drained.items if isinstance(item, Notification)]


def _drain(inbox: Inbox) -> Drained:
    drained = inbox.drain()
    assert drained is not None
    return drained


def test_nothing_to_drain() -> None:
    inbox = Inbox(10)
    assert inbox.drain() is None
    inbox.put_notifications([])
    assert inbox.drain() is None


def test_capacity_is_at_least_one() -> None:
    assert Inbox(0).capacity == 1
    assert Inbox(-5).capacity == 1
    inbox = Inbox(0)
    inbox.put_notifications(_batch("a", 0, 3))
    drained = _drain(inbox)
    assert _payloads(drained) == ["2"]
    assert drained.dropped == 2


def test_items_in_arrival_order_with_exact_counts_and_totals() -> None:
    inbox = Inbox(100)
    inbox.put_notifications(_batch("a", 0, 3, received=1000.0))
    inbox.put_notifications(_batch("b", 0, 2, received=1001.0))
    inbox.put_notifications(_batch("a", 3, 1, received=1002.0))
    drained = _drain(inbox)
    assert [(n.channel, n.payload) for n in drained.items if isinstance(n, Notification)] == [
        ("a", "0"),
        ("a", "1"),
        ("a", "2"),
        ("b", "0"),
        ("b", "1"),
        ("a", "3"),
    ]
    assert drained.dropped == 0
    assert drained.counts == {"a": 4, "b": 2}
    assert drained.total == 6
    assert drained.last_seen == {"a": 1002.0, "b": 1001.0}
    assert inbox.drain() is None


def test_counts_and_total_accumulate_across_drains_and_dropped_does_not() -> None:
    inbox = Inbox(2)
    inbox.put_notifications(_batch("a", 0, 5))
    first = _drain(inbox)
    assert (first.dropped, first.total, first.counts) == (3, 5, {"a": 5})
    inbox.put_notifications(_batch("b", 0, 1))
    second = _drain(inbox)
    assert _payloads(second) == ["0"]
    assert (second.dropped, second.total, second.counts) == (0, 6, {"a": 5, "b": 1})


def test_last_seen_and_activity_per_second_of_each_line() -> None:
    inbox = Inbox(10)
    inbox.put_notifications(_batch("a", 0, 3, received=1000.2))  # a listener's: one time
    inbox.put_notifications(
        [  # a replay's: each line its recorded time
            Notification("b", "", 1, 1000.5),
            Notification("a", "", 1, 1001.5),
            Notification("b", "", 1, 1002.5),
            Notification("b", "", 1, 1002.7),
        ]
    )
    drained = _drain(inbox)
    assert drained.last_seen == {"a": 1001.5, "b": 1002.7}
    assert drained.activity == {("a", 1000): 3, ("b", 1000): 1, ("a", 1001): 1, ("b", 1002): 2}
    inbox.put_notifications(_batch("a", 0, 1, received=1003.0))
    assert _drain(inbox).activity == {("a", 1003): 1}  # since the previous drain only


def test_activity_counts_dropped_lines_too() -> None:
    inbox = Inbox(2)
    inbox.put_notifications(_batch("a", 0, 5, received=1000.0))
    drained = _drain(inbox)
    assert drained.dropped == 3 and drained.activity == {("a", 1000): 5}


def test_overflow_drops_the_oldest_and_counts_them_exactly() -> None:
    inbox = Inbox(5)
    inbox.put_notifications(_batch("a", 0, 2))
    inbox.put_notifications(_batch("a", 2, 4))
    drained = _drain(inbox)
    assert _payloads(drained) == ["1", "2", "3", "4", "5"]
    assert drained.dropped == 1
    assert drained.total == 6
    assert drained.counts == {"a": 6}


def test_one_batch_larger_than_the_capacity_keeps_its_newest() -> None:
    inbox = Inbox(3)
    inbox.put_notifications(_batch("a", 0, 1))
    inbox.put_notifications(_batch("b", 0, 10))
    drained = _drain(inbox)
    assert [(n.channel, n.payload) for n in drained.items if isinstance(n, Notification)] == [
        ("b", "7"),
        ("b", "8"),
        ("b", "9"),
    ]
    assert drained.dropped == 8
    assert drained.counts == {"a": 1, "b": 10}
    assert drained.total == 11


def test_gaps_keep_their_place_among_notifications_and_are_not_counted() -> None:
    inbox = Inbox(10)
    gap = Gap(lost_at=1000.0, back_at=1005.0)
    inbox.put_notifications(_batch("a", 0, 2))
    inbox.put_gap(gap)
    inbox.put_notifications(_batch("a", 2, 1))
    drained = _drain(inbox)
    assert drained.items == [*_batch("a", 0, 2), gap, *_batch("a", 2, 1)]
    assert drained.total == 3
    assert drained.counts == {"a": 3}


def test_a_gap_alone_is_something_to_drain() -> None:
    inbox = Inbox(10)
    gap = Gap(lost_at=1.0, back_at=2.0)
    inbox.put_gap(gap)
    drained = _drain(inbox)
    assert drained.items == [gap]
    assert (drained.total, drained.dropped, drained.counts) == (0, 0, {})


def test_a_gap_into_a_full_inbox_drops_the_oldest_item() -> None:
    inbox = Inbox(3)
    inbox.put_notifications(_batch("a", 0, 3))
    gap = Gap(lost_at=1.0, back_at=2.0)
    inbox.put_gap(gap)
    drained = _drain(inbox)
    assert drained.items == [*_batch("a", 1, 2), gap]
    assert drained.dropped == 1
    assert drained.total == 3


def test_on_ready_fires_once_per_drain_cycle() -> None:
    calls: list[int] = []
    inbox = Inbox(2, on_ready=lambda: calls.append(1))
    inbox.put_notifications([])
    assert calls == []
    inbox.put_notifications(_batch("a", 0, 1))
    assert len(calls) == 1
    inbox.put_notifications(_batch("a", 1, 5))  # overflowing does not wake again
    inbox.put_gap(Gap(lost_at=1.0, back_at=2.0))
    assert len(calls) == 1
    _drain(inbox)
    assert inbox.drain() is None
    assert len(calls) == 1
    inbox.put_gap(Gap(lost_at=3.0, back_at=4.0))  # a gap wakes a drained inbox too
    assert len(calls) == 2
    inbox.put_notifications(_batch("a", 6, 1))
    assert len(calls) == 2
    _drain(inbox)
    inbox.put_notifications(_batch("a", 7, 1))
    assert len(calls) == 3


def test_on_ready_runs_on_the_putting_thread() -> None:
    threads: list[int] = []
    inbox = Inbox(10, on_ready=lambda: threads.append(threading.get_ident()))
    putter = threading.Thread(target=inbox.put_notifications, args=(_batch("a", 0, 1),))
    putter.start()
    putter.join()
    assert threads == [putter.ident]


def test_two_putting_threads_and_a_draining_one_lose_nothing_uncounted() -> None:
    """Everything put is either drained or counted as dropped, each channel in its own order,
    and the wake-ups match the drains that found something."""
    batches, size = 2000, 5
    wake_ups = 0
    wake_lock = threading.Lock()

    def on_ready() -> None:
        nonlocal wake_ups
        with wake_lock:
            wake_ups += 1

    inbox = Inbox(64, on_ready=on_ready)
    start = threading.Barrier(3)

    def put(channel: str) -> None:
        start.wait()
        for b in range(batches):
            inbox.put_notifications(_batch(channel, b * size, size))

    putters = [threading.Thread(target=put, args=(ch,)) for ch in ("a", "b")]
    for t in putters:
        t.start()
    drains: list[Drained] = []
    start.wait()
    while any(t.is_alive() for t in putters):
        drained = inbox.drain()
        if drained is not None:
            drains.append(drained)
    for t in putters:
        t.join()
    last = inbox.drain()
    if last is not None:
        drains.append(last)

    sent = batches * size
    assert drains[-1].total == 2 * sent
    assert drains[-1].counts == {"a": sent, "b": sent}
    shown = sum(len(d.items) for d in drains)
    assert shown + sum(d.dropped for d in drains) == 2 * sent
    for channel in ("a", "b"):
        numbers = [
            int(n.payload)
            for d in drains
            for n in d.items
            if isinstance(n, Notification) and n.channel == channel
        ]
        assert numbers == sorted(set(numbers))
    # The newest line is never the one dropped: the last one put is shown.
    newest = drains[-1].items[-1]
    assert isinstance(newest, Notification) and newest.payload == str(sent - 1)
    assert [d.total for d in drains] == sorted(d.total for d in drains)
    assert wake_ups == len(drains)
