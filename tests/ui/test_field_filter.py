"""Field filters in the UI under Pilot against a real server: typed in the filter bar, given with
--filter, errors that keep the last filter, and matches marked in the log."""

from __future__ import annotations

import psycopg

from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import make_app
from tests.harness import notify
from tests.ui.helpers import FAST, app_for, payloads, screen_text, wait_for

SENT = [
    ("ff:orders", '{"id": 1040, "status": "new"}'),
    ("ff:orders", '{"id": 1041, "status": "paid"}'),
    ("ff:jobs", '{"id": 1042, "status": "paid", "user": {"name": "alice"}}'),
    ("ff:orders", "paid, but not JSON"),
    ("ff:orders", '{"id": "1043", "status": "paid", "error": null}'),
]


def _send_all(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for channel, payload in SENT:
            conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))


def _marked(app: PgtailApp) -> list[str]:
    """The text of every reverse-video (marked) segment the log draws."""
    log = app.log_view
    texts = []
    for y in range(log.scrollable_content_region.height):
        for segment in log.render_line(y):
            if segment.style is not None and segment.style.reverse:
                texts.append(segment.text)
    return texts


async def test_a_field_filter_typed_in_the_filter_bar(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ff:orders", "ff:jobs")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        _send_all(pg.dsn)
        await wait_for(pilot, lambda: len(payloads(app)) == 5, what="five lines")
        await pilot.press("slash", *".status = paid and .id > 1040")
        await wait_for(pilot, lambda: len(payloads(app)) == 2, what="field filter")
        assert payloads(app) == [SENT[1][1], SENT[2][1]]
        assert "filter .status = paid and .id > 1040" in screen_text(app)
        # The fields' keys are marked on each shown line.
        assert _marked(app) == ['"id"', '"status"'] * 2
        # Half-typed, the expression is an error with its column; the last filter stays.
        app.filter_bar.input.value = ".status = paid and .id >"
        await wait_for(
            pilot,
            lambda: "column 25: expected a value after >" in screen_text(app),
            what="the error",
        )
        assert payloads(app) == [SENT[1][1], SENT[2][1]]
        # Text, channels and fields combine; a bare number also matches it as text.
        app.filter_bar.input.value = "channel = ff:orders and (.id = 1043 or JSON)"
        combined = [SENT[3][1], SENT[4][1]]
        await wait_for(pilot, lambda: payloads(app) == combined, what="combined")
        assert "column" not in screen_text(app)
        assert _marked(app) == ["JSON", '"id"']
        # New lines are filtered as they come.
        notify(pg, "ff:orders", '{"id": 1043}')
        notify(pg, "ff:jobs", '{"id": 1043}')
        await wait_for(pilot, lambda: len(payloads(app)) == 3, what="live")
        assert payloads(app)[-1] == '{"id": 1043}'
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.log_view.has_focus, what="back to the log")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(payloads(app)) == 7, what="cleared")
        assert _marked(app) == []


async def test_text_and_regex_matches_are_marked(pg) -> None:  # type: ignore[no-untyped-def]
    app = app_for(pg.dsn, "ff:orders", "ff:jobs")
    async with app.run_test(size=(140, 30)) as pilot:  # wide enough for the whole payload
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        _send_all(pg.dsn)
        await wait_for(pilot, lambda: len(payloads(app)) == 5, what="five lines")
        await pilot.press("slash", *"/al.ce|ff:j/", "enter")
        await wait_for(pilot, lambda: len(payloads(app)) == 1, what="regex")
        # In the channel column and in the payload.
        assert _marked(app) == ["ff:j", "alice"]


async def test_filter_option_starts_the_ui_filtered(pg) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        dsn=pg.dsn,
        channels=("ff:orders", "ff:jobs"),
        mode=OutputMode.TUI,
        filter='has .user or .status = "new"',
    )
    app = make_app(settings, options=FAST)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        _send_all(pg.dsn)
        await wait_for(pilot, lambda: app.channels.total == 5, what="all received")
        await wait_for(pilot, lambda: len(payloads(app)) == 2, what="filtered")
        assert payloads(app) == [SENT[0][1], SENT[2][1]]
        assert 'filter has .user or .status = "new"' in screen_text(app)
        # The bar opens on the filter's text; Escape clears it.
        await pilot.press("slash")
        assert app.filter_bar.input.value == 'has .user or .status = "new"'
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(payloads(app)) == 5, what="cleared")
