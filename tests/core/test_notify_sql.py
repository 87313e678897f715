"""Copy as SQL against a real server: each statement, pasted into ``psql``, sends the payload
again byte for byte (quotes, backslashes, newlines, escapes, non-ASCII), as a separate psycopg
listener receives it."""

from __future__ import annotations

import subprocess
import uuid

import psycopg
from psycopg import sql

from pgtail.core.models import Notification, NotificationWithRawPayload, Phase
from pgtail.core.notify_sql import notify_statement
from pgtail.demo.processes import environ_without_pg
from tests.core.helpers import running
from tests.harness import PgServer

PAYLOADS = [
    '{"id": 1041}',
    "O'Brien said ''hi''",
    'back\\slash \\n \\x41 \\\\ and "quotes"',
    "line 1\nline 2\r\n\ttabbed",
    "\x1b[31mred\x1b[0m \x07bell \x7f del \x01\x1f",
    "café 通知 😀 \u0085 \u202eevil\u202c \u200b",
    "E'not an escape string' $$ $tag$ :var :'var' \\gexec \\! ls",
    "ends with a backslash \\",
    "",
    "x" * 7000 + "'\n\\",
]
CHANNELS = ["copy:sql", 'it\'s "odd"\n\\']


def paste_into_psql(pg: PgServer, statement: str, dbname: str | None = None) -> None:
    """Run *statement* the way a user pastes it into psql: on its standard input."""
    subprocess.run(
        [pg.bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg.conninfo(dbname=dbname)],
        input=statement.encode("utf-8"),
        check=True,
        capture_output=True,
        timeout=30,
        env={**environ_without_pg(), "PGCLIENTENCODING": "UTF8"},
    )


def test_pasted_statements_send_the_same_bytes(pg: PgServer) -> None:
    with psycopg.connect(pg.dsn, autocommit=True) as listener:
        for channel in CHANNELS:
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        sent = [(channel, payload) for channel in CHANNELS for payload in PAYLOADS]
        for channel, payload in sent:
            statement = notify_statement(Notification(channel, payload, 1, 0.0))
            assert "\n" not in statement  # one line, whatever the payload
            paste_into_psql(pg, statement)
        received = [
            (n.channel, n.payload) for n in listener.notifies(timeout=20, stop_after=len(sent))
        ]
    assert received == sent
    assert [p.encode("utf-8") for _, p in received] == [p.encode("utf-8") for _, p in sent]


async def test_bytes_invalid_in_a_sql_ascii_database_are_sent_again(pg: PgServer) -> None:
    name = f"sqlascii_{uuid.uuid4().hex[:8]}"
    pg.psql(f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' TEMPLATE template0")
    raw = b"caf\xe9 \xff\xfe 'q' \\ \n end"
    copied = NotificationWithRawPayload(
        "raw", raw.decode("utf-8", "replace"), 1, 0.0, raw, invalid_bytes=True
    )
    async with running(pg.conninfo(dbname=name), ["raw"]) as (_listener, rec):
        await rec.wait_phase(Phase.CONNECTED)
        paste_into_psql(pg, notify_statement(copied), dbname=name)
        await rec.wait(lambda: bool(rec.notifications))
    assert rec.notifications[0].payload_bytes == raw
