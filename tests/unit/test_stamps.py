"""How times are written (``--time``, ``T``): the clock, the time since the line before, the
date; long and short forms of fixed widths."""

from __future__ import annotations

from datetime import datetime

import pytest

from pgtail.core.stamps import WIDTHS, TimeMode, since, stamp

#: 2023-11-14 22:13:20.250 UTC; written in local time, as pgtail writes times.
T0 = 1_700_000_000.25
LOCAL = datetime.fromtimestamp(T0)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "+0.000s"),
        (0.0124, "+0.012s"),
        (0.0125, "+0.012s"),
        (9.9996, "+10.000s"),
        (59.9994, "+59.999s"),
        (59.9996, "+1m00s"),
        (63.7, "+1m03s"),
        (3599, "+59m59s"),
        (3600, "+1h00m"),
        (7500, "+2h05m"),
        (86_400 * 3 + 3600 * 4 + 59, "+3d04h"),
        (-1.5, "+0.000s"),  # a clock set back
    ],
)
def test_the_time_since(seconds: float, text: str) -> None:
    assert since(seconds) == text
    assert len(text) <= WIDTHS[TimeMode.RELATIVE][0]


def test_each_mode_in_its_long_and_short_form() -> None:
    clock = LOCAL.strftime("%H:%M:%S")
    assert stamp(TimeMode.ABSOLUTE, T0) == f"{clock}.250"
    assert stamp(TimeMode.ABSOLUTE, T0, short=True) == clock
    assert stamp(TimeMode.DATE, T0) == f"{LOCAL:%Y-%m-%d} {clock}.250"
    assert stamp(TimeMode.DATE, T0, short=True) == f"{LOCAL:%m-%d} {clock}"
    assert stamp(TimeMode.RELATIVE, T0 + 0.5, T0) == "+0.500s"
    # The first line has no line before it: its clock time (short: as wide as a time since).
    assert stamp(TimeMode.RELATIVE, T0) == f"{clock}.250"
    assert stamp(TimeMode.RELATIVE, T0, short=True) == clock
    for mode, (long, short) in WIDTHS.items():
        assert len(stamp(mode, T0, T0 - 1)) <= long and len(stamp(mode, T0, short=True)) <= short


def test_the_key_cycles_the_modes() -> None:
    mode = TimeMode.ABSOLUTE
    seen = []
    for _ in range(3):
        mode = mode.next()
        seen.append(mode)
    assert seen == [TimeMode.RELATIVE, TimeMode.DATE, TimeMode.ABSOLUTE]
