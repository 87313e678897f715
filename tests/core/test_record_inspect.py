"""Record and replay, who sent it, channel discovery and queue usage, against a real server."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import psycopg

from pgtail.core.backoff import Backoff
from pgtail.core.dsn import parse
from pgtail.core.inspector import Inspector, channels_in_sql
from pgtail.core.listener import ListenerOptions
from pgtail.core.models import Phase
from pgtail.core.recording import BadLine, read_recording
from tests.core.helpers import running
from tests.harness import PgServer, notify
from tests.harness.cli import Running, run_pgtail


def test_record_then_replay_gives_the_same_lines(pg: PgServer, tmp_path: Path) -> None:
    record = tmp_path / "session.jsonl"
    r = Running(
        "--json", "-c", "orders", "-c", "Audit Log", "--record", str(record), "--dsn", pg.dsn
    )
    try:
        r.wait_stderr("connected")
        sent = [("orders", '{"id": 1}'), ("Audit Log", "ünïcode \x1b[31m"), ("orders", "")]
        for channel, payload in sent:
            notify(pg, channel, payload)
        live = [json.loads(r.stdout_line()) for _ in sent]
    finally:
        assert r.stop() == 0
    assert [(o["channel"], o["payload"]) for o in live] == sent

    replayed = run_pgtail("--replay", str(record), "--json")
    assert replayed.returncode == 0, replayed.stderr
    assert [json.loads(line) for line in replayed.stdout.splitlines()] == live

    plain = run_pgtail("--replay", str(record), "--plain")
    assert "Audit Log" in plain.stdout and "\\x1b[31m" in plain.stdout


def test_bad_recording_lines_are_named_and_the_rest_loads(tmp_path: Path) -> None:
    good = '{"time": "2026-01-02T03:04:05.678+00:00", "channel": "a", "pid": 1, "payload": "x"}'
    record = tmp_path / "broken.jsonl"
    record.write_text(f'{good}\n{{"time": "2026-01-02T03:04\n[1, 2]\n\n{good}\n{good[:30]}')
    items = list(read_recording(str(record)))
    assert [type(i).__name__ for i in items] == [
        "Notification",
        "BadLine",
        "BadLine",
        "Notification",
        "BadLine",
    ]
    assert [i.line_no for i in items if isinstance(i, BadLine)] == [2, 3, 6]
    out = run_pgtail("--replay", str(record), "--json")
    assert out.returncode == 0
    assert len(out.stdout.splitlines()) == 2
    assert "line 2" in out.stderr and "line 6" in out.stderr


def test_replay_to_another_database(pg: PgServer, tmp_path: Path) -> None:
    record = tmp_path / "r.jsonl"
    lines = [
        {"time": "2026-01-02T03:04:05.000+00:00", "channel": ch, "pid": 9, "payload": p}
        for ch, p in [("jobs:insert", "1"), ("my channel", "two"), ("jobs:insert", "3")]
    ]
    record.write_text("".join(json.dumps(line) + "\n" for line in lines))
    scratch = pg.create_database("replay_target")
    r = Running("--json", "-c", "jobs:insert", "-c", "my channel", "--dsn", scratch)
    try:
        r.wait_stderr("connected")
        out = run_pgtail("--replay", str(record), "--to", scratch)
        assert out.returncode == 0, out.stderr
        assert "sent 3 notifications" in out.stderr
        got = [json.loads(r.stdout_line()) for _ in lines]
    finally:
        r.stop()
    assert [(g["channel"], g["payload"]) for g in got] == [
        (line["channel"], line["payload"]) for line in lines
    ]


def test_json_sender_names_the_application(pg: PgServer) -> None:
    r = Running("--json", "--sender", "-c", "who", "--dsn", pg.dsn)
    try:
        r.wait_stderr("connected")
        with psycopg.connect(pg.dsn, application_name="billing-worker", autocommit=True) as conn:
            conn.execute("SELECT pg_notify('who', 'paid')")
            line = json.loads(r.stdout_line())
    finally:
        r.stop()
    assert line["payload"] == "paid"
    assert line["sender"]["application_name"] == "billing-worker"
    assert line["sender"]["user"] == "postgres"
    assert line["sender"]["backend_type"] == "client backend"
    assert line["sender"]["gone"] is False


async def test_sender_that_has_disconnected_is_gone(pg: PgServer) -> None:
    inspector = Inspector(parse(pg.dsn))
    try:
        info = await inspector.senders({2_000_000_000})
    finally:
        await inspector.close()
    assert info[2_000_000_000].gone


async def test_discovery_finds_triggers_and_other_listeners(pg: PgServer) -> None:
    pg.psql(
        """
        CREATE TABLE IF NOT EXISTS disc_orders (id int);
        CREATE OR REPLACE FUNCTION disc_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('orders_changed', NEW.id::text);
          NOTIFY "Audit Log";
          RETURN NEW;
        END $$;
        DROP TRIGGER IF EXISTS disc_trg ON disc_orders;
        CREATE TRIGGER disc_trg AFTER INSERT ON disc_orders
          FOR EACH ROW EXECUTE FUNCTION disc_notify();
        """
    )
    with psycopg.connect(pg.dsn, application_name="cache-daemon", autocommit=True) as other:
        other.execute('LISTEN "Cache Bust"')
        inspector = Inspector(parse(pg.dsn))
        try:
            found = await inspector.discover()
            usage = await inspector.queue_usage()
        finally:
            await inspector.close()
    by_name = {(d.name, s.kind): s.where for d in found for s in d.sources}
    assert "disc_trg on disc_orders" in by_name[("orders_changed", "function")]
    assert ("Audit Log", "function") in by_name
    assert "cache-daemon" in by_name[("Cache Bust", "listener")]
    assert 0.0 <= usage < 0.01


def test_channel_names_in_sql() -> None:
    assert channels_in_sql('LISTEN "My ""Chan"""; LISTEN plain_One', "listen") == [
        'My "Chan"',
        "plain_one",
    ]
    assert channels_in_sql("perform pg_notify('it''s', x); NOTIFY jobs, 'p'", "notify") == [
        "jobs",
        "it's",
    ]


