"""The tests' wait helpers: they return as soon as the condition holds, take one last look after
the deadline, and fail naming what was awaited and what was seen."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from textual.app import App

from tests.harness.wait import wait_for, wait_until

# --------------------------------------------------------------------------- wait_until


def test_returns_the_conditions_value() -> None:
    assert wait_until(lambda: [1, 2], what="a list") == [1, 2]


def test_waits_for_another_thread() -> None:
    done = threading.Event()
    timer = threading.Timer(0.05, done.set)
    timer.start()
    try:
        assert wait_until(done.is_set, what="the timer thread")
    finally:
        timer.cancel()


def test_waits_for_a_subprocess() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        assert wait_until(lambda: proc.poll() is not None, what="the child to exit")
        assert proc.returncode == 0
    finally:
        proc.kill()
        proc.wait()


def test_a_timeout_names_what_was_awaited_and_what_was_seen() -> None:
    started = time.monotonic()
    with pytest.raises(AssertionError) as failure:
        wait_until(lambda: False, timeout=0.05, what="the moon", seen=lambda: {"sky": "cloudy"})
    assert time.monotonic() - started >= 0.05
    assert str(failure.value) == (
        "timed out after 0.05 s waiting for the moon; seen: {'sky': 'cloudy'}"
    )


def test_a_state_of_several_lines_starts_on_its_own_line() -> None:
    with pytest.raises(AssertionError, match=r"waiting for rows; seen:\nrow 1\nrow 2$"):
        wait_until(lambda: False, timeout=0, what="rows", seen=lambda: "row 1\nrow 2")


def test_without_a_description_the_condition_is_named() -> None:
    def server_ready() -> bool:
        return False

    with pytest.raises(AssertionError, match=r"waiting for .*server_ready$"):
        wait_until(server_ready, timeout=0)


def test_a_failing_description_does_not_hide_the_timeout() -> None:
    def broken() -> str:
        raise RuntimeError("gone")

    with pytest.raises(AssertionError, match=r"waiting for x; seen: \(describing it failed: "):
        wait_until(lambda: False, timeout=0, what="x", seen=broken)


def test_one_last_look_after_the_deadline() -> None:
    """A machine too busy to look before the deadline still gets to see the condition hold."""
    looks: list[float] = []

    def slow_then_true() -> bool:
        looks.append(time.monotonic())
        if len(looks) == 1:
            time.sleep(0.1)  # busy past the deadline
            return False
        return True

    assert wait_until(slow_then_true, timeout=0.05, what="the second look")
    assert len(looks) == 2


def test_a_zero_timeout_still_looks_once() -> None:
    assert wait_until(lambda: "yes", timeout=0, what="an answer") == "yes"


# --------------------------------------------------------------------------- wait_for (Pilot)


class _CountingPilot:
    """Stands in for Pilot where only the number of pauses matters."""

    def __init__(self) -> None:
        self.pauses: list[float | None] = []

    async def pause(self, delay: float | None = None) -> None:
        self.pauses.append(delay)


async def test_wait_for_pauses_the_pilot_between_looks() -> None:
    pilot = _CountingPilot()
    result = await wait_for(pilot, lambda: len(pilot.pauses) >= 3 and "ready", what="3 pauses")
    assert result == "ready"
    assert pilot.pauses == [0.02, 0.02, 0.02]


async def test_wait_for_times_out_with_what_and_seen() -> None:
    pilot = _CountingPilot()
    with pytest.raises(AssertionError) as failure:
        await wait_for(
            pilot, lambda: False, 0.05, what="a row", seen=lambda: f"{len(pilot.pauses)} pauses"
        )
    assert str(failure.value).startswith("timed out after 0.05 s waiting for a row; seen: ")
    assert str(failure.value).endswith(" pauses")


class _Flipping(App[None]):
    flipped = False

    def on_mount(self) -> None:
        self.set_timer(0.05, self._flip)

    def _flip(self) -> None:
        self.flipped = True


async def test_wait_for_lets_a_real_app_run() -> None:
    app = _Flipping()
    async with app.run_test() as pilot:
        assert await wait_for(pilot, lambda: app.flipped, what="the app's timer to fire")
