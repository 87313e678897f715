"""JSON fields as columns (``C``, ``--columns``) and the time key (``T``, ``--time``) under Pilot,
against a real server: picked from the selected payload, drawn between the channel and the rest
of the payload, and times cycled while the detail view keeps the full ISO time."""

from __future__ import annotations

import re

import psycopg
from textual.widgets import OptionList

from pgtail.core.field_paths import parse_fields
from pgtail.core.stamps import TimeMode, since
from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import make_app
from pgtail.ui.screens.columns import ColumnsScreen
from pgtail.ui.screens.detail import DetailScreen
from tests.harness import notify
from tests.ui.helpers import FAST, app_for, payloads, screen_text, showing, wait_for
from tests.ui.toasts import spy_toasts

SENT = [
    ("ct:orders", '{"id": 1040, "status": "new", "user": {"name": "alice"}, "total": 10.50}'),
    ("ct:orders", "paid, but not JSON"),
    ("ct:orders", '{"id": 1041, "status": "paid", "user": {"name": "bob"}, "total": 7}'),
]


def _send_all(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for channel, payload in SENT:
            conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))


def _log_rows(app: PgtailApp) -> list[str]:
    """The text of each row the log draws now."""
    log = app.log_view
    return [
        "".join(segment.text for segment in log.render_line(y)).rstrip()
        for y in range(min(len(log.lines), log.scrollable_content_region.height))
    ]


def _row_with(app: PgtailApp, text: str) -> str:
    return next((row for row in _log_rows(app) if text in row), "")


async def test_c_picks_fields_from_the_selected_payload(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ct:orders")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        _send_all(pg.dsn)
        await wait_for(pilot, lambda: len(payloads(app)) == 3, what="three lines")
        await pilot.press("up", "C")  # the newest line, then its fields
        await wait_for(pilot, lambda: showing(app, ".user.name  bob"), what="the picker")
        options = app.screen.query_one(OptionList)
        listed = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert listed == ["  .id  1041", "  .status  paid", "  .user.name  bob", "  .total  7"]
        await pilot.press("down", "space", "down", "enter")  # .status, then .user.name
        await wait_for(pilot, lambda: "✓ .user.name  bob" in screen_text(app), what="ticked")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ColumnsScreen), what="closed")
        assert [f.text for f in app.log_view.canvas.fields] == [".status", ".user.name"]
        # Between the channel and the payload, which shows the rest.
        row = await wait_for(pilot, lambda: _row_with(app, '{"id": 1040'), what="redrawn")
        time, rest = r"\d\d:\d\d:\d\d\.\d{3}", re.escape('{"id": 1040, "total": 10.50}')
        # Each column as wide as its widest value: "paid", "alice".
        assert re.fullmatch(rf"{time}  ct:orders  +\d+  new   alice  {rest}", row), row
        # Not JSON: empty columns, the whole payload.
        row = _row_with(app, "paid, but not JSON")
        assert re.search(r"ct:orders  +\d+ {15}paid, but not JSON$", row), row
        assert "log · all channels · .status .user.name" in screen_text(app)

        # Untick one, from a payload that lacks neither: .status goes, the payload gets it back.
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ColumnsScreen), what="picker again")
        await pilot.press("space", "escape")
        await wait_for(pilot, lambda: _row_with(app, '"status": "paid"'), what=".status back")
        assert [f.text for f in app.log_view.canvas.fields] == [".user.name"]


async def test_columns_from_settings_and_a_non_json_selection(pg) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        dsn=pg.dsn, channels=("ct:orders",), mode=OutputMode.TUI, columns=parse_fields(".id")
    )
    app = make_app(settings, options=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        _send_all(pg.dsn)
        await wait_for(pilot, lambda: len(payloads(app)) == 3, what="three lines")
        row = await wait_for(pilot, lambda: _row_with(app, "1041"), what="the id column")
        # 80 columns: no pid, the short time, the rest cut to the 50 cells left.
        rest = re.escape('{"status": "paid", "user": {"name": "bob"}, "total…')
        assert re.fullmatch(rf"\d\d:\d\d:\d\d  ct:orders  1041  {rest}", row), row
        # The picker lists the columns shown even for a payload that is not JSON, to untick.
        await pilot.press("up", "up", "C")
        await wait_for(pilot, lambda: isinstance(app.screen, ColumnsScreen), what="the picker")
        text = await wait_for(pilot, lambda: showing(app, "is not JSON"), what="the note")
        assert "✓ .id  (not in this payload)" in text
        await pilot.press("enter", "escape")
        await wait_for(pilot, lambda: not app.log_view.canvas.fields, what="no columns")
        await wait_for(pilot, lambda: _row_with(app, '{"id": 1041'), what="whole payloads")
        # With no columns and no JSON selected there is nothing to pick from: it says so.
        toasts = spy_toasts(app)
        await pilot.press("C")
        await wait_for(pilot, lambda: "select a JSON payload first (Up, Down)" in toasts)
        assert not isinstance(app.screen, ColumnsScreen)


async def test_t_cycles_the_time_and_the_detail_view_keeps_iso(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ct:orders")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        _send_all(pg.dsn)
        await wait_for(pilot, lambda: len(payloads(app)) == 3, what="three lines")

        def times() -> list[str]:
            return [row.split("  ")[0] for row in _log_rows(app)]

        assert all(re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}", t) for t in times()), times()
        toasts = spy_toasts(app)
        await pilot.press("T")
        await wait_for(pilot, lambda: times()[1].startswith("+"), what="relative times")
        first, *rest = times()
        assert re.fullmatch(r"\d\d:\d\d:\d\d", first), first  # the anchor
        assert all(re.fullmatch(r"\+\d+\.\d{3}s", t) for t in rest), rest
        assert toasts == ["time: since the line before"]
        await pilot.press("T")
        await wait_for(pilot, lambda: times()[0].count("-") == 2, what="dates")
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}", t) for t in times())
        # The detail view always has the full ISO time, with its zone.
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        await wait_for(
            pilot,
            lambda: re.search(
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", screen_text(app)
            ),
            what="the ISO time",
        )
        await pilot.press("escape", "T")
        await wait_for(pilot, lambda: app.log_view.canvas.time is TimeMode.ABSOLUTE, what="back")
        await wait_for(pilot, lambda: re.fullmatch(r"[\d:.]{12}", times()[0]), what="the clock")


async def test_relative_times_follow_the_view(pg) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        dsn=pg.dsn, channels=("ct:orders",), mode=OutputMode.TUI, time=TimeMode.RELATIVE
    )
    app = make_app(settings, options=FAST)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        for count, (channel, payload) in enumerate(SENT, 1):  # one at a time: times differ
            notify(pg, channel, payload)
            await wait_for(pilot, lambda: len(payloads(app)) == count, what=f"line {count}")  # noqa: B023
        await pilot.press("slash", *"has .id", "enter")
        await wait_for(pilot, lambda: len(payloads(app)) == 2, what="filtered")
        # The second JSON line's time is since the line before it in the view, the first.
        first, second = (line.received for line in app.log_view.lines)  # type: ignore[union-attr]
        await wait_for(
            pilot, lambda: _log_rows(app)[1].startswith(since(second - first) + " "), what="since"
        )