async def test_discovery_finds_pgtail_between_heartbeats_and_not_other_databases(
    pg: PgServer,
) -> None:
    """pg_stat_activity shows a session's latest query: once pgtail's heartbeat has replaced its
    LISTENs there, the heartbeat (a comment naming the channels) still shows them. Sessions of
    other databases are left out: a NOTIFY never crosses databases."""
    pg.psql("DROP DATABASE IF EXISTS elsewhere")
    pg.psql("CREATE DATABASE elsewhere")
    other_db = pg.conninfo(dbname="elsewhere")
    options = ListenerOptions(heartbeat_idle=0.1, backoff=Backoff(initial=0.1, cap=0.5))
    names = ["hb orders", 'we"ird', "end*/comment"]
    with psycopg.connect(other_db, autocommit=True) as far:
        far.execute('LISTEN "far away"')
        async with running(pg.dsn, names, options) as (_listener, rec):
            await rec.wait_phase(Phase.CONNECTED)
            with psycopg.connect(pg.dsn, autocommit=True) as watcher:

                async def heartbeat_shown() -> bool:
                    row = watcher.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE application_name = 'pgtail' AND query LIKE '/* LISTEN %'"
                    ).fetchone()
                    return bool(row and row[0])

                deadline = time.monotonic() + 30
                while not await heartbeat_shown():
                    assert time.monotonic() < deadline, "no heartbeat seen in pg_stat_activity"
                    await asyncio.sleep(0.05)
            inspector = Inspector(parse(pg.dsn))
            try:
                found = await inspector.discover()
            finally:
                await inspector.close()
    listened = {d.name for d in found if any(s.kind == "listener" for s in d.sources)}
    assert {"hb orders", 'we"ird'} <= listened
    assert "end*/comment" not in listened  # it would end the comment: left out of it
    assert "far away" not in listened
