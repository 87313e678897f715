"""Copy as SQL in the UI under Pilot: Y on the selected line and in the detail view copies the
statement, and pasting it into psql sends the same payload again."""

from __future__ import annotations

from pgtail.core.models import Notification
from pgtail.core.notify_sql import notify_statement
from pgtail.ui.screens.detail import DetailScreen
from tests.core.test_notify_sql import paste_into_psql
from tests.harness import PgServer, notify
from tests.ui.helpers import app_for, payloads, wait_for

PAYLOAD = '{"note": "it\'s\\n\\\\ \u00e9"}\nsecond line\t\x1b[1m'


async def test_y_copies_the_statement_that_sends_it_again(pg: PgServer) -> None:
    app = app_for(pg.dsn, "ui:sql")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "ui:sql" in app.channels.listening, what="listening")
        notify(pg, "ui:sql", PAYLOAD)
        await wait_for(pilot, lambda: payloads(app) == [PAYLOAD], what="the line")
        app.log_view.focus()
        # Nothing selected yet: nothing is copied.
        await pilot.press("Y")
        assert app.clipboard == ""
        await pilot.press("up", "Y")
        chosen = app.log_view.chosen
        assert isinstance(chosen, Notification)
        expected = notify_statement(chosen)
        assert app.clipboard == expected
        assert expected.startswith("SELECT pg_notify('ui:sql', E'{\"note\": \"it\\'s\\\\n")
        # The same from the detail view.
        app.copy_to_clipboard("")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        await pilot.press("Y")
        assert app.clipboard == expected
        await pilot.press("escape")
        # Pasted into psql, it comes back exactly.
        paste_into_psql(pg, app.clipboard)
        await wait_for(pilot, lambda: payloads(app) == [PAYLOAD, PAYLOAD], what="sent again")
