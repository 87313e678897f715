"""The log's layout without Textual: cutting text by terminal cells, the column plan at 80, 100
and 120 columns, wrapped frames, the channel summary strip, the sidebar's choice and gap lines.

The cell measure is Rich's (what Textual draws with); the modules under test take it as an
argument and import neither Rich nor Textual.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len, split_graphemes

from pgtail.core.models import Gap, Notification
from pgtail.ui.state import cells
from pgtail.ui.state.channel_book import ChannelRow
from pgtail.ui.state.channel_strip import compact_count, plan_strip
from pgtail.ui.state.gap_text import duration, gap_explanation, gap_line
from pgtail.ui.state.log_columns import NARROW, channel_cap, plan_columns
from pgtail.ui.state.log_frame import frame, tail_frame, top_for_bottom
from pgtail.ui.state.log_store import LogStore, Skipped
from pgtail.ui.state.sidebar import SIDEBAR_MIN_WIDTH, SidebarChoice

G = split_graphemes

# ---- cells --------------------------------------------------------------------------------------

#: Text whose characters are not one cell each: CJK (2), emoji (2, also with VS16), combining
#: marks (0), and a mix.
WIDE = ["注文の確認とお支払い", "👍🎉🚀✨💥🔥", "❤️❤️❤️❤️", "e\u0301" * 12, "ab注文cd👍e\u0301f"]


@pytest.mark.parametrize("text", WIDE)
@pytest.mark.parametrize("width", range(1, 14))
def test_cut_fits_the_width_in_cells_and_marks_the_cut(text: str, width: int) -> None:
    shown = cells.cut(text, width, G)
    assert cell_len(shown) <= width
    if cell_len(text) <= width:
        assert shown == text
    else:
        assert shown.endswith("…")
        assert text.startswith(shown[:-1])  # cut between graphemes, nothing altered
        assert cell_len(shown) >= width - 1  # at most one cell lost to a wide character
        # A combining mark never loses its letter, nor goes to the ellipsis.
        assert not shown[-1:].startswith("\u0301") and "…\u0301" not in shown


@pytest.mark.parametrize("text", WIDE)
@pytest.mark.parametrize("width", range(1, 14))
def test_fit_is_exactly_the_width(text: str, width: int) -> None:
    assert cell_len(cells.fit(text, width, G)) == width


def test_ascii_is_cut_by_slicing_and_the_cut_shows() -> None:
    assert cells.cut('{"id": 5001}', 10, G) == '{"id": 50…'
    assert cells.cut('{"id": 5001}', 12, G) == '{"id": 5001}'
    assert cells.cut("x", 0, G) == ""
    assert cells.cell_width("abc", G) == 3
    assert cells.cell_width("注文", G) == 4


def test_a_long_payload_is_measured_only_as_far_as_shown() -> None:
    calls: list[int] = []

    def counting(text: str) -> tuple[list[cells.Span], int]:
        calls.append(len(text))
        return G(text)

    cells.cut("注" * 4000, 50, counting)
    assert max(calls) < 1000


@pytest.mark.parametrize("text", ["0123456789" * 3, "注文の確認とお支払いをお願い", "a注b文c" * 5])
@pytest.mark.parametrize("start", [1, 2, 3, 7])
def test_window_keeps_every_cell_in_its_column(text: str, start: int) -> None:
    shown = cells.window(text, start, 10, G)
    assert shown.startswith("…") and cell_len(shown) <= 10
    body = shown[1:].removesuffix("…")
    pad = len(body) - len(body.lstrip(" "))  # a wide character cut by the left edge
    body = body[pad:]
    # The first cell shown after the mark is the text's cell start + 1 + pad: every cell of a
    # scrolled line sits in the same column as in any other line scrolled as far.
    index = next(i for i in range(len(text) + 1) if cell_len(text[:i]) >= start + 1 + pad)
    assert cell_len(text[:index]) == start + 1 + pad
    assert text[index:].startswith(body) and body


def test_window_at_zero_is_a_cut_and_past_the_end_is_a_mark() -> None:
    assert cells.window("abcdef", 0, 4, G) == "abc…"
    assert cells.window("abcdefgh", 2, 4, G) == "…de…"
    assert cells.window("abc", 5, 4, G) == "…"
    assert cells.window("", 5, 4, G) == ""


@pytest.mark.parametrize("text", ["x" * 25, *WIDE, ""])
def test_chop_rows_fit_and_hold_the_whole_text(text: str) -> None:
    rows = cells.chop(text, 7, G)
    assert "".join(rows) == text
    assert all(cell_len(row) <= 7 for row in rows)
    assert all(cell_len(row) >= 6 for row in rows[:-1])  # only a wide character wastes a cell


# ---- columns ------------------------------------------------------------------------------------


def test_the_channel_column_cap_is_a_quarter_of_the_log() -> None:
    assert channel_cap(77) == 20
    assert channel_cap(97) == 25
    assert channel_cap(20) == 10
    assert channel_cap(400) == 32


@pytest.mark.parametrize(
    ("width", "need", "senders", "least"),
    [
        # 80 columns: the log is 77 cells inside its border and scrollbar.
        (77, len("jobs:insert"), False, 50),
        (77, len("graphile_worker:jobs:insert:high_priority"), False, 30),
        (77, len("jobs:insert"), True, 25),
        # 100 and 120 columns, the channel list collapsed.
        (97, len("jobs:insert"), False, 60),
        (117, len("jobs:insert"), False, 75),
    ],
)
def test_the_payload_gets_the_width(width: int, need: int, senders: bool, least: int) -> None:
    columns = plan_columns(width, need, senders)
    assert columns.payload >= least
    assert columns.payload_x + columns.payload == width


def test_narrow_logs_drop_the_pid_and_the_milliseconds_unless_senders_are_asked_for() -> None:
    narrow = plan_columns(NARROW - 1, 6)
    assert (narrow.time, narrow.pid, narrow.sender) == (8, 0, 0)
    assert narrow.payload_x == 8 + 2 + 6 + 2
    with_senders = plan_columns(NARROW - 1, 6, senders=True)
    assert with_senders.pid == 7 and with_senders.sender == 12
    wide = plan_columns(NARROW, 6)
    assert (wide.time, wide.pid, wide.sender) == (12, 7, 0)
    assert plan_columns(NARROW, 6, senders=True).sender == 16


def test_the_channel_column_gives_way_on_a_very_narrow_log() -> None:
    columns = plan_columns(40, 41)
    assert columns.payload >= 12 and columns.channel >= 4
    assert plan_columns(10, 41).payload >= 1


# ---- frames -------------------------------------------------------------------------------------

HEIGHTS = [1, 3, 1, 5, 2]


def height_of(index: int) -> int:
    return HEIGHTS[index]


def test_frames_of_wrapped_lines() -> None:
    assert frame(1, 5, 5, height_of) == [(1, 0), (1, 1), (1, 2), (2, 0), (3, 0)]
    assert frame(4, 5, 5, height_of) == [(4, 0), (4, 1)]
    assert top_for_bottom(4, 7, height_of) == 3  # 5 + 2 rows
    assert top_for_bottom(4, 6, height_of) == 4  # line 3 does not fit whole
    assert top_for_bottom(3, 3, height_of) == 3  # taller than the view: it is the top


def test_the_tail_frame_ends_with_the_newest_row() -> None:
    assert tail_frame(4, 4, height_of) == [(3, 3), (3, 4), (4, 0), (4, 1)]
    assert tail_frame(2, 10, height_of) == [(0, 0), (1, 0), (1, 1), (1, 2), (2, 0)]
    # A newest line taller than the view shows its head (time and channel).
    assert tail_frame(3, 2, height_of) == [(3, 0), (3, 1)]
    assert tail_frame(-1, 5, height_of) == []


# ---- the channel strip --------------------------------------------------------------------------


def _rows(*names: str, state: str = "listening") -> list[ChannelRow]:
    return [ChannelRow(name, state, 12) for name in names]  # type: ignore[arg-type]


def test_the_strip_shows_every_name_when_they_fit() -> None:
    layout = plan_strip(_rows("orders", "jobs:insert"), 78, G)
    assert [e.name for e in layout.entries] == ["orders", "jobs:insert"]
    assert layout.rest == [] and layout.cells == len("● orders 12  ● jobs:insert 12")


def test_the_strip_cuts_names_before_leaving_a_channel_out() -> None:
    rows = _rows("graphile_worker:jobs:insert:high_priority", "orders", "注文の確認とお支払い")
    layout = plan_strip(rows, 50, G)
    assert len(layout.entries) == 3 and layout.cells <= 50
    assert layout.entries[0].name.endswith("…")
    assert layout.entries[1].name == "orders"


def test_channels_that_do_not_fit_are_counted_by_state() -> None:
    rows = _rows(*(f"channel_{i}" for i in range(10))) + _rows("x", "y", state="off")
    layout = plan_strip(rows, 60, G)
    assert layout.cells <= 60 and layout.rest
    left_out = sum(n for _, n in layout.rest)
    assert len(layout.entries) + left_out == 12
    assert layout.rest_text.startswith(f"+{left_out} ")
    assert "○2" in layout.rest_text  # both channels that are off are among those left out


def test_strip_names_are_escaped_and_counts_compact() -> None:
    layout = plan_strip(_rows("ev\x1b]0;x\x07"), 78, G)
    assert layout.entries[0].name == "ev\\x1b]0;x\\x07"
    assert [compact_count(n) for n in (7, 9_999, 12_345, 3_400_000)] == [
        "7",
        "9,999",
        "12k",
        "3.4M",
    ]


# ---- the sidebar's choice -----------------------------------------------------------------------


def test_the_width_decides_until_the_user_does_until_a_resize_across_the_threshold() -> None:
    choice = SidebarChoice(80)
    assert not choice.shown
    assert choice.toggle() is True  # s: the list opens
    assert choice.resized(100) is True  # the user's choice holds while still narrow
    assert choice.resized(SIDEBAR_MIN_WIDTH) is True  # across: the width decides (wide: shown)
    assert choice.toggle() is False
    assert choice.resized(SIDEBAR_MIN_WIDTH + 20) is False
    assert choice.resized(120) is False  # across again: narrow, hidden
    assert SidebarChoice(SIDEBAR_MIN_WIDTH).shown


# ---- the store ----------------------------------------------------------------------------------


def _n(channel: str, payload: str) -> Notification:
    return Notification(channel, payload, 1, 0.0)


def test_the_store_keeps_the_scrollback_and_filters() -> None:
    store = LogStore(scrollback=3)
    shown, trimmed = store.add([_n("a", "1"), _n("b", "2")])
    assert len(shown) == 2 and trimmed == 0
    shown, trimmed = store.add([_n("a", "3"), Skipped(4)])
    assert trimmed == 1 and len(store.all) == 3 and store.view is store.all
    store.set_filters("a", None)
    assert [getattr(line, "payload", None) for line in store.view] == ["3", None]
    shown, _ = store.add([_n("b", "5"), _n("a", "6")])
    assert [line.payload for line in shown] == ["6"]  # type: ignore[union-attr]
    store.clear()
    assert store.all == [] and store.view == [] and store.filtered
    store.set_filters(None, None)
    assert store.view is store.all


# ---- gaps ---------------------------------------------------------------------------------------


def test_the_gap_line_says_the_facts_first_and_fits_80_columns() -> None:
    gap = Gap(lost_at=1_700_000_000.0, back_at=1_700_000_007.4)
    line = gap_line(gap)
    assert line.startswith("gap 7.4 s, ") and " → " in line
    assert line.endswith(": notifications sent meanwhile are lost")
    assert cell_len(line) <= 77
    long = gap_line(Gap(lost_at=1_700_000_000.0, back_at=1_700_000_000.0 + 3 * 3600 + 125))
    assert long.startswith("gap 3 h 02 min, ") and cell_len(long) <= 77
    assert "cannot be fetched again" in gap_explanation(gap)
    assert [duration(s) for s in (0.04, 59.94, 192, 7500)] == [
        "0.0 s",
        "59.9 s",
        "3 min 12 s",
        "2 h 05 min",
    ]
