"""What pgtail is compared with: the sender alone, and a bare psycopg ``notifies()`` loop.

The baseline receiver is timed like every other one: from the first NOTIFY sent to the N-th
received, with the sender running at the same time.
"""

from __future__ import annotations

import asyncio
import time

import psycopg

from benchmarks.report import Figure, Report, rate
from benchmarks.sending import CHANNEL, CHUNK, Sender, timeout_for
from tests.harness.flood import send_flood
from tests.harness.pgserver import PgServer

__all__ = ["BASELINE", "SENDER", "SENDER_DURING_BASELINE", "measure_baseline", "measure_sender"]

SENDER = Figure("sender alone (nobody listening)")
BASELINE = Figure("raw baseline: psycopg notifies() loop")
SENDER_DURING_BASELINE = Figure("  sender during baseline")


def measure_sender(pg: PgServer, n: int, report: Report) -> float:
    start, end = send_flood(pg.dsn, CHANNEL, n, CHUNK)
    report.add(SENDER, rate(n, end - start))
    return end - start


def measure_baseline(pg: PgServer, n: int, report: Report) -> float:
    """The bare loop's time for N; the ratios of pgtail's rows are taken against it."""
    count, seconds, send_seconds = asyncio.run(_baseline(pg.dsn, n))
    report.counts["baseline"] = count
    report.add(BASELINE, rate(count, seconds), ratio="1.00x")
    report.add(SENDER_DURING_BASELINE, rate(n, send_seconds))
    return seconds


async def _baseline(conninfo: str, n: int) -> tuple[int, float, float]:
    conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
    try:
        await conn.execute(f"LISTEN {CHANNEL}")
        sender = Sender(conninfo, n)
        sender.start()
        count = 0
        async for _ in conn.notifies(timeout=timeout_for(n)):
            count += 1
            if count == n:
                break
        end = time.monotonic()
        await asyncio.to_thread(sender.finish)
        return count, end - sender.start_at, sender.seconds
    finally:
        await conn.close()
