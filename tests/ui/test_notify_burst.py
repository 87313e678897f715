"""Templates and bursts typed in the NOTIFY bar, against a real server, counted by a separate
session that LISTENs (never by pgtail itself)."""

from __future__ import annotations

from textual.widgets import Label

from pgtail.core.models import Phase
from pgtail.ui.app import PgtailApp
from tests.harness import PgServer
from tests.harness.listening import MARKER, listening
from tests.ui.helpers import app_for, payloads, showing, wait_for


def _bar_error(app: PgtailApp) -> str:
    return str(app.notify_bar.query_one("#notify-error").render())


def _bar_bytes(app: PgtailApp) -> str:
    return str(app.notify_bar.query_one("#notify-bytes", Label).render())


def _type(app: PgtailApp, line: str) -> None:
    app.notify_bar.input.focus()
    app.notify_bar.input.value = line


async def test_a_burst_of_200_from_the_bar_arrives_numbered_and_history_keeps_the_template(
    pg: PgServer,
) -> None:
    app = app_for(pg.dsn, "ui:burst")
    line = 'ui:burst {"n": {n}, "m": {"k": 1}} *200'
    with listening(pg, "ui:burst") as other:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
            await pilot.press("n")
            app.notify_bar.input.value = line
            await pilot.press("enter")
            await wait_for(pilot, lambda: showing(app, "sent 200 on ui:burst"), what="the count")
            heard = other.settled(pg)
            assert heard == [f'{{"n": {n}, "m": {{"k": 1}}}}' for n in range(1, 201)]
            # pgtail's own log shows each one too, marked as sent from here.
            await wait_for(pilot, lambda: MARKER in payloads(app), what="the log has every line")
            assert payloads(app, "ui:burst") == [*heard, MARKER]
            assert app.notify_bar.input.value == ""
            await pilot.press("up")
            assert app.notify_bar.input.value == line


async def test_escape_cancels_a_slow_burst_and_reports_what_was_sent(pg: PgServer) -> None:
    app = app_for(pg.dsn, "ui:slow")
    with listening(pg, "ui:slow") as other:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
            await pilot.press("n")
            app.notify_bar.input.value = "ui:slow {n} *1000@5"
            await pilot.press("enter")
            await wait_for(pilot, lambda: other.count() >= 2, what="two of the burst")
            await wait_for(pilot, lambda: showing(app, "sending ", "/1,000 · Esc stops"))
            await pilot.press("escape")
            status = app.status_line
            await wait_for(pilot, lambda: status.burst is not None and not status.burst.running)
            assert status.burst is not None and status.burst.outcome is not None
            sent = status.burst.outcome.sent
            assert status.burst.outcome.cancelled and 2 <= sent < 1000
            heard = other.settled(pg)
            assert heard == [str(n) for n in range(1, sent + 1)]
            await wait_for(pilot, lambda: showing(app, f"cancelled after {sent} of 1,000"))
            # That Escape only cancelled; the next one goes back to the log.
            assert app.notify_bar.input.has_focus
            await pilot.press("escape")
            assert app.log_view.has_focus


async def test_a_mistake_in_a_template_or_burst_is_shown_and_nothing_is_sent(
    pg: PgServer,
) -> None:
    app = app_for(pg.dsn, "ui:bad")
    mistakes = {
        "ui:bad x *0": "*0: the count must be 1 to 10,000",
        "ui:bad x *abc": "*abc: expected a count after *",
        "ui:bad x *5@0": "@0: the rate must be more than 0",
        "ui:bad x *20000": "at most 10,000",
        'ui:bad {"id": {n}, "x": "{foo}"}': "{foo} is no placeholder",
        "ui:bad " + "y" * 7990 + "{uuid}": "payload is up to 8026 bytes",
    }
    with listening(pg, "ui:bad") as other:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
            for line, error in mistakes.items():
                _type(app, line)
                await pilot.press("enter")
                await wait_for(pilot, lambda: error in _bar_error(app), what=error)  # noqa: B023
                assert app.notify_bar.input.value == line
                assert app.status_line.burst is None
            assert other.settled(pg) == []


async def test_single_sends_expand_once_and_json_braces_are_kept(pg: PgServer) -> None:
    app = app_for(pg.dsn, "ui:one")
    sends = {
        'ui:one {"a": {"b": 1}}': '{"a": {"b": 1}}',
        'ui:one {"id": {n}, "o": {"x": {n}}}': '{"id": 1, "o": {"x": 1}}',
        "ui:one {{n}} and {{foo}}": "{n} and {foo}",
        "ui:one 2 *3 is six *1": "2 *3 is six",
    }
    with listening(pg, "ui:one") as other:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
            for line in sends:
                _type(app, line)
                await pilot.press("enter")
                await wait_for(pilot, lambda: app.notify_bar.input.value == "", what="sent")
            heard = other.settled(pg)
            assert heard == list(sends.values())
            # The byte count is that of the longest payload the line sends.
            _type(app, "ui:one {n}-{uuid} *1000")
            await wait_for(
                pilot, lambda: _bar_bytes(app).startswith("41/"), seen=lambda: _bar_bytes(app)
            )


async def test_one_burst_at_a_time_while_single_lines_still_go(pg: PgServer) -> None:
    app = app_for(pg.dsn, "ui:two")
    with listening(pg, "ui:two") as other:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, what="connected")
            _type(app, "ui:two slow {n} *1000@5")
            await pilot.press("enter")
            await wait_for(pilot, lambda: other.count() >= 1, what="the burst started")
            _type(app, "ui:two again *3")
            await pilot.press("enter")
            await wait_for(pilot, lambda: "a burst is on its way" in _bar_error(app))
            assert app.notify_bar.input.value == "ui:two again *3"
            _type(app, "ui:two single {n}")
            await pilot.press("enter")
            await wait_for(pilot, lambda: "single 1" in other.payloads, what="the single line")
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.notify_commands.burst is None, what="cancelled")
            heard = other.settled(pg)
    slow = [p for p in heard if p.startswith("slow ")]
    assert slow == [f"slow {n}" for n in range(1, len(slow) + 1)]
    assert heard.count("single 1") == 1 and "again" not in " ".join(heard)
