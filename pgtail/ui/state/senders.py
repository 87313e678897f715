"""Who sent a notification: the senders looked up so far, and the pids being asked about.

Looking a pid up costs a query on the inspector's connection, so each pid is asked about once
(until an answer or a failure). No Textual import here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pgtail.core.models import SenderInfo


class SenderBook:
    """Senders by pid (the UI's copy; the inspector caches too)."""

    def __init__(self) -> None:
        self.known: dict[int, SenderInfo] = {}
        """Senders looked up so far, by pid."""
        self._asking: set[int] = set()

    def to_ask(self, pids: Iterable[int]) -> set[int]:
        """The *pids* neither known nor being asked about; from now on they are being asked."""
        missing = set(pids) - self.known.keys() - self._asking
        self._asking |= missing
        return missing

    def found(self, senders: Mapping[int, SenderInfo]) -> None:
        self.known.update(senders)
        self._asking -= senders.keys()

    def failed(self) -> None:
        """A lookup failed: every pid not known yet may be asked about again."""
        self._asking.clear()
