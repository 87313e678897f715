"""Sender lookups without Textual: each pid is asked about once, until an answer or a failure."""

from __future__ import annotations

from pgtail.core.models import SenderInfo
from pgtail.ui.state.senders import SenderBook


def test_each_pid_is_asked_about_once_until_answered_or_failed() -> None:
    book = SenderBook()
    assert book.to_ask({1, 2}) == {1, 2}
    assert book.to_ask({1, 2, 3}) == {3}  # 1 and 2 are being asked about
    info = SenderInfo(pid=1, application_name="worker")
    book.found({1: info})
    assert book.known == {1: info}
    assert book.to_ask([1, 2, 3]) == set()  # 1 is known; 2 and 3 still being asked
    book.failed()
    assert book.to_ask([1, 2, 3]) == {2, 3}  # after a failure, ask again
