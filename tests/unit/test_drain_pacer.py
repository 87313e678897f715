"""Drain pacing on an injected clock: calm and flood intervals, the rows' and status' turns."""

from __future__ import annotations

import pytest

from pgtail.ui.state.drain_pacer import (
    CALM_INTERVAL,
    ROWS_INTERVAL,
    STATUS_INTERVAL,
    DrainPacer,
    Due,
)


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_the_first_drain_may_run_at_once() -> None:
    pacer = DrainPacer(fps=10, clock=Clock())
    assert pacer.wait() <= 0
    assert not pacer.flooding


def test_a_calm_drain_allows_the_next_one_after_the_calm_interval() -> None:
    clock = Clock()
    pacer = DrainPacer(fps=10, clock=clock)
    pacer.drained(lines=3, height=20)
    assert not pacer.flooding
    assert pacer.wait() == pytest.approx(CALM_INTERVAL)
    clock.advance(CALM_INTERVAL / 2)
    assert pacer.wait() == pytest.approx(CALM_INTERVAL / 2)
    clock.advance(CALM_INTERVAL / 2)
    assert pacer.wait() <= 1e-9


def test_a_drain_that_fills_the_log_spaces_drains_by_fps() -> None:
    clock = Clock()
    pacer = DrainPacer(fps=4, clock=clock)
    pacer.drained(lines=20, height=20)  # exactly the height counts as a flood
    assert pacer.flooding
    assert pacer.flood_interval == 0.25
    assert pacer.wait() == pytest.approx(0.25)
    clock.advance(0.25)
    pacer.drained(lines=1, height=20)  # the flood is over: back to the calm interval
    assert not pacer.flooding
    assert pacer.wait() == pytest.approx(CALM_INTERVAL)


def test_a_log_of_no_height_and_a_zero_fps_are_safe() -> None:
    pacer = DrainPacer(fps=0, clock=Clock())
    assert pacer.flood_interval == 1.0
    pacer.drained(lines=1, height=0)
    assert pacer.flooding
    pacer.drained(lines=0, height=0)  # a drain of only dropped-and-counted lines: not a flood
    assert not pacer.flooding


def test_rows_and_status_come_due_at_their_own_intervals() -> None:
    clock = Clock()
    pacer = DrainPacer(fps=10, clock=clock)
    assert pacer.tick() == Due(rows=True, status=True)
    assert pacer.tick() == Due(rows=False, status=False)  # reported due: counted as refreshed
    clock.advance(STATUS_INTERVAL)
    assert pacer.tick() == Due(rows=False, status=True)
    clock.advance(ROWS_INTERVAL - STATUS_INTERVAL)
    assert pacer.tick() == Due(rows=True, status=True)
    clock.advance(0.01)
    assert pacer.tick() == Due(rows=False, status=False)
