"""Who sent which line, asked of the inspector's connection on the core thread, and shown where
it is wanted: the log's sender column (``w``) and any open detail view.

Each pid is asked about once (see :class:`pgtail.ui.state.senders.SenderBook`); a replay has no
inspector, so nothing is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.screen import Screen

from pgtail.core.inspector import Inspector
from pgtail.core.models import SenderInfo
from pgtail.ui.bridge import CoreThread
from pgtail.ui.screens.detail import DetailScreen
from pgtail.ui.state.senders import SenderBook
from pgtail.ui.widgets.notification_log import NotificationLog


class SenderLookup:
    """Looks senders up and hands the answers to the log and the detail views."""

    def __init__(
        self,
        inspector: Inspector | None,
        core: CoreThread,
        log: NotificationLog,
        screens: Callable[[], Iterable[Screen[Any]]],
    ) -> None:
        self.inspector = inspector
        self.core = core
        self.log = log
        self._screens = screens
        self.book = SenderBook()
        """Who sent which line, as far as looked up."""
        log.senders = self.book.known

    def look_up(self, pids: set[int]) -> None:
        """Ask the inspector (core thread) about pids not known or asked about yet."""
        inspector = self.inspector
        if inspector is not None and (missing := self.book.to_ask(pids)):
            self.core.call(inspector.senders(missing), self._found, self._failed)

    def _failed(self, _error: BaseException) -> None:
        self.book.failed()  # the next slow tick (or the next detail view) asks again
        self._found({})

    def _found(self, senders: dict[int, SenderInfo]) -> None:
        self.book.found(senders)
        for screen in self._screens():
            if isinstance(screen, DetailScreen):
                info = self.book.known.get(screen.notification.pid)
                if info is not None:
                    screen.set_sender(info)
        self.log.refresh()
