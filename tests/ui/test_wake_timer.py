"""WakeTimer: run once, at the earliest time asked for; never for "no need"."""

from __future__ import annotations

import math
import time

from textual.app import App

from pgtail.ui.wake_timer import WakeTimer
from tests.harness.wait import wait_for


class Ticks(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.ran: list[float] = []
        self.timer = WakeTimer(self, lambda: self.ran.append(time.monotonic()))


async def test_the_earliest_time_asked_for_wins_and_it_runs_once() -> None:
    app = Ticks()
    async with app.run_test() as pilot:
        asked = time.monotonic()
        app.timer.within(30)
        app.timer.within(0.05)
        app.timer.within(20)  # later than what is due: no change
        assert app.timer.pending
        await wait_for(pilot, lambda: app.ran, what="the timer to run")
        assert app.ran[0] - asked < 10  # the 0.05 s, not the 20 s or 30 s
        assert not app.timer.pending
        await pilot.pause(0.2)
        assert len(app.ran) == 1


async def test_now_runs_soon_and_no_need_never_runs() -> None:
    app = Ticks()
    async with app.run_test() as pilot:
        app.timer.within(math.inf)
        assert not app.timer.pending
        app.timer.within(0)
        await wait_for(pilot, lambda: app.ran, what="the timer to run")
        app.timer.within(math.inf)
        await pilot.pause(0.2)
        assert len(app.ran) == 1
