"""Test harness: throw-away PostgreSQL clusters, a fault-injecting TCP proxy and PgBouncer."""

from tests.harness.pgbouncer import PgBouncer, PgBouncerUnavailable
from tests.harness.pgserver import PgServer, PgServerError, find_bindir, free_port, notify
from tests.harness.proxy import TcpProxy

__all__ = [
    "PgBouncer",
    "PgBouncerUnavailable",
    "PgServer",
    "PgServerError",
    "TcpProxy",
    "find_bindir",
    "free_port",
    "notify",
]
