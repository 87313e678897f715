"""``pgtail --check``: a one-shot diagnosis of LISTEN/NOTIFY on one server.

For the "my listener gets nothing" moment. Each question gets one :class:`Finding` (ok, warning
or problem): is the server a primary, which encoding the connection speaks, does a NOTIFY sent
on a second connection reach a LISTEN on the first (the delivery round trip, which fails behind
a pooler in transaction mode), how full the cluster's notification queue is, and for each
channel asked about (see :mod:`pgtail.core.channel_check`) the name the server really uses, who
else listens on it and what sends to it. Plain synchronous psycopg: nothing here runs beside
a listener, and a one-shot question reads best as straight-line code.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Iterator, Sequence

import psycopg
from psycopg import sql
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from pgtail.core.channel_check import check_channel, fetch
from pgtail.core.check_models import CheckReport, Connection, Finding, Status
from pgtail.core.dsn import Dsn
from pgtail.core.errors import describe_error, one_line

#: How long the delivery round trip waits for its NOTIFY to come back.
DELIVERY_TIMEOUT = 3.0
#: Queue usage from which the queue is worth a warning, and from which it is a problem.
QUEUE_WARNING = 0.01
QUEUE_PROBLEM = 0.5

POOLER_CAUSE = (
    "Notifications are not being delivered. The usual cause is a connection pooler in "
    "transaction mode (such as PgBouncer with pool_mode=transaction), where LISTEN cannot work: "
    "connect to PostgreSQL directly or through a session-mode pool."
)


class CheckError(Exception):
    """The check could not start (no connection); the message is one line without a password."""


def run_check(
    dsn: Dsn, channels: Sequence[str], delivery_timeout: float = DELIVERY_TIMEOUT
) -> CheckReport:
    """Diagnose the server *dsn* points at and each of *channels*; raise CheckError when it
    cannot be reached at all."""
    with _connect(dsn) as conn:
        try:
            findings: list[Finding] = []
            version, standby = _server(conn)
            findings.append(_server_finding(version, standby))
            server_enc, client_enc = _encodings(conn)
            findings.append(_encoding_finding(server_enc, client_enc))
            delivery_ms, delivery = _delivery(conn, dsn, delivery_timeout)
            findings.append(delivery)
            usage, queue = _queue(conn)
            findings.append(queue)
            reports = tuple(check_channel(conn, name) for name in dict.fromkeys(channels))
        except psycopg.Error as exc:
            # The connection went away half-way (or a catalog query was refused).
            raise CheckError(f"the check stopped half-way: {_message(exc, dsn)}") from None
    return CheckReport(
        server=dsn.display,
        findings=tuple(findings),
        channels=reports,
        version=version,
        standby=standby,
        server_encoding=server_enc,
        client_encoding=client_enc,
        delivery_ms=delivery_ms,
        queue_usage=usage,
    )


@contextlib.contextmanager
def _connect(dsn: Dsn) -> Iterator[Connection]:
    try:
        conn = psycopg.connect(dsn.conninfo, autocommit=True)
    except psycopg.Error as exc:
        raise CheckError(describe_error(exc, dsn.secrets).message) from None
    if conn.info.parameter_status("client_encoding") == "SQL_ASCII":
        # psycopg returns SQL_ASCII text as bytes; read it as UTF-8, the usual content.
        for name in ("text", "varchar", "name", "bpchar"):
            conn.adapters.register_loader(name, _LenientText)
    try:
        yield conn
    finally:
        with contextlib.suppress(Exception):
            conn.close()


class _LenientText(Loader):
    def load(self, data: Buffer) -> str:
        return bytes(data).decode("utf-8", "replace")


# ---- the server and its encoding ---------------------------------------------------------------


def _server(conn: Connection) -> tuple[str, bool]:
    """The server's version as it says it ("15.6 (Debian 15.6-1)"), and whether in recovery."""
    row = fetch(conn, "SELECT current_setting('server_version'), pg_is_in_recovery()")[0]
    return str(row[0]), bool(row[1])


def _server_finding(version: str, standby: bool) -> Finding:
    short = f"PostgreSQL {version.split()[0] if version else '?'}"
    if standby:
        return Finding(
            "server",
            Status.PROBLEM,
            f"{short}, a standby in recovery: LISTEN is impossible here",
            hint="Connect to the primary (with several hosts in the DSN, add "
            "target_session_attrs=read-write).",
        )
    return Finding("server", Status.OK, f"{short}, primary")


