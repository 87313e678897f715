"""Connection faults, seen through the UI: the status line says what happens, the channels are
LISTENed again, the log shows the gap, and notifications arrive again. Errors retrying cannot fix
end on a screen the user quits from, with exit status 2."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from pgtail.core.backoff import Backoff
from pgtail.core.listener import ListenerOptions
from pgtail.core.models import Phase
from pgtail.exit_codes import EXIT_FAILED
from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import make_app
from pgtail.ui.screens.failed import FailedScreen
from tests.harness import PgBouncer, PgServer, TcpProxy, free_port, notify
from tests.harness.pgserver import TEST_PASSWORD
from tests.ui.helpers import app_for, payloads, screen_text, wait_for

CHANNELS = ("ui:fault", "Mixed Case")
SIZE = (160, 40)
#: The gap line: when the connection was lost, when it was back, and for how long.
GAP_LINE = re.compile(r"gap (\d+\.\d) s, \d\d:\d\d:\d\d → \d\d:\d\d:\d\d: notifications sent")


def _status(app: PgtailApp) -> str:
    return str(app.status_line.render())


def _rows(app: PgtailApp) -> list[tuple[str, str]]:
    return [(row.name, row.state) for row in app.channel_list.rows]


async def _assert_recovered(pilot: Pilot[int], app: PgtailApp, pg: PgServer) -> None:
    """Connected again, every channel listening, a gap line, and new notifications shown."""
    await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, 30, "connected again")
    await wait_for(pilot, lambda: "connected since" in _status(app), what="status: connected")
    await wait_for(
        pilot,
        lambda: _rows(app) == [(name, "listening") for name in CHANNELS],
        what="every channel listening again",
    )
    await wait_for(pilot, lambda: GAP_LINE.search(screen_text(app)), what="the gap line")
    for name in CHANNELS:
        notify(pg, name, f"after the outage on {name}")
    await wait_for(
        pilot,
        lambda: payloads(app)[-2:] == [f"after the outage on {name}" for name in CHANNELS],
        what="notifications after the outage",
    )


def _terminate(pg: PgServer, proxy: TcpProxy) -> None:
    assert pg.terminate_backends(application_name="pgtail") >= 1


def _restart(pg: PgServer, proxy: TcpProxy) -> None:
    pg.restart()


def _drop(pg: PgServer, proxy: TcpProxy) -> None:
    proxy.drop_all()


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (_terminate, "terminating connection"),
        (_restart, ""),  # the reason depends on timing (shutdown notice, refused, reset)
        (_drop, ""),
    ],
    ids=["backend-terminated", "fast-restart", "connection-reset"],
)
async def test_outage_is_shown_then_recovered(
    fresh_pg: PgServer,
    make_proxy: Callable[[PgServer], TcpProxy],
    fault: Callable[[PgServer, TcpProxy], None],
    reason: str,
) -> None:
    proxy = make_proxy(fresh_pg)
    # The first retry waits 1.5 s, so the reconnecting state stays on screen long enough to be
    # seen even on a loaded machine (a 0.2 s outage was missed between two screen polls).
    slow_retry = ListenerOptions(backoff=Backoff(initial=1.5, cap=2.0))
    app = app_for(proxy.dsn_for(fresh_pg), *CHANNELS, options=slow_retry)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        notify(fresh_pg, "ui:fault", "before")
        await wait_for(pilot, lambda: payloads(app) == ["before"], what="before")
        seen: list[str] = []
        fault(fresh_pg, proxy)
        await wait_for(
            pilot,
            lambda: seen.append(_status(app)) or "reconnecting (attempt" in seen[-1],
            what="reconnecting on the status line",
        )
        assert reason in seen[-1]
        await _assert_recovered(pilot, app, fresh_pg)
        assert payloads(app)[0] == "before"


async def test_server_absent_at_start_then_started(fresh_pg: PgServer) -> None:
    fresh_pg.stop()
    app = app_for(fresh_pg.dsn, *CHANNELS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "reconnecting (attempt" in _status(app), what="retrying")
        assert "refused" in _status(app).lower()
        assert _rows(app) == [(name, "pending") for name in CHANNELS]
        fresh_pg.start()
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, 30, "connected")
        await wait_for(
            pilot, lambda: _rows(app) == [(n, "listening") for n in CHANNELS], what="listening"
        )
        notify(fresh_pg, "Mixed Case", "hello")
        await wait_for(pilot, lambda: payloads(app) == ["hello"], what="hello")
        # Never connected before, so nothing was lost: no gap line.
        assert "gap:" not in screen_text(app)


async def test_silently_dead_link_is_noticed_within_10_seconds(
    fresh_pg: PgServer, make_proxy: Callable[[PgServer], TcpProxy]
) -> None:
    """A blackhole sends no RST and no FIN: only the heartbeat notices, with default timings."""
    proxy = make_proxy(fresh_pg)
    settings = Settings(dsn=proxy.dsn_for(fresh_pg), channels=CHANNELS, mode=OutputMode.TUI)
    app = make_app(settings, options=ListenerOptions(backoff=Backoff(initial=0.2, cap=0.5)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        proxy.blackhole(True)
        cut_at = time.monotonic()
        await wait_for(pilot, lambda: "reconnecting" in _status(app), 20, "reconnecting")
        noticed_after = time.monotonic() - cut_at
        print(f"blackholed link noticed by the UI after {noticed_after:.1f} s")
        assert noticed_after < 10, noticed_after
        assert "no reply from the server" in _status(app)
        proxy.blackhole(False)
        proxy.drop_all()  # the wedged connections go away when the path heals
        await _assert_recovered(pilot, app, fresh_pg)


@pytest.mark.parametrize(
    ("dsn", "reason"),
    [
        ("host=no-such-host.invalid port=5432 user=postgres connect_timeout=2", "no-such-host"),
        (f"host=127.0.0.1 port={free_port()} user=postgres", "refused"),
    ],
    ids=["unknown-host", "refused-port"],
)
async def test_unreachable_server_is_retried_with_the_reason(dsn: str, reason: str) -> None:
    app = app_for(dsn, "ui:nowhere")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.attempt >= 2, 15, "a second attempt")
        await wait_for(pilot, lambda: "reconnecting (attempt" in _status(app), what="status")
        assert reason in _status(app).lower()
        assert app.is_running and not isinstance(app.screen, FailedScreen)
        assert _rows(app) == [("ui:nowhere", "pending")]


@pytest.mark.slow
async def test_immediate_stop_then_start_ten_seconds_later(fresh_pg: PgServer) -> None:
    app = app_for(fresh_pg.dsn, *CHANNELS)
    app.listener.options.backoff = Backoff(initial=0.5, cap=2.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        fresh_pg.stop("immediate")
        await wait_for(pilot, lambda: "reconnecting (attempt" in _status(app), what="retrying")
        await pilot.pause(10)
        assert app.state.phase is Phase.RECONNECTING and app.state.attempt >= 4
        assert "refused" in _status(app).lower()
        assert _rows(app) == [(name, "pending") for name in CHANNELS]
        fresh_pg.start()
        await _assert_recovered(pilot, app, fresh_pg)
        gap_seconds = float(GAP_LINE.findall(screen_text(app))[-1])
        assert gap_seconds >= 10


# ---- errors retrying cannot fix ----------------------------------------------------------------


async def _assert_failed_screen(app: PgtailApp, *expected: str) -> str:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FailedScreen), 20, "failed screen")
        await wait_for(pilot, lambda: "Cannot listen on" in screen_text(app), what="its text")
        text = " ".join(screen_text(app).split())
        assert "Cannot listen on" in text and "Press q to quit (exit status 2)" in text
        for part in expected:
            assert part in text, text
        assert "failed:" in _status(app)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="quit")
    assert app.return_value == EXIT_FAILED
    return text


async def test_wrong_password_fails_with_a_screen(password_pg: PgServer) -> None:
    app = app_for(password_pg.conninfo(password="wrong-hunter22"), "ui:x")
    text = await _assert_failed_screen(app, "password authentication failed")
    assert "wrong-hunter22" not in text and TEST_PASSWORD not in text


async def test_missing_database_fails_with_a_screen(pg: PgServer) -> None:
    app = app_for(pg.conninfo(dbname="no_such_db"), "ui:x")
    await _assert_failed_screen(app, 'database "no_such_db" does not exist')


async def test_hot_standby_fails_with_a_screen(standby: PgServer) -> None:
    app = app_for(standby.dsn, "ui:x")
    await _assert_failed_screen(app, "standby", "connect to the primary")


# ---- the delivery check ------------------------------------------------------------------------


async def test_transaction_pooler_is_reported_as_not_delivering(
    pg: PgServer, make_pgbouncer: Callable[..., PgBouncer]
) -> None:
    bouncer = make_pgbouncer(pg, "transaction")
    app = app_for(bouncer.dsn, "ui:pooled")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.status_line.delivered is False, 20, "the check")
        status = _status(app)
        assert "NOTIFY IS NOT DELIVERED" in status and "transaction mode" in status
        await wait_for(pilot, lambda: "PgBouncer" in screen_text(app), what="the toast")
        text = " ".join(screen_text(app).split())
        assert "notifications are not delivered" in text
        assert "pool_mode=transaction" in text


async def test_direct_connection_passes_the_delivery_check(pg: PgServer) -> None:
    app = app_for(pg.dsn, "ui:direct")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.status_line.delivered is True, 20, "the check")
        assert "NOT DELIVERED" not in _status(app)
