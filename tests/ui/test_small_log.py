"""The log at 80×24, 100×30 and 120×40 under Pilot, against a real server: the payload gets the
width, the channels fold into one line (s opens the list), columns are cut by cells, W wraps,
Left/Right scroll payloads sideways, and Enter opens the newest line or explains a gap."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from pgtail.core.models import Gap
from pgtail.ui.screens.detail import DetailScreen
from tests.harness import notify
from tests.ui.helpers import app_for, payloads, screen_text, wait_for
from tests.ui.payload_widths import LONG, LONG_NAME, SHORT, SIZES, shown_of
from tests.ui.toasts import spy_toasts


@pytest.mark.parametrize(("size", "least"), SIZES)
async def test_the_payload_gets_the_width(pg, size: tuple[int, int], least: int) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "orders", "jobs:insert")
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        # Enough lines that the scrollbar shows: it must not cover the … of a cut payload.
        for i in range(40):
            notify(pg, "jobs:insert" if i % 2 else "orders", f"filler {i}")
        notify(pg, "orders", LONG)
        notify(pg, "jobs:insert", SHORT)
        await wait_for(pilot, lambda: payloads(app)[-1:] == [SHORT], what="the last line")
        await wait_for(pilot, lambda: SHORT in screen_text(app), what="drawn")
        text = screen_text(app)
        count, after = shown_of(text, LONG)
        assert count >= least and after == "…", text
        assert shown_of(text, SHORT) == (16, " ")
        # The channel list is folded into one line above the log, every channel's state in it.
        assert not app.channel_list.display
        strip = text.splitlines()[0]
        assert "● orders" in strip and "● jobs:insert" in strip
        # The pid column only from 100 columns on, and the milliseconds with it.
        has_pid = str(app.log_view.lines[-1].pid) in text  # type: ignore[union-attr]
        assert has_pid == (size[0] >= 100)


async def test_a_long_channel_name_leaves_the_payload_30_columns(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "orders", "jobs:insert", LONG_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 3, what="listening")
        notify(pg, LONG_NAME, LONG)
        notify(pg, "orders", "x")
        await wait_for(pilot, lambda: payloads(app) == [LONG, "x"], what="two lines")
        await wait_for(pilot, lambda: LONG[:12] in screen_text(app), what="drawn")
        text = screen_text(app)
        count, after = shown_of(text, LONG)
        assert count >= 30 and after == "…", text
        row = next(row for row in text.splitlines() if LONG[:12] in row)
        assert "graphile_worker:jo" in row and "…  " + LONG[:12] in row  # the name cut
        # With the sender column the pid comes back, and the payload still has room.
        pid = str(app.log_view.lines[0].pid)  # type: ignore[union-attr]
        assert pid not in text
        await pilot.press("w")
        await wait_for(pilot, lambda: pid in screen_text(app), what="pid and sender columns")
        count, after = shown_of(screen_text(app), LONG)
        assert count >= 20 and after == "…"


async def test_wide_characters_never_shift_the_payload_column(pg) -> None:  # type: ignore[no-untyped-def]
    names = ["注文", "orders", "e\u0301vents", "🚀launch"]
    app = app_for(pg.dsn, *names)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 4, what="listening")
        for name in names:
            notify(pg, name, f"P:{name}:" + "注" * 60)
        await wait_for(pilot, lambda: len(payloads(app)) == 4, what="four lines")
        await wait_for(pilot, lambda: "P:🚀launch" in screen_text(app), what="drawn")
        rows = [row for row in screen_text(app).splitlines() if "P:" in row]
        assert len(rows) == 4
        columns = {cell_len(row[: row.index("P:")]) for row in rows}
        assert len(columns) == 1, rows  # every payload starts in the same cell
        ends = {cell_len(row[: row.rindex("…")]) for row in rows}
        assert len(ends) == 1 and all(cell_len(row) == 80 for row in rows), rows


async def test_s_opens_the_channel_list_for_its_keys_and_closes_it(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "orders", "jobs:insert")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        assert not app.channel_list.display and app.log_view.has_focus
        await pilot.press("s")
        await wait_for(pilot, lambda: app.channel_list.has_focus, what="the list focused")
        assert app.channel_list.display and "listening · 0" in screen_text(app)
        await pilot.press("down", "space")  # jobs:insert off, row kept
        await wait_for(pilot, lambda: "jobs:insert" not in app.channels.listening, what="off")
        await pilot.press("s")
        await wait_for(pilot, lambda: not app.channel_list.display, what="the list hidden")
        assert app.log_view.has_focus
        await wait_for(pilot, lambda: "○ jobs:insert" in screen_text(app), what="strip: off")
        # A click on the strip opens the list too.
        await pilot.click("#channel-strip")
        await wait_for(pilot, lambda: app.channel_list.display, what="opened by a click")


async def test_the_choice_holds_until_a_resize_across_the_threshold(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "orders")
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        assert app.channel_list.display
        await pilot.press("s")
        await wait_for(pilot, lambda: not app.channel_list.display, what="hidden by s")
        await pilot.resize_terminal(150, 40)
        await pilot.pause()
        assert not app.channel_list.display  # still wide: the user's choice holds
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: not app.channel_list.display, what="narrow: hidden")
        await pilot.resize_terminal(160, 40)
        await wait_for(pilot, lambda: app.channel_list.display, what="wide again: shown")


async def test_w_wraps_every_payload_under_the_payload_column(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "orders")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        notify(pg, "orders", LONG)
        notify(pg, "orders", SHORT)
        await wait_for(pilot, lambda: len(payloads(app)) == 2, what="two lines")
        await pilot.press("W")
        await wait_for(pilot, lambda: "wrapped" in screen_text(app), what="wrapped")
        rows = screen_text(app).splitlines()
        first = next(i for i, row in enumerate(rows) if LONG[:12] in row)
        x = rows[first].index(LONG[:12])
        pieces = [rows[first][x:].rstrip("│ ▁▂▃▄▅▆▇█")]
        # Continuation rows: blank up to the payload column, the payload's next cells from it.
        for row in rows[first + 1 :]:
            if row[1:x].strip():
                break  # the next line's head
            pieces.append(row[x:].rstrip("│ ▁▂▃▄▅▆▇█"))
        joined = "".join(pieces)
        assert len(pieces) >= 2 and LONG.replace(" ", "") == joined.replace(" ", ""), pieces
        assert "…" not in joined
        await pilot.press("W")
        await wait_for(pilot, lambda: "wrapped" not in screen_text(app), what="unwrapped")
        assert shown_of(screen_text(app), LONG)[1] == "…"


async def test_left_and_right_scroll_the_payload_column(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "orders")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        notify(pg, "orders", LONG)
        await wait_for(pilot, lambda: payloads(app) == [LONG], what="the line")
        await pilot.press("right")
        await wait_for(pilot, lambda: "payload →" in screen_text(app), what="scrolled")
        text = screen_text(app)
        assert LONG[:12] not in text
        row = next(row for row in text.splitlines() if "…" in row and "orders" in row)
        tail = LONG[-20:]
        await pilot.press("right", "right", "right")
        await wait_for(pilot, lambda: tail in screen_text(app), what="the payload's end")
        assert row != next(r for r in screen_text(app).splitlines() if tail in r)
        for _ in range(6):
            await pilot.press("left")
        await wait_for(pilot, lambda: LONG[:12] in screen_text(app), what="back at the start")
        assert "payload →" not in screen_text(app)


async def test_enter_opens_the_newest_line_and_explains_a_gap(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "orders")
    toasts = spy_toasts(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        notify(pg, "orders", "older")
        notify(pg, "orders", "newest")
        await wait_for(pilot, lambda: payloads(app) == ["older", "newest"], what="two lines")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail view")
        assert app.screen.notification.payload == "newest"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen), what="closed")
        # An outage line (as the listener reports one), selected, explains itself.
        app.log_view.add([Gap(lost_at=1_700_000_000.0, back_at=1_700_000_007.4)])
        await wait_for(pilot, lambda: "gap 7.4 s, " in screen_text(app), what="the gap line")
        row = next(r for r in screen_text(app).splitlines() if "gap 7.4 s" in r)
        assert row.rstrip(" │").endswith("notifications sent meanwhile are lost")
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: bool(toasts), what="the explanation")
        assert "cannot be fetched again" in toasts[-1]
        assert not isinstance(app.screen, DetailScreen)
