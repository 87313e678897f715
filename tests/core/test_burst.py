"""Bursts against a real server, counted by a separate session (not pgtail) that LISTENs."""

from __future__ import annotations

import asyncio
import time

from pgtail.core.burst import BurstOutcome, BurstRun
from pgtail.core.dsn import parse
from pgtail.core.notify_template import parse_payload
from pgtail.core.sender import Sender
from tests.harness import PgServer
from tests.harness.listening import listening
from tests.harness.wait import wait_for


class LoopPause:
    """Lets the test's event loop (where the burst runs) go on between two looks."""

    async def pause(self, delay: float | None = None) -> None:
        await asyncio.sleep(delay or 0)


async def test_a_burst_of_200_arrives_exactly_once_each_numbered_in_order(pg: PgServer) -> None:
    sender = Sender(parse(pg.dsn))
    try:
        with listening(pg, "burst:200") as other:
            run = BurstRun(sender, "burst:200", parse_payload('{"n": {n}} *200'))
            outcome = await run.run()
            heard = other.settled(pg)
    finally:
        await sender.close()
    assert outcome == BurstOutcome(sent=200, total=200, cancelled=False, error=None)
    assert heard == [f'{{"n": {n}}}' for n in range(1, 201)]


async def test_a_paced_burst_is_spread_over_time_as_the_receiver_sees_it(pg: PgServer) -> None:
    sender = Sender(parse(pg.dsn))
    await sender.connect()  # the connection's setup is not part of the pace
    try:
        with listening(pg, "burst:paced") as other:
            started = time.monotonic()
            outcome = await BurstRun(sender, "burst:paced", parse_payload("{n} *5@50")).run()
            took = time.monotonic() - started
            other.settled(pg)
    finally:
        await sender.close()
    assert outcome.sent == 5
    assert [h.payload for h in other.heard] == ["1", "2", "3", "4", "5"]
    # Four gaps of 20 ms: 80 ms from the first to the last, on the receiver's clock. A busy
    # machine may read the first late (shrinking the span) but a burst sent as fast as
    # possible takes about a millisecond, so half the span still tells them apart.
    span = other.heard[-1].at - other.heard[0].at
    assert span >= 0.040, f"5 at 50/s arrived within {span * 1000:.1f} ms"
    assert took >= 0.080 - 0.005, f"the burst took {took * 1000:.1f} ms"
    assert all(b.at >= a.at for a, b in zip(other.heard, other.heard[1:], strict=False))


async def test_cancel_stops_a_slow_burst_and_its_count_is_what_arrived(pg: PgServer) -> None:
    sender = Sender(parse(pg.dsn))
    try:
        with listening(pg, "burst:cancel") as other:
            run = BurstRun(sender, "burst:cancel", parse_payload("slow {n} *1000@5"))
            task = asyncio.create_task(run.run())
            await wait_for(LoopPause(), lambda: other.count() >= 2, 20, "two of the burst")
            await run.cancel()
            outcome = await asyncio.wait_for(task, 10)
            heard = other.settled(pg)
    finally:
        await sender.close()
    assert outcome.cancelled and outcome.error is None
    assert 2 <= outcome.sent < 1000
    assert heard == [f"slow {n}" for n in range(1, outcome.sent + 1)]


async def test_cancel_before_the_first_sends_nothing(pg: PgServer) -> None:
    sender = Sender(parse(pg.dsn))
    try:
        with listening(pg, "burst:none") as other:
            run = BurstRun(sender, "burst:none", parse_payload("x *3"))
            await run.cancel()
            outcome = await run.run()
            heard = other.settled(pg)
    finally:
        await sender.close()
    assert (outcome.sent, outcome.cancelled) == (0, True)
    assert heard == []


async def test_a_failing_notify_ends_the_burst_with_the_reason(pg: PgServer) -> None:
    started: list[int] = []
    sender = Sender(parse(pg.dsn))
    try:
        run = BurstRun(sender, "c" * 64, parse_payload("x *3"), started=lambda: started.append(1))
        outcome = await run.run()
    finally:
        await sender.close()
    assert outcome.sent == 0 and not outcome.cancelled
    assert outcome.error is not None and "63" in outcome.error
    assert started == []


async def test_a_lost_server_stops_the_burst_where_it_was(fresh_pg: PgServer) -> None:
    sender = Sender(parse(fresh_pg.dsn))
    try:
        with listening(fresh_pg, "burst:lost") as other:
            run = BurstRun(sender, "burst:lost", parse_payload("{n} *1000@20"))
            task = asyncio.create_task(run.run())
            await wait_for(LoopPause(), lambda: other.count() >= 2, 20, "two of the burst")
            fresh_pg.stop(mode="immediate")
            outcome = await asyncio.wait_for(task, 20)
    finally:
        await sender.close()
    assert outcome.error is not None and not outcome.cancelled
    assert 2 <= outcome.sent < 1000
    assert other.count() <= outcome.sent
