"""The undo book on an injected clock: newest first, each action for ten seconds only."""

from __future__ import annotations

from pgtail.ui.state.undo import UNDO_SECONDS, RemovedChannel, UndoBook


class Clock:
    def __init__(self, now: float = 500.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_nothing_done_nothing_to_undo() -> None:
    book: UndoBook[str] = UndoBook(clock=Clock())
    assert book.take() is None
    assert book.pending == 0


def test_an_action_is_undoable_until_its_window_ends() -> None:
    clock = Clock()
    book: UndoBook[str] = UndoBook(clock=clock)
    book.done("clear")
    clock.now += UNDO_SECONDS - 0.01
    assert book.pending == 1
    assert book.take() == "clear"
    assert book.take() is None  # undone once only


def test_an_action_past_its_window_is_gone() -> None:
    clock = Clock()
    book: UndoBook[str] = UndoBook(clock=clock)
    book.done("clear")
    clock.now += UNDO_SECONDS
    assert book.pending == 0
    assert book.take() is None


def test_the_newest_is_undone_first_each_with_its_own_deadline() -> None:
    clock = Clock()
    book: UndoBook[RemovedChannel | str] = UndoBook(clock=clock)
    removed = RemovedChannel("orders", position=0, listening=True, filtered=False)
    book.done(removed)
    clock.now += 6
    book.done("clear")
    assert book.take() == "clear"
    assert book.take() == removed
    # Done again: the older one runs out first.
    book.done(removed)
    clock.now += 6
    book.done("clear")
    clock.now += 5
    assert book.pending == 1
    assert book.take() == "clear"
    assert book.take() is None


def test_the_window_can_be_chosen() -> None:
    clock = Clock()
    book: UndoBook[str] = UndoBook(window=2, clock=clock)
    book.done("x")
    clock.now += 2.5
    assert book.take() is None
