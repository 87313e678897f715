"""The delivery check: after each connect pgtail proves a NOTIFY reaches its session."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from pgtail.core.dsn import parse
from pgtail.core.listener import Listener
from pgtail.core.models import DeliveryChecked, Phase
from pgtail.core.sender import Sender
from tests.core.helpers import FAST, Recorder
from tests.harness import PgBouncer, PgServer, notify


async def _checks(dsn: str, rec: Recorder, count: int = 1) -> list[DeliveryChecked]:
    sender = Sender(parse(dsn))
    listener = Listener(parse(dsn), ["jobs"], rec, FAST, probe=sender.notify)
    task = asyncio.create_task(listener.run())
    try:
        await rec.wait(
            lambda: sum(isinstance(e, DeliveryChecked) for e in rec.events) >= count,
            20,
            f"{count} delivery check(s)",
        )
    finally:
        listener.stop()
        await task
        await sender.close()
    return [e for e in rec.events if isinstance(e, DeliveryChecked)]


async def test_direct_connection_passes(pg: PgServer) -> None:
    rec = Recorder()
    checks = await _checks(pg.dsn, rec)
    assert checks[0].ok
    # The private channel never shows up as a notification.
    assert rec.notifications == []


async def test_transaction_pooler_is_named_as_the_cause(
    pg: PgServer, make_pgbouncer: Callable[..., PgBouncer]
) -> None:
    bouncer = make_pgbouncer(pg, "transaction")
    rec = Recorder()
    checks = await _checks(bouncer.dsn, rec)
    assert not checks[0].ok
    assert "PgBouncer" in checks[0].detail and "transaction" in checks[0].detail
    assert any(s.phase is Phase.CONNECTED for s in rec.states)


async def test_session_pooler_passes(
    pg: PgServer, make_pgbouncer: Callable[..., PgBouncer]
) -> None:
    bouncer = make_pgbouncer(pg, "session")
    rec = Recorder()
    checks = await _checks(bouncer.dsn, rec)
    assert checks[0].ok, checks[0].detail


async def test_check_runs_again_after_a_reconnect(fresh_pg: PgServer) -> None:
    rec = Recorder()
    sender = Sender(parse(fresh_pg.dsn))
    listener = Listener(parse(fresh_pg.dsn), ["jobs"], rec, FAST, probe=sender.notify)
    task = asyncio.create_task(listener.run())
    try:
        await rec.wait(
            lambda: any(isinstance(e, DeliveryChecked) for e in rec.events), what="the check"
        )
        fresh_pg.terminate_backends(application_name="pgtail")
        await rec.wait(
            lambda: sum(isinstance(e, DeliveryChecked) for e in rec.events) >= 2,
            20,
            "a second check, after the reconnect",
        )
        notify(fresh_pg, "jobs", "still here")
        await rec.wait(lambda: rec.payloads() == ["still here"], what="a notification")
    finally:
        listener.stop()
        await task
        await sender.close()
    assert all(e.ok for e in rec.events if isinstance(e, DeliveryChecked))
