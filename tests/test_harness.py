"""The test harness itself: if these fail, failures elsewhere say nothing about pgtail."""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from collections.abc import Callable

import psycopg
import pytest

from tests.harness.pgbouncer import PgBouncer
from tests.harness.pgserver import PgServer, notify
from tests.harness.proxy import TcpProxy
from tests.harness.wait import wait_until


def _select_one(conninfo: str, **kwargs: object) -> int:
    with psycopg.connect(conninfo, connect_timeout=5, **kwargs) as conn:  # type: ignore[arg-type]
        row = conn.execute("SELECT 1").fetchone()
    assert row is not None
    return int(row[0])


def _app_name() -> str:
    return f"harness-{uuid.uuid4().hex[:8]}"


# --------------------------------------------------------------------------- PgServer


def test_server_answers_over_tcp_uri_and_socket(pg: PgServer) -> None:
    assert _select_one(pg.dsn) == 1
    assert _select_one(pg.uri) == 1
    assert _select_one(pg.socket_dsn) == 1
    assert pg.psql("SELECT 40 + 2") == "42"
    assert pg.psql("SHOW fsync") == "off"
    assert pg.psql("SHOW wal_level") == "replica"


def test_restart_keeps_port_and_breaks_old_connections(fresh_pg: PgServer) -> None:
    port = fresh_pg.port
    conn = psycopg.connect(fresh_pg.dsn, autocommit=True)
    try:
        fresh_pg.restart()
        assert fresh_pg.port == port
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    finally:
        conn.close()
    assert _select_one(fresh_pg.dsn) == 1
    fresh_pg.stop("immediate")
    with pytest.raises(psycopg.OperationalError):
        _select_one(fresh_pg.dsn)
    fresh_pg.start()
    assert fresh_pg.port == port
    assert _select_one(fresh_pg.dsn) == 1


def test_terminate_backends_by_application_name(pg: PgServer) -> None:
    victim_app, bystander_app = _app_name(), _app_name()
    with (
        psycopg.connect(pg.dsn, autocommit=True, application_name=victim_app) as victim,
        psycopg.connect(pg.dsn, autocommit=True, application_name=bystander_app) as bystander,
    ):
        assert pg.terminate_backends(victim_app) == 1
        with pytest.raises(psycopg.OperationalError):
            victim.execute("SELECT 1")
        assert bystander.execute("SELECT 1").fetchone() == (1,)


def test_create_database_and_notify_helper(pg: PgServer) -> None:
    dsn = pg.create_database(f"db_{uuid.uuid4().hex[:8]}")
    assert _select_one(dsn) == 1
    channel = "harness channel"  # needs quoting in LISTEN; pg_notify does not
    with psycopg.connect(pg.dsn, autocommit=True) as conn:
        conn.execute(f'LISTEN "{channel}"')
        notify(pg, channel, "héllo")
        got = list(conn.notifies(timeout=5, stop_after=1))
    assert [(n.channel, n.payload) for n in got] == [(channel, "héllo")]


def test_password_server_checks_tcp_passwords(password_pg: PgServer) -> None:
    assert password_pg.password == "s3cret-pw"
    assert "password=s3cret-pw" in password_pg.dsn
    assert _select_one(password_pg.dsn) == 1
    assert _select_one(password_pg.uri) == 1
    assert _select_one(password_pg.socket_dsn) == 1  # the socket stays trust for the harness
    wrong = password_pg.conninfo(password="wrong-pw")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _select_one(wrong)
    with pytest.raises(psycopg.OperationalError, match="password"):
        _select_one(password_pg.conninfo(password=""))


def test_standby_is_a_streaming_hot_standby(standby_primary: PgServer, standby: PgServer) -> None:
    assert standby.port != standby_primary.port
    with psycopg.connect(standby.dsn, autocommit=True) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
    table = f"t_{uuid.uuid4().hex[:8]}"
    standby_primary.psql(f"CREATE TABLE {table} (x int); INSERT INTO {table} VALUES (7)")
    standby.wait_replayed()
    assert standby.psql(f"SELECT x FROM {table}") == "7"


# --------------------------------------------------------------------------- TcpProxy


