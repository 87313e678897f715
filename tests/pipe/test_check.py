"""``pgtail --check``, the real command against a real server, a hot standby and PgBouncer."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest

from tests.harness import PgBouncer, PgServer
from tests.harness.cli import run_pgtail


def _database(pg: PgServer, encoding: str | None = None) -> str:
    """A database of the test's own, so that other tests' sessions and functions stay out."""
    name = f"check_{uuid.uuid4().hex[:10]}"
    if encoding:
        pg.psql(
            f"CREATE DATABASE {name} ENCODING '{encoding}' LC_COLLATE 'C' LC_CTYPE 'C' "
            "TEMPLATE template0"
        )
    else:
        pg.psql(f"CREATE DATABASE {name}")
    return pg.conninfo(dbname=name)


def _lines(out: str, status: str, check: str) -> list[str]:
    """The headlines of one status and check, e.g. ("warning", "listeners")."""
    pattern = re.compile(rf"^{status}\s+{check}\s+(.*)$")
    return [m.group(1) for line in out.splitlines() if (m := pattern.match(line))]


@pytest.fixture
def sessions() -> Iterator[Callable[[str, str], psycopg.Connection[tuple[object, ...]]]]:
    """Factory: ``open(dsn, application_name)`` opens a client session, closed afterwards."""
    opened: list[psycopg.Connection[tuple[object, ...]]] = []

    def open_(
        dsn: str, app: str, autocommit: bool = True
    ) -> psycopg.Connection[tuple[object, ...]]:
        conn = psycopg.connect(dsn, application_name=app, autocommit=autocommit)
        opened.append(conn)
        return conn

    yield open_  # type: ignore[misc]
    for conn in opened:
        conn.close()


def test_a_healthy_server_is_all_ok(pg: PgServer) -> None:
    out = run_pgtail("--check", "--dsn", pg.dsn)
    assert out.returncode == 0, out.stdout + out.stderr
    assert _lines(out.stdout, "ok", "server")[0].endswith(", primary")
    assert _lines(out.stdout, "ok", "encoding") == ["server UTF8, client UTF8"]
    assert re.fullmatch(
        r"a NOTIFY from a second connection arrived in \d+\.\d ms",
        _lines(out.stdout, "ok", "delivery")[0],
    )
    assert _lines(out.stdout, "ok", "queue")
    assert out.stdout.rstrip().endswith("0 problems, 0 warnings")
    assert out.stderr == ""


def test_json_is_one_object_with_the_same_findings(pg: PgServer) -> None:
    out = run_pgtail("--check", "--json", "-c", "orders", "--dsn", pg.dsn)
    assert out.returncode == 0
    assert len(out.stdout.splitlines()) == 1
    report = json.loads(out.stdout)
    assert report["status"] in ("ok", "warning") and report["problems"] == 0
    assert report["standby"] is False and report["encoding"]["server"] == "UTF8"
    assert report["delivery_ms"] > 0 and report["queue_usage"] >= 0
    assert [f["check"] for f in report["findings"]] == ["server", "encoding", "delivery", "queue"]
    (channel,) = report["channels"]
    assert channel["name"] == channel["server_name"] == "orders"
    assert {f["check"] for f in channel["findings"]} == {"name", "listeners", "notifiers"}


def test_channels_name_their_listeners_and_senders(
    pg: PgServer, sessions: Callable[..., psycopg.Connection[tuple[object, ...]]]
) -> None:
    dsn = _database(pg)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            """
            CREATE TABLE orders (id int);
            CREATE FUNCTION notify_order() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN PERFORM pg_notify('orders', NEW.id::text); RETURN NEW; END $$;
            CREATE TRIGGER orders_notify AFTER INSERT ON orders
              FOR EACH ROW EXECUTE FUNCTION notify_order();
            CREATE FUNCTION notify_arg() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN PERFORM pg_notify(TG_ARGV[0], 'changed'); RETURN NEW; END $$;
            CREATE TRIGGER orders_changed AFTER UPDATE ON orders
              FOR EACH ROW EXECUTE FUNCTION notify_arg('Orders');
            ALTER TABLE orders DISABLE TRIGGER orders_changed;
            CREATE FUNCTION shout() RETURNS void LANGUAGE sql AS $$ NOTIFY Orders $$;
            """
        )
    worker = sessions(dsn, "worker")
    worker.execute("LISTEN orders")  # unquoted: the server listens on "orders"
    in_tx = sessions(dsn, "forgot-autocommit", autocommit=False)
    in_tx.execute('LISTEN "Orders"')  # in a transaction left open
    worker_pid, tx_pid = worker.info.backend_pid, in_tx.info.backend_pid

    out = run_pgtail("--check", "--dsn", dsn, "-c", "orders", "-c", "Orders", "-c", "x" * 70)
    assert out.returncode == 0, out.stdout + out.stderr  # warnings only
    text = out.stdout
    orders, upper, long = text.split("\nchannel ")[1:]

    assert _lines(orders, "ok", "name") == ["exactly 'orders' on the server (6 bytes)"]
    assert _lines(orders, "ok", "listeners") == ["1 other session listens now"]
    assert f"pid {worker_pid}  worker  postgres@127.0.0.1  idle" in orders
    assert _lines(orders, "warning", "listeners") == [
        f"pid {tx_pid} listens on 'Orders' instead (the case differs)"
    ]
    assert _lines(orders, "ok", "notifiers") == ["NOTIFYed from 2 places in the database"]
    assert "function notify_order(), called by trigger orders_notify on orders" in orders
    assert "function shout()" in orders

    assert "In SQL, write it in double quotes" in upper
    assert f"pid {tx_pid}  forgot-autocommit" in upper
    assert f"pid {tx_pid} is idle in an open transaction" in _lines(upper, "warning", "listeners")
    assert "trigger orders_changed on orders -> notify_arg() ('Orders' as an argument)" in upper
    warnings = _lines(upper, "warning", "notifiers")
    assert "trigger orders_changed on orders is disabled: it sends nothing" in warnings
    assert "function shout() sends to 'orders' instead (the case differs)" in warnings

    assert _lines(long, "warning", "name") == [f"70 bytes, cut by the server to 63: '{'x' * 63}'"]
    assert _lines(long, "ok", "listeners") == ["no other session seen listening"]
    assert _lines(long, "ok", "notifiers") == ["no function, trigger or rule names it"]

    report = json.loads(run_pgtail("--check", "--json", "--dsn", dsn, "-c", "orders").stdout)
    (channel,) = report["channels"]
    assert channel["listeners"] == [
        {
            "pid": worker_pid,
            "application": "worker",
            "user": "postgres",
            "client": "127.0.0.1",
            "state": "idle",
            "written": "orders",
        }
    ]
    assert {n["name"] for n in channel["notifiers"]} == {"notify_order()", "shout()"}


def test_a_transaction_pooler_is_a_problem_named_as_the_cause(
    pg: PgServer, make_pgbouncer: Callable[..., PgBouncer]
) -> None:
    bouncer = make_pgbouncer(pg, "transaction")
    out = run_pgtail("--check", "--dsn", bouncer.dsn, "-c", "orders")
    assert out.returncode == 1, out.stdout + out.stderr
    assert _lines(out.stdout, "problem", "delivery") == [
        "a NOTIFY from a second connection did not arrive within 3 s"
    ]
    assert "pooler in transaction mode (such as PgBouncer with pool_mode=transaction)" in (
        " ".join(out.stdout.split())
    )
    assert out.stdout.rstrip().endswith("1 problem, 0 warnings")
    report = json.loads(run_pgtail("--check", "--json", "--dsn", bouncer.dsn).stdout)
    assert report["status"] == "problem" and report["delivery_ms"] is None
    (delivery,) = [f for f in report["findings"] if f["check"] == "delivery"]
    assert "transaction mode" in delivery["hint"]


def test_a_session_pooler_is_all_ok(pg: PgServer, make_pgbouncer: Callable[..., PgBouncer]) -> None:
    bouncer = make_pgbouncer(pg, "session")
    out = run_pgtail("--check", "--dsn", bouncer.dsn)
    assert out.returncode == 0, out.stdout + out.stderr
    assert _lines(out.stdout, "ok", "delivery")


def test_a_standby_is_a_problem(standby: PgServer) -> None:
    out = run_pgtail("--check", "--dsn", standby.dsn, "-c", "orders")
    assert out.returncode == 1, out.stdout + out.stderr
    (server,) = _lines(out.stdout, "problem", "server")
    assert server.endswith("a standby in recovery: LISTEN is impossible here")
    assert "target_session_attrs=read-write" in " ".join(out.stdout.split())
    assert _lines(out.stdout, "problem", "delivery") == [
        "LISTEN failed: cannot execute LISTEN during recovery"
    ]
    assert json.loads(run_pgtail("--check", "--json", "--dsn", standby.dsn).stdout)["standby"]


def test_a_sql_ascii_database_is_a_warning(pg: PgServer) -> None:
    out = run_pgtail("--check", "--dsn", _database(pg, "SQL_ASCII"))
    assert out.returncode == 0
    assert _lines(out.stdout, "warning", "encoding") == [
        "server SQL_ASCII, client SQL_ASCII: payloads may hold any bytes"
    ]


def test_cannot_connect_exits_2_without_the_password(password_pg: PgServer) -> None:
    dsn = password_pg.conninfo(password="wrong-hunter22")
    out = run_pgtail("--check", "--dsn", dsn)
    assert out.returncode == 2
    assert "password authentication failed" in out.stderr and out.stdout == ""
    out = run_pgtail("--check", "--json", "--dsn", dsn)
    assert out.returncode == 2
    report = json.loads(out.stdout)
    assert report["status"] == "error" and "password authentication failed" in report["error"]
    assert "wrong-hunter22" not in out.stdout + out.stderr


def test_bad_arguments_exit_2(pg: PgServer) -> None:
    out = run_pgtail("--check", "--demo")
    assert out.returncode == 2 and "--check diagnoses a server" in out.stderr
    out = run_pgtail("--check", "--dsn", pg.dsn, "-c", "")
    assert out.returncode == 2 and "cannot be empty" in out.stderr
    out = run_pgtail("--check", "--dsn", "host=")
    assert out.returncode == 2


def test_hostile_names_are_escaped(pg: PgServer) -> None:
    dsn = _database(pg)
    evil = "\x1b]0;pwned\x07"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE FUNCTION "f{evil}"() RETURNS void LANGUAGE sql AS $$ NOTIFY chan $$')
    out = run_pgtail("--check", "--dsn", dsn, "-c", "chan", "-c", f"a{evil}")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    assert 'function "f\\x1b]0;pwned\\x07"()' in out.stdout
    assert "channel 'a\\x1b]0;pwned\\x07'" in out.stdout


def test_a_name_the_encoding_cannot_hold_is_a_problem(pg: PgServer) -> None:
    out = run_pgtail("--check", "--dsn", _database(pg, "LATIN1"), "-c", "通知", "-c", "café")
    assert out.returncode == 1, out.stdout + out.stderr
    tongue, cafe = out.stdout.split("\nchannel ")[1:]
    assert _lines(tongue, "problem", "name") == ["cannot be written in the encoding iso8859-1"]
    assert _lines(cafe, "ok", "name") == ["exactly 'café' on the server (5 bytes)"]
