"""Replaying at the recorded pace, on a fake clock: the waits, what comes together, the clock a
replay's rates read, and the pipe's printing at pace."""

from __future__ import annotations

import io

import pytest

from pgtail.core.models import Notification
from pgtail.core.replay_pace import Pace, paced
from pgtail.pipe.replay import print_recording
from pgtail.settings import OutputMode

T0 = 1_700_000_000.0


class FakeClock:
    """A clock that moves only when slept on (or told to)."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _notes(*offsets: float) -> list[Notification]:
    return [Notification("c", f"p{i}", 1, T0 + dt) for i, dt in enumerate(offsets)]


def _play(
    notes: list[Notification], speed: float, clock: FakeClock, chunk: int = 1000
) -> list[tuple[float, list[str]]]:
    """(clock time, payloads) of each list handed out, sleeping on *clock* as told."""
    out = []
    for step in paced(notes, Pace(speed, clock), chunk):
        if isinstance(step, list):
            out.append((round(clock.now - 100.0, 6), [n.payload for n in step]))
        else:
            assert step > 0
            clock.sleep(step)
    return out


def test_speed_one_keeps_the_gaps_and_hands_out_what_is_due_together() -> None:
    clock = FakeClock()
    got = _play(_notes(0, 0.1, 0.1, 0.3, 2.0), 1, clock)
    assert got == [(0, ["p0"]), (0.1, ["p1", "p2"]), (0.3, ["p3"]), (2.0, ["p4"])]


def test_speed_ten_is_ten_times_faster() -> None:
    clock = FakeClock()
    got = _play(_notes(0, 1, 5), 10, clock)
    assert got == [(0, ["p0"]), (0.1, ["p1"]), (0.5, ["p2"])]
    assert sum(clock.slept) == pytest.approx(0.5)


def test_speed_zero_never_waits_and_comes_in_chunks() -> None:
    clock = FakeClock()
    got = _play(_notes(*range(25)), 0, clock, chunk=10)
    assert clock.slept == []
    assert [len(payloads) for _, payloads in got] == [10, 10, 5]


def test_a_slow_consumer_catches_up_instead_of_drifting() -> None:
    clock = FakeClock()
    pace = Pace(1, clock)
    steps = paced(_notes(0, 1, 2, 3), pace)
    assert [n.payload for n in next(steps)] == ["p0"]  # type: ignore[union-attr]
    clock.now += 2.5  # handing p0 out took 2.5 s: p1 and p2 are overdue, p3 not yet
    assert [n.payload for n in next(steps)] == ["p1", "p2"]  # type: ignore[union-attr]
    assert next(steps) == pytest.approx(0.5)


def test_a_wait_that_ended_early_is_waited_out() -> None:
    clock = FakeClock()
    steps = paced(_notes(0, 1), Pace(1, clock))
    next(steps)
    assert next(steps) == pytest.approx(1.0)
    clock.now += 0.75  # woke early
    assert next(steps) == pytest.approx(0.25)
    clock.now += 0.25
    assert [n.payload for n in next(steps)] == ["p1"]  # type: ignore[union-attr]


def test_times_going_back_start_the_pace_again() -> None:
    clock = FakeClock()
    # Two recordings joined: the second starts 100 s earlier than the first ended.
    got = _play(_notes(0, 1, -99, -98.5), 1, clock)
    assert got == [(0, ["p0"]), (1, ["p1", "p2"]), (1.5, ["p3"])]


def test_recorded_now_follows_the_clock_between_lines() -> None:
    clock = FakeClock()
    pace = Pace(2, clock)
    assert pace.recorded_now() is None
    steps = paced(_notes(0, 10), pace)
    next(steps)
    assert pace.recorded_now() == T0
    clock.now += 1.5
    assert pace.recorded_now() == pytest.approx(T0 + 3.0)  # two recorded seconds a second
    instant = Pace(0, clock)
    list(paced(_notes(0, 10), instant))
    assert instant.recorded_now() == T0 + 10


@pytest.mark.parametrize("speed", [-1.0, float("nan"), float("inf")])
def test_a_speed_must_be_zero_or_more(speed: float) -> None:
    with pytest.raises(ValueError):
        Pace(speed)


def test_the_pipe_prints_each_line_when_due_flushed(tmp_path: object) -> None:
    clock = FakeClock()
    path = f"{tmp_path}/r.jsonl"
    with open(path, "w", encoding="utf-8") as file:
        for dt in (0, 0.25, 1.0):
            stamp = f"2023-11-14T22:13:{20 + dt:06.3f}+00:00"
            file.write(f'{{"time": "{stamp}", "channel": "c", "pid": 1, "payload": "{dt}"}}\n')

    class Out(io.StringIO):
        def flush(self) -> None:
            flushed.append((round(clock.now - 100.0, 6), self.getvalue().count("\n")))

    flushed: list[tuple[float, int]] = []
    out, err = Out(), io.StringIO()
    rc = print_recording(path, OutputMode.JSON, out, err, pace=Pace(1, clock), sleep=clock.sleep)
    assert rc == 0 and err.getvalue() == ""
    # One line at 0, the second 0.25 s later, the third at 1.0 s: each flushed as it is due.
    assert (0.0, 1) in flushed and (0.25, 2) in flushed and flushed[-1] == (1.0, 3)
    assert clock.slept == pytest.approx([0.25, 0.75])
