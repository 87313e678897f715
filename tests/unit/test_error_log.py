"""The errors kept for the error view: runs of one error merged, the newest first, toasts that
warn kept, a bounded number of entries."""

from __future__ import annotations

from pgtail.ui.state.error_log import ErrorEntry, ErrorLog


def test_a_run_of_the_same_error_is_one_entry_with_a_count() -> None:
    log = ErrorLog()
    for attempt in range(5):
        log.add("connection", "connection refused", now=100.0 + attempt)
    assert log.newest_first() == [ErrorEntry("connection", "connection refused", 100.0, 104.0, 5)]


def test_different_errors_are_kept_apart_newest_first() -> None:
    log = ErrorLog()
    log.add("connection", "connection refused", now=1.0)
    log.add("NOTIFY", "not connected", now=2.0)
    log.add("connection", "connection refused", now=3.0)
    assert [(e.source, e.first_at) for e in log.newest_first()] == [
        ("connection", 3.0),
        ("NOTIFY", 2.0),
        ("connection", 1.0),
    ]
    assert log.latest == log.newest_first()[0]
    assert len(log) == 3


def test_only_so_many_are_kept() -> None:
    log = ErrorLog(keep=3)
    for number in range(10):
        log.add("connection", f"error {number}", now=float(number))
    assert [e.text for e in log.newest_first()] == ["error 9", "error 8", "error 7"]


def test_toasts_that_warn_are_kept_and_plain_information_is_not() -> None:
    log = ErrorLog()
    log.add_toast("information", "pgtail", "copied")
    log.add_toast("warning", "pgtail", "channel 'x': permission denied")
    log.add_toast("error", "notifications are not delivered", "pool_mode=transaction")
    assert [(e.source, e.text) for e in log.newest_first()] == [
        ("notifications are not delivered", "pool_mode=transaction"),
        ("pgtail", "channel 'x': permission denied"),
    ]


def test_an_empty_log() -> None:
    log = ErrorLog()
    assert log.latest is None and log.newest_first() == [] and len(log) == 0
