"""Toasts never sit on a border: on the main screen they show inside the log's frame, below its
top border, whether the channel list or the one-line channel strip is above the log."""

from __future__ import annotations

import pytest
from textual.widgets._toast import Toast

from tests.harness import PgServer
from tests.ui.helpers import app_for, wait_for


@pytest.mark.parametrize(
    ("size", "keys"),
    [((80, 24), ()), ((80, 24), ("s",)), ((140, 36), ()), ((140, 36), ("s",))],
    ids=["80x24 strip", "80x24 list", "140x36 list", "140x36 strip"],
)
async def test_a_toast_sits_inside_the_log_frame(
    pg: PgServer, size: tuple[int, int], keys: tuple[str, ...]
) -> None:
    app = app_for(pg.dsn, "orders")
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 1, what="listening")
        await pilot.press(*keys)
        app.notify("a toast", markup=False)
        await wait_for(
            pilot,
            lambda: bool(app.screen.query(Toast)) and app.screen.query_one(Toast).region,
            what="the toast drawn",
        )
        await pilot.pause()
        toast = app.screen.query_one(Toast).region
        log = app.log_view.region
        assert log.y < toast.y, (toast, log)  # below the log's top border
        assert toast.right <= log.right - 1, (toast, log)  # clear of its right border
