"""The demo's database: a small shop schema whose triggers NOTIFY, and a traffic generator.

The notifications come from triggers calling ``pg_notify`` with JSON built by the server, as
they do in real applications, rather than from a script calling NOTIFY directly, on the
channels of :mod:`pgtail.demo.channels`.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Callable

import psycopg

from pgtail.demo.channels import CHANNELS
from pgtail.demo.processes import ServerError

__all__ = ["CHANNELS", "SCHEMA", "TrafficGenerator", "create_schema", "stop_quietly"]

SCHEMA = """
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer text NOT NULL,
    total numeric(10, 2) NOT NULL,
    status text NOT NULL DEFAULT 'new',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    queue text NOT NULL,
    kind text NOT NULL,
    args jsonb NOT NULL DEFAULT '{}',
    state text NOT NULL DEFAULT 'queued'
);
CREATE TABLE cache_entries (
    key text PRIMARY KEY,
    value text NOT NULL,
    version int NOT NULL DEFAULT 1
);

CREATE FUNCTION notify_orders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r orders;
BEGIN
    r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    -- row_to_json of a sub-select: compact JSON with the keys in this order.
    PERFORM pg_notify('orders', (SELECT row_to_json(x)::text FROM (SELECT
        lower(TG_OP) AS op, r.id, r.customer, r.total, r.status,
        CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END AS previous_status) x));
    RETURN NULL;
END $$;
CREATE TRIGGER orders_notify AFTER INSERT OR UPDATE OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION notify_orders();

CREATE FUNCTION notify_job_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobs:insert', row_to_json(NEW)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER jobs_notify AFTER INSERT ON jobs
    FOR EACH ROW EXECUTE FUNCTION notify_job_insert();

CREATE FUNCTION notify_cache() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cache.invalidate', (SELECT row_to_json(x)::text FROM (SELECT
        OLD.key, lower(TG_OP) AS reason, OLD.version) x));
    RETURN NULL;
END $$;
CREATE TRIGGER cache_notify AFTER UPDATE OR DELETE ON cache_entries
    FOR EACH ROW EXECUTE FUNCTION notify_cache();

CREATE FUNCTION notify_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('Audit Log', (SELECT row_to_json(x)::text FROM (SELECT
        TG_TABLE_NAME AS "table", TG_OP AS action, current_user AS "by",
        to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS.MSOF') AS at,
        CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END AS "row") x));
    RETURN NULL;
