"""Drain pacing on an injected clock: calm and flood intervals; when the status line and the
channel rows move on, and when, with nothing arriving, they have nothing new to show."""

from __future__ import annotations

import math

import pytest

from pgtail.ui.state.drain_pacer import (
    CALM_INTERVAL,
    CLOCK_INTERVAL,
    COUNTDOWN_INTERVAL,
    DrainPacer,
    next_clock,
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


def test_a_trickle_held_up_is_not_a_flood() -> None:
    """100/s while the UI was held up for 0.3 s: a log's height of lines in one drain, yet at a
    trickle's rate, so the next drain comes at the calm pace, not a flood frame later."""
    clock = Clock()
    pacer = DrainPacer(fps=4, clock=clock)
    pacer.drained(lines=3, height=20)
    clock.advance(0.3)
    pacer.drained(lines=30, height=20)
    assert not pacer.flooding
    assert pacer.wait() == pytest.approx(CALM_INTERVAL)
    clock.advance(CALM_INTERVAL)
    pacer.drained(lines=2_000, height=20)  # a flood's rate: more than a height per interval
    assert pacer.flooding
    clock.advance(0.25)
    pacer.drained(lines=12_500, height=20)  # still, over the flood interval
    assert pacer.flooding


def test_a_log_of_no_height_and_a_zero_fps_are_safe() -> None:
    pacer = DrainPacer(fps=0, clock=Clock())
    assert pacer.flood_interval == 1.0
    pacer.drained(lines=1, height=0)
    assert pacer.flooding
    pacer.drained(lines=0, height=0)  # a drain of only dropped-and-counted lines: not a flood
    assert not pacer.flooding


def test_drains_move_the_live_numbers_on_at_most_once_per_clock_interval() -> None:
    clock = Clock()
    pacer = DrainPacer(fps=10, clock=clock)
    assert pacer.clock_wait() <= 0  # never ticked: at once
    pacer.clock_ticked()
    assert pacer.clock_wait() == pytest.approx(CLOCK_INTERVAL)
    clock.advance(0.4)
    assert pacer.clock_wait() == pytest.approx(CLOCK_INTERVAL - 0.4)
    clock.advance(CLOCK_INTERVAL)
    assert pacer.clock_wait() <= 0


NOW = 1_700_000_000.0


def _next(*ages: float, every_second: bool = False, countdown: bool = False) -> float:
    return next_clock(
        [NOW - age for age in ages], every_second=every_second, countdown=countdown, now=NOW
    )


def test_nothing_ever_arrived_and_nothing_moving_means_no_tick_at_all() -> None:
    assert _next() == math.inf


def test_a_countdown_or_a_moving_rate_ticks_often() -> None:
    assert _next(countdown=True) == COUNTDOWN_INTERVAL
    assert _next(3600.0, countdown=True) == COUNTDOWN_INTERVAL
    assert _next(every_second=True) == CLOCK_INTERVAL


def test_a_channel_heard_within_the_last_minute_ticks_every_second() -> None:
    # "12s ago" and the sparkline move every second, until the sparkline is flat again.
    assert _next(0.2) == CLOCK_INTERVAL
    assert _next(60.5) == CLOCK_INTERVAL
    assert _next(7200.0, 30.0) == CLOCK_INTERVAL


def test_older_channels_tick_when_their_minutes_or_hours_turn() -> None:
    assert _next(90.0) == pytest.approx(30.0, abs=0.1)  # "1m ago" becomes "2m ago" at 120 s
    assert _next(3599.0) == pytest.approx(1.0, abs=0.1)  # "59m ago" becomes "1h ago"
    assert _next(3600.0 * 2 + 10) == pytest.approx(3590.0, abs=0.1)
    assert _next(3600.0 * 2 + 10, 150.0) == pytest.approx(30.0, abs=0.1)  # the soonest one
    # Never early: the row's own clock reads a little later than the one asked here.
    assert _next(90.0) > 30.0
