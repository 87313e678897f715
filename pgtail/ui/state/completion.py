"""Tab completion of a word against candidate names: complete, then show and cycle.

The first Tab extends the word to what every candidate starting with it has in common (all of
it, when only one name matches) and shows the candidates; the next Tab (Shift+Tab backwards)
steps through them, one whole name at a time. The bars complete channel names with it and show
:attr:`Completion.shown`, so an ambiguous Tab is never a silent no-op. No Textual import here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Completion:
    """The outcome of one Tab."""

    word: str
    """The word after this Tab."""
    shown: tuple[str, ...]
    """The candidates to show, sorted: every name starting with the word that was completed."""
    current: int | None = None
    """While stepping through the candidates: the index in :attr:`shown` of :attr:`word`."""

    @property
    def unique(self) -> bool:
        """Exactly one name matched: the word is that name, and nothing else could follow."""
        return len(self.shown) == 1


class Completer:
    """Remembers the last Tab's outcome, so that the next Tab on its word steps through the
    names it showed."""

    def __init__(self) -> None:
        self._last: Completion | None = None

    def reset(self) -> None:
        """The word was edited: the next Tab starts from what is typed."""
        self._last = None

    def press(self, word: str, names: Iterable[str], step: int = 1) -> Completion | None:
        """One Tab (*step* 1) or Shift+Tab (-1) on *word*; None when no name starts with it."""
        last = self._last
        if last is not None and word == last.word and len(last.shown) > 1:
            count = len(last.shown)
            if last.current is not None:
                index = (last.current + step) % count
            elif word in last.shown:
                index = (last.shown.index(word) + step) % count
            else:
                index = 0 if step > 0 else count - 1
            self._last = Completion(last.shown[index], last.shown, index)
            return self._last
        matches = tuple(sorted({name for name in names if name.startswith(word)}))
        if not matches:
            self._last = None
            return None
        # Several: extended to what they share (perhaps nothing more); the next Tab steps.
        self._last = Completion(shared_start(matches), matches)
        return self._last


def shared_start(names: tuple[str, ...]) -> str:
    """The longest start every one of the sorted *names* has (the first and last differ most)."""
    first, last = names[0], names[-1]
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]
