"""Per-channel rates and sparklines, and the overall rate meter, on fixed clocks."""

from __future__ import annotations

import pytest

from pgtail.ui.state.rates import BLOCKS, RATE_SECONDS, WINDOW, ChannelRates, RateMeter, sparkline

T0 = 1_700_000_000  # a whole second, so offsets below say which bucket a time falls into

# --------------------------------------------------------------------------- ChannelRates


def test_an_unknown_channel_is_all_zero() -> None:
    rates = ChannelRates()
    assert rates.per_second("nobody", now=T0) == [0] * WINDOW
    assert rates.rate("nobody", now=T0) == 0.0


def test_counts_land_in_their_own_second() -> None:
    rates = ChannelRates()
    rates.add({("a", T0): 3})
    rates.add({("a", T0): 2})  # the same second again: added to its bucket
    rates.add({("a", T0 + 1): 4, ("a", T0 + 3): 1})
    assert rates.per_second("a", now=T0 + 3.9)[-4:] == [5, 4, 0, 1]
    assert sum(rates.per_second("a", now=T0 + 3.9)) == 10


def test_seconds_may_come_in_any_order() -> None:
    rates = ChannelRates()
    rates.add({("a", T0 + 3): 1})
    rates.add({("a", T0): 4})  # a replay's batch, or a late drain
    assert rates.per_second("a", now=T0 + 3)[-4:] == [4, 0, 0, 1]


def test_channels_are_counted_apart() -> None:
    rates = ChannelRates()
    rates.add({("a", T0): 2, ("b", T0): 7})
    rates.add({("a", T0 + 1): 1})
    assert rates.per_second("a", now=T0 + 1)[-2:] == [2, 1]
    assert rates.per_second("b", now=T0 + 1)[-2:] == [7, 0]


def test_per_second_covers_the_last_window_oldest_first() -> None:
    rates = ChannelRates()
    rates.add({("a", T0): 1})
    rates.add({("a", T0 + 10): 2})
    values = rates.per_second("a", now=T0 + WINDOW - 1)
    assert len(values) == WINDOW
    assert values[0] == 1  # the oldest second still in view
    assert values[10] == 2
    later = rates.per_second("a", now=T0 + WINDOW)
    assert later[0] == 0 and sum(later) == 2  # T0 has left the window


def test_old_seconds_are_forgotten() -> None:
    rates = ChannelRates()
    for second in range(10 * WINDOW):
        rates.add({("a", T0 + second): 1})
    assert len(rates._buckets["a"]) <= 2 * WINDOW
    assert sum(rates.per_second("a", now=T0 + 10 * WINDOW - 1)) == WINDOW


def test_seconds_after_now_are_ignored() -> None:
    rates = ChannelRates()
    rates.add({("a", T0 + 10): 5})
    assert rates.per_second("a", now=T0) == [0] * WINDOW


def test_rate_averages_the_last_few_seconds() -> None:
    rates = ChannelRates()
    rates.add({("a", T0): 100})  # older than the rate's span
    for second in range(1, RATE_SECONDS + 1):
        rates.add({("a", T0 + second): 10})
    assert rates.rate("a", now=T0 + RATE_SECONDS) == pytest.approx(10.0)
    assert rates.rate("a", now=T0 + RATE_SECONDS + 2) == pytest.approx(
        10 * (RATE_SECONDS - 2) / RATE_SECONDS
    )


def test_a_burst_in_one_second_is_spread_over_the_rate_span() -> None:
    rates = ChannelRates()
    rates.add({("a", T0): 50})
    assert rates.rate("a", now=T0 + 0.5) == pytest.approx(50 / RATE_SECONDS)


def test_the_total_rate_adds_the_channels_up() -> None:
    rates = ChannelRates()
    rates.add({("a", T0): 10, ("b", T0): 5, ("b", T0 - WINDOW): 99})
    assert rates.total_rate(now=T0) == pytest.approx(15 / RATE_SECONDS)
    assert ChannelRates().total_rate(now=T0) == 0.0


# --------------------------------------------------------------------------- sparkline


def test_sparkline_of_nothing_is_empty() -> None:
    assert sparkline([], 10) == ""
    assert sparkline([1, 2, 3], 0) == ""
    assert sparkline([1, 2, 3], -1) == ""


def test_an_idle_span_is_a_flat_line() -> None:
    assert sparkline([0] * WINDOW, 20) == BLOCKS[0] * 20


def test_one_column_per_value_at_most() -> None:
    assert len(sparkline([1, 2, 3], 10)) == 3
    assert len(sparkline([0] * WINDOW, 7)) == 7


def test_scaled_to_the_highest_column() -> None:
    assert sparkline([0, 1, 7], 3) == BLOCKS[0] + BLOCKS[1] + BLOCKS[-1]
    assert sparkline([2, 4, 8], 3) == BLOCKS[2] + BLOCKS[4] + BLOCKS[-1]


def test_any_activity_shows_above_the_baseline() -> None:
    line = sparkline([1, 0, 1000], 3)
    assert line == BLOCKS[1] + BLOCKS[0] + BLOCKS[-1]


def test_columns_sum_their_slices() -> None:
    values = [0] * 60
    values[0] = 1  # first column (values 0..1)
    values[59] = 1  # last column (values 58..59)
    values[30] = values[31] = 1  # one column holding two
    line = sparkline(values, 30)
    assert len(line) == 30
    assert line[0] == line[-1] == BLOCKS[4]  # round(1 / 2 * 7) = 4
    assert line[15] == BLOCKS[-1]
    assert set(line[1:15] + line[16:29]) == {BLOCKS[0]}


def test_uneven_squeeze_covers_every_value() -> None:
    # 7 values into 3 columns: slices [0:2], [2:4], [4:7]; nothing is left out.
    assert sparkline([0, 0, 0, 0, 0, 0, 5], 3) == BLOCKS[0] * 2 + BLOCKS[-1]
    assert sparkline([5, 0, 0, 0, 0, 0, 0], 3) == BLOCKS[-1] + BLOCKS[0] * 2


# --------------------------------------------------------------------------- RateMeter


def test_the_first_sample_has_no_rate() -> None:
    assert RateMeter().sample(500, now=10.0) == 0.0


def test_a_steady_rate_is_measured_exactly() -> None:
    meter = RateMeter(window=2.0)
    rate = 0.0
    for tick in range(41):
        rate = meter.sample(100 * tick, now=tick * 0.25)
    assert rate == pytest.approx(400.0)


def test_the_rate_follows_a_change_within_about_a_window() -> None:
    meter = RateMeter(window=2.0)
    total, now = 0, 0.0
    for _ in range(20):  # 5 s at 100/s
        total, now = total + 25, now + 0.25
        meter.sample(total, now=now)
    rate = 0.0
    for _ in range(12):  # 3 s at 1000/s: more than a window
        total, now = total + 250, now + 0.25
        rate = meter.sample(total, now=now)
    assert rate == pytest.approx(1000.0)


def test_the_rate_falls_to_zero_when_nothing_arrives() -> None:
    meter = RateMeter(window=2.0)
    meter.sample(0, now=0.0)
    assert meter.sample(1000, now=1.0) == pytest.approx(1000.0)
    assert meter.sample(1000, now=5.0) == 0.0


def test_samples_at_one_instant_have_no_rate() -> None:
    meter = RateMeter()
    meter.sample(10, now=3.0)
    assert meter.sample(20, now=3.0) == 0.0