def test_proxy_forwards_and_drop_all_breaks_connections(
    proxy: TcpProxy, fresh_pg: PgServer
) -> None:
    conn = psycopg.connect(proxy.dsn_for(fresh_pg), autocommit=True)
    try:
        big = conn.execute("SELECT repeat('x', 2000000)").fetchone()
        assert big is not None and len(big[0]) == 2_000_000
        assert proxy.connection_count == 1
        assert proxy.drop_all() == 1
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    finally:
        conn.close()
    assert _select_one(proxy.dsn_for(fresh_pg)) == 1
    with psycopg.connect(proxy.dsn_for(fresh_pg), autocommit=True) as conn2:
        # The proxy notices the previous connection's close on its own thread.
        wait_until(lambda: proxy.connection_count == 1, what="only the new connection open")
        assert proxy.drop_all(rst=False) == 1
        with pytest.raises(psycopg.OperationalError):
            conn2.execute("SELECT 1")


def test_proxy_blackhole_hangs_queries_and_connects_until_dropped(
    pg: PgServer, make_proxy: Callable[[PgServer], TcpProxy]
) -> None:
    proxy = make_proxy(pg)
    conn = psycopg.connect(proxy.dsn_for(pg), autocommit=True)
    outcomes: dict[str, object] = {}

    def query() -> None:
        try:
            outcomes["query"] = conn.execute("SELECT 1").fetchone()
        except psycopg.Error as exc:
            outcomes["query"] = exc

    def connect() -> None:
        try:
            outcomes["connect"] = _select_one(proxy.dsn_for(pg, connect_timeout=30))
        except psycopg.Error as exc:
            outcomes["connect"] = exc

    try:
        proxy.blackhole(True)
        workers = [threading.Thread(target=f, daemon=True) for f in (query, connect)]
        for worker in workers:
            worker.start()
        # New connections are accepted but never get an answer; the old one stays open.
        proxy.wait_for_connections(2)
        workers[0].join(1.0)
        assert all(w.is_alive() for w in workers), f"got through a blackhole: {outcomes}"

        # Only closing the link frees the stuck clients.
        proxy.drop_all()
        for worker in workers:
            worker.join(5)
            assert not worker.is_alive()
        assert isinstance(outcomes["query"], psycopg.OperationalError)
        assert isinstance(outcomes["connect"], psycopg.OperationalError)
    finally:
        conn.close()

    proxy.blackhole(False)
    assert _select_one(proxy.dsn_for(pg)) == 1


async def test_proxy_blackhole_from_async_code(
    pg: PgServer, make_proxy: Callable[[PgServer], TcpProxy]
) -> None:
    proxy = make_proxy(pg)
    aconn = await psycopg.AsyncConnection.connect(proxy.dsn_for(pg), autocommit=True)
    try:
        proxy.blackhole(True)
        # Not wait_for(): cancelling makes psycopg send a cancel request, which the
        # blackhole swallows too, costing its 10 s cancel timeout.
        task = asyncio.ensure_future(aconn.execute("SELECT 1"))
        done, _ = await asyncio.wait({task}, timeout=1.0)
        assert not done
        proxy.drop_all()
        with pytest.raises(psycopg.OperationalError):
            await asyncio.wait_for(task, timeout=5)
    finally:
        await aconn.close()
    proxy.blackhole(False)
    aconn2 = await psycopg.AsyncConnection.connect(proxy.dsn_for(pg))
    async with aconn2:
        cur = await aconn2.execute("SELECT 2")
        assert await cur.fetchone() == (2,)


def test_proxy_refuse_and_reopen(pg: PgServer, make_proxy: Callable[[PgServer], TcpProxy]) -> None:
    proxy = make_proxy(pg)
    with psycopg.connect(proxy.dsn_for(pg), autocommit=True) as kept:
        proxy.refuse(True)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((proxy.host, proxy.port), timeout=2).close()
        assert kept.execute("SELECT 1").fetchone() == (1,)  # open links survive
        proxy.refuse(False)
        assert _select_one(proxy.dsn_for(pg)) == 1


# --------------------------------------------------------------------------- PgBouncer


def test_pgbouncer_transaction_mode_forwards_queries(pgbouncer_tx: PgBouncer) -> None:
    assert pgbouncer_tx.pool_mode == "transaction"
    assert _select_one(pgbouncer_tx.dsn) == 1
    pools = pgbouncer_tx.admin("SHOW POOLS")
    assert "transaction" in pools