def _encodings(conn: Connection) -> tuple[str, str]:
    row = fetch(
        conn, "SELECT current_setting('server_encoding'), current_setting('client_encoding')"
    )
    return str(row[0][0]), str(row[0][1])


def _encoding_finding(server: str, client: str) -> Finding:
    both = f"server {server}, client {client}"
    if server == "SQL_ASCII":
        return Finding(
            "encoding",
            Status.WARNING,
            f"{both}: payloads may hold any bytes",
            hint="A SQL_ASCII database stores bytes unchecked, so payloads need not be valid text; "
            "pgtail shows bytes it cannot read as \ufffd, and the detail view has their hex.",
        )
    return Finding("encoding", Status.OK, both)


# ---- the delivery round trip -------------------------------------------------------------------


def _delivery(conn: Connection, dsn: Dsn, timeout: float) -> tuple[float | None, Finding]:
    """LISTEN on *conn*, NOTIFY from a second connection, and time the notification's return."""
    channel = f"pgtail.check.{secrets.token_hex(6)}"
    token = secrets.token_hex(8)
    try:
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
    except psycopg.Error as exc:
        return None, Finding("delivery", Status.PROBLEM, f"LISTEN failed: {_message(exc, dsn)}")
    try:
        with _connect(dsn) as sender:
            started = time.perf_counter()
            sender.execute("SELECT pg_notify(%s, %s)", (channel, token))
            arrived = _wait_for(conn, channel, token, timeout)
            elapsed = time.perf_counter() - started
    except CheckError as exc:
        return None, Finding(
            "delivery", Status.PROBLEM, f"a second connection for the NOTIFY failed: {exc}"
        )
    except psycopg.Error as exc:
        return None, Finding("delivery", Status.PROBLEM, f"NOTIFY failed: {_message(exc, dsn)}")
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.execute(sql.SQL("UNLISTEN {}").format(sql.Identifier(channel)))
    if not arrived:
        return None, Finding(
            "delivery",
            Status.PROBLEM,
            f"a NOTIFY from a second connection did not arrive within {timeout:.0f} s",
            hint=POOLER_CAUSE,
        )
    ms = round(elapsed * 1000, 1)
    return ms, Finding(
        "delivery", Status.OK, f"a NOTIFY from a second connection arrived in {ms:.1f} ms"
    )


def _wait_for(conn: Connection, channel: str, token: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        for note in conn.notifies(timeout=left):
            if note.channel == channel and note.payload == token:
                return True
    return False


def _message(exc: psycopg.Error, dsn: Dsn) -> str:
    if exc.diag.message_primary:
        return one_line(exc.diag.message_primary)
    return describe_error(exc, dsn.secrets).message


# ---- the notification queue --------------------------------------------------------------------

_OLDEST_XACT_SQL = """
SELECT pid, coalesce(application_name, ''), extract(epoch FROM now() - xact_start)
FROM pg_stat_activity
WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()
ORDER BY xact_start LIMIT 1
"""


def _queue(conn: Connection) -> tuple[float | None, Finding]:
    try:
        usage = float(str(fetch(conn, "SELECT pg_notification_queue_usage()")[0][0]))
    except psycopg.Error as exc:
        message = one_line(exc.diag.message_primary or str(exc))
        return None, Finding("queue", Status.WARNING, f"cannot read the queue usage: {message}")
    text = f"{percent(usage)} of the notification queue in use"
    if usage < QUEUE_WARNING:
        return usage, Finding("queue", Status.OK, text)
    details = []
    for pid, app, seconds in fetch(conn, _OLDEST_XACT_SQL):
        who = f"pid {pid}  {app or 'no application name'}"
        details.append(f"oldest open transaction: {who}, open for {float(str(seconds)):.0f} s")
    return usage, Finding(
        "queue",
        Status.PROBLEM if usage >= QUEUE_PROBLEM else Status.WARNING,
        text,
        tuple(details),
        hint="The queue is shared by the whole cluster: a session that LISTENs but does not "
        "read (stuck in a long transaction, or a stalled client) fills it, and at 100% every "
        "NOTIFY fails.",
    )


def percent(fraction: float) -> str:
    """``0%``, ``0.0031%``, ``12%``: small non-zero values keep two significant digits."""
    value = fraction * 100
    if value == 0 or value >= 1:
        return f"{value:.0f}%"
    return f"{value:.2g}%"


def count(report: CheckReport) -> tuple[int, int]:
    """(problems, warnings) in *report*."""
    statuses = [f.status for f in report.all_findings()]
    return statuses.count(Status.PROBLEM), statuses.count(Status.WARNING)
