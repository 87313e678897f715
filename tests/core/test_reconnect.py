"""Connection faults against a real server: every outage is survived, re-LISTENed and reported."""

from __future__ import annotations

import time

from pgtail.core.models import Phase
from tests.core.helpers import Recorder, running
from tests.harness import PgServer, TcpProxy, notify


async def _assert_back_and_listening(pg: PgServer, rec: Recorder, channel: str = "jobs") -> None:
    """The outage was reported as a gap, the listener is connected again and receiving."""
    await rec.wait(
        lambda: bool(rec.gaps) and rec.states[-1].phase is Phase.CONNECTED,
        30,
        "a gap, and connected again",
    )
    notify(pg, channel, "after the outage")
    await rec.wait(lambda: "after the outage" in rec.payloads(channel), what="a notification")
    gap = rec.gaps[-1]
    assert gap.lost_at <= gap.back_at


async def test_backend_terminated(fresh_pg: PgServer) -> None:
    async with running(fresh_pg.dsn, ["jobs", "Other One"]) as (listener, rec):
        await rec.wait_phase(Phase.CONNECTED)
        first_pid = listener.backend_pid
        assert fresh_pg.terminate_backends(application_name="pgtail") == 1
        state = await rec.wait_phase(Phase.RECONNECTING)
        assert state.attempt == 1
        assert "terminating connection" in (state.last_error or "")
        await _assert_back_and_listening(fresh_pg, rec)
        assert listener.backend_pid != first_pid
        assert listener.listening == frozenset({"jobs", "Other One"})
        notify(fresh_pg, "Other One", "also back")
        await rec.wait(lambda: "also back" in rec.payloads("Other One"), what="Other One back")


async def test_fast_server_restart(fresh_pg: PgServer) -> None:
    async with running(fresh_pg.dsn, ["jobs"]) as (_listener, rec):
        await rec.wait_phase(Phase.CONNECTED)
        notify(fresh_pg, "jobs", "before")
        await rec.wait(lambda: "before" in rec.payloads(), what="a notification")
        fresh_pg.restart()
        await _assert_back_and_listening(fresh_pg, rec)
        assert rec.payloads() == ["before", "after the outage"]


async def test_server_stopped_then_started_later(fresh_pg: PgServer) -> None:
    async with running(fresh_pg.dsn, ["jobs"]) as (_listener, rec):
        await rec.wait_phase(Phase.CONNECTED)
        fresh_pg.stop("immediate")
        await rec.wait(lambda: any(s.attempt >= 3 for s in rec.states), what="a third attempt")
        refused = [s for s in rec.states if s.phase is Phase.RECONNECTING][-1]
        assert "refused" in (refused.last_error or "").lower()
        assert refused.next_try_at is not None
        fresh_pg.start()
        await _assert_back_and_listening(fresh_pg, rec)
        assert rec.gaps[-1].seconds > 0


async def test_server_absent_at_start_appears_later(fresh_pg: PgServer) -> None:
    fresh_pg.stop()
    async with running(fresh_pg.dsn, ["jobs"]) as (_listener, rec):
        state = await rec.wait_phase(Phase.RECONNECTING)
        assert state.attempt == 1 and state.last_error
        fresh_pg.start()
        await rec.wait_phase(Phase.CONNECTED, timeout=30)
        notify(fresh_pg, "jobs", "hello")
        await rec.wait(lambda: rec.payloads() == ["hello"], what="a notification")
        assert not rec.gaps, "never connected before: nothing was lost"


async def test_connection_dropped_by_the_network(proxy: TcpProxy, fresh_pg: PgServer) -> None:
    async with running(proxy.dsn_for(fresh_pg), ["jobs"]) as (_listener, rec):
        await rec.wait_phase(Phase.CONNECTED)
        proxy.drop_all()
        await rec.wait_phase(Phase.RECONNECTING)
        await _assert_back_and_listening(fresh_pg, rec)


async def test_silently_dead_link_noticed_within_10_seconds(
    proxy: TcpProxy, fresh_pg: PgServer
) -> None:
    """A blackhole sends no RST and no FIN; only the heartbeat's deadline can notice it."""
    async with running(proxy.dsn_for(fresh_pg), ["jobs"]) as (_listener, rec):
        await rec.wait_phase(Phase.CONNECTED)
        proxy.blackhole(True)
        cut_at = time.monotonic()
        state = await rec.wait_phase(Phase.RECONNECTING, timeout=20)
        noticed_after = time.monotonic() - cut_at
        assert noticed_after < 10, noticed_after
        assert "no reply" in (state.last_error or "")
        proxy.blackhole(False)
        proxy.drop_all()  # the old, wedged connections go away when the path heals
        await _assert_back_and_listening(fresh_pg, rec)