END $$;
CREATE TRIGGER orders_audit AFTER UPDATE OF status OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION notify_audit();
CREATE TRIGGER jobs_audit AFTER DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION notify_audit();
"""

_CUSTOMERS = ("ada", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances")
_QUEUES = ("default", "mail", "billing")
_KINDS = ("send_receipt", "resize_image", "sync_inventory", "charge_card", "export_csv")
_NEXT_STATUS = {"new": "paid", "paid": "shipped", "shipped": "delivered"}


def create_schema(dsn: str) -> None:
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
            conn.execute(SCHEMA)
    except psycopg.Error as exc:
        raise ServerError(f"could not create the demo schema: {exc}") from exc


class TrafficGenerator:
    """Writes to the demo tables from a daemon thread: a few notifications a second, bursts.

    Errors end the thread quietly once :meth:`stop` was called (the server is going away);
    before that, the generator reconnects after a second.
    """

    def __init__(
        self,
        dsn: str,
        *,
        interval: tuple[float, float] = (0.15, 0.6),
        burst_every: tuple[float, float] = (8.0, 15.0),
        seed: int | None = None,
    ) -> None:
        self.dsn = dsn
        self.interval = interval
        self.burst_every = burst_every
        self._random = random.Random(seed)
        self._stopping = threading.Event()
        self._waited = False
        self._thread = threading.Thread(target=self._run, name="pgtail-demo-traffic", daemon=True)

    def start(self) -> TrafficGenerator:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    self.dsn + " application_name=pgtail-demo-traffic",
                    autocommit=True,
                    connect_timeout=5,
                ) as conn:
                    self._loop(conn)
            except psycopg.Error:
                self._stopping.wait(1.0)

    def _wait_for_listener(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        """Hold the first rows until pgtail is connected, so its first screen is not empty."""
        for _ in range(100):
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgtail' "
                "AND state = 'idle'"
            ).fetchone()
            if (row and row[0]) or self._stopping.wait(0.1):
                break
        # Its LISTENs follow the connection within milliseconds.
        self._stopping.wait(0.2)

    def _loop(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        rnd = self._random
        if not self._waited:
            self._waited = True
            self._wait_for_listener(conn)
        # One of each first, so every channel shows something within a second.
        steps: list[Callable[[psycopg.Connection[tuple[object, ...]]], None]] = [
            self._new_order,
            self._new_job,
            self._touch_cache,
            self._advance_order,
        ]
        weighted = [
            (self._new_order, 3),
            (self._advance_order, 4),
            (self._new_job, 3),
            (self._finish_jobs, 1),
            (self._touch_cache, 3),
            (self._cancel_order, 1),
        ]
        actions = [action for action, _ in weighted]
        weights = [weight for _, weight in weighted]
        clock = 0.0
        next_burst = rnd.uniform(*self.burst_every) / 2
        while not self._stopping.is_set():
            step = steps.pop(0) if steps else rnd.choices(actions, weights)[0]
            step(conn)
            if clock >= next_burst:
                self._burst(conn)
                clock, next_burst = 0.0, rnd.uniform(*self.burst_every)
            pause = rnd.uniform(*self.interval)
            clock += pause
            self._stopping.wait(pause)

    def _new_order(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        rnd = self._random
        conn.execute(
            "INSERT INTO orders (customer, total) VALUES (%s, %s)",
            (rnd.choice(_CUSTOMERS), round(rnd.uniform(5, 400), 2)),
        )

    def _advance_order(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        row = conn.execute(
            "SELECT id, status FROM orders WHERE status <> 'delivered' ORDER BY random() LIMIT 1"
        ).fetchone()
        if row is None:
            self._new_order(conn)
            return
        order_id, status = row
        conn.execute(
            "UPDATE orders SET status = %s WHERE id = %s", (_NEXT_STATUS[str(status)], order_id)
        )

    def _cancel_order(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        # Also keeps the table small over a long demo.
        conn.execute(
            "DELETE FROM orders WHERE id = (SELECT id FROM orders ORDER BY status = 'delivered' "
            "DESC, random() LIMIT 1)"
        )

    def _new_job(self, conn: psycopg.Connection[tuple[object, ...]], count: int = 1) -> None:
        rnd = self._random
        rows = [
            (
                rnd.choice(_QUEUES),
                rnd.choice(_KINDS),
                f'{{"attempt": 1, "ref": {rnd.randint(1, 9999)}}}',
            )
            for _ in range(count)
        ]
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany("INSERT INTO jobs (queue, kind, args) VALUES (%s, %s, %s)", rows)

    def _finish_jobs(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        conn.execute("DELETE FROM jobs WHERE id IN (SELECT id FROM jobs ORDER BY id LIMIT 3)")

    def _touch_cache(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        rnd = self._random
        key = f"{rnd.choice(('user', 'product', 'cart'))}:{rnd.randint(1, 50)}"
        # Insert or bump: the UPDATE path fires the invalidation, so make sure the key exists.
        conn.execute(
            "INSERT INTO cache_entries (key, value) VALUES (%s, 'v') ON CONFLICT (key) DO NOTHING",
            (key,),
        )
        conn.execute(
            "UPDATE cache_entries SET version = version + 1, value = md5(random()::text) "
            "WHERE key = %s",
            (key,),
        )

    def _burst(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        """What a batch import or a deploy looks like: dozens at once, in one transaction."""
        rnd = self._random
        if rnd.random() < 0.5:
            self._new_job(conn, count=rnd.randint(20, 60))
        else:
            conn.execute(
                "UPDATE cache_entries SET version = version + 1 WHERE key LIKE %s",
                (rnd.choice(("user:%", "product:%", "cart:%", "%")),),
            )


def stop_quietly(generator: TrafficGenerator | None) -> None:
    if generator is not None:
        with contextlib.suppress(Exception):
            generator.stop()
