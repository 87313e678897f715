"""Test harness: throw-away PostgreSQL clusters, a fault-injecting TCP proxy and PgBouncer."""

from harness.pgserver import PgServer, PgServerError, find_bindir, free_port, notify

__all__ = ["PgServer", "PgServerError", "find_bindir", "free_port", "notify"]
