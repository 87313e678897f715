"""A side connection for questions about the server: who sent it, which channels exist, how full
the notification queue is. Kept apart from the listening connection so that none of these queries
ever delays reading notifications.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterable

import psycopg

from pgtail.core.dsn import Dsn
from pgtail.core.models import (
    INTERNAL_CHANNEL_PREFIX,
    ChannelSource,
    DiscoveredChannel,
    SenderInfo,
)

_SENDERS_SQL = """
SELECT pid, coalesce(application_name, ''), coalesce(usename::text, ''),
       coalesce(host(client_addr), ''), coalesce(backend_type, '')
FROM pg_stat_activity WHERE pid = ANY(%s)
"""

_LISTENERS_SQL = r"""
SELECT pid, coalesce(application_name, ''), query
FROM pg_stat_activity
WHERE pid <> pg_backend_pid() AND state = 'idle' AND datname = current_database()
  AND query ~* '^\s*(/\*\s*)?listen\s'
"""

_FUNCTIONS_SQL = r"""
SELECT p.oid::regprocedure::text,
       coalesce((SELECT string_agg(format('%I on %s', t.tgname, t.tgrelid::regclass), ', ')
                 FROM pg_trigger t WHERE t.tgfoid = p.oid AND NOT t.tgisinternal), ''),
       p.prosrc
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND p.prosrc ~* '(pg_notify|notify)'
"""

# LISTEN "Quoted ""name""" or LISTEN bare_name (folded to lower case, as the server does).
_IDENT = r'"((?:[^"]|"")+)"|([^\s;,"()]+)'
_LISTEN_RE = re.compile(r"\blisten\s+(?:" + _IDENT + ")", re.I)
_NOTIFY_RE = re.compile(r"\bnotify\s+(?:" + _IDENT + ")", re.I)
_PG_NOTIFY_RE = re.compile(r"\bpg_notify\s*\(\s*'((?:[^']|'')*)'", re.I)


def _ident(quoted: str | None, bare: str | None) -> str:
    return quoted.replace('""', '"') if quoted else (bare or "").lower()


def channels_in_sql(text: str, verb: str) -> list[str]:
    """Channel names written as literals in *text* after LISTEN (verb="listen") or NOTIFY /
    pg_notify (verb="notify")."""
    found: list[str] = []
    if verb == "listen":
        found += [_ident(q, b) for q, b in _LISTEN_RE.findall(text)]
    else:
        found += [_ident(q, b) for q, b in _NOTIFY_RE.findall(text)]
        found += [lit.replace("''", "'") for lit in _PG_NOTIFY_RE.findall(text)]
    return list(dict.fromkeys(found))


def group_sightings(found: Iterable[tuple[str, ChannelSource]]) -> list[DiscoveredChannel]:
    """One :class:`DiscoveredChannel` per name, with its sources in the order seen (each once),
    sorted by name; names of pgtail's own internal channels are left out."""
    sources: dict[str, list[ChannelSource]] = {}
    for name, source in found:
        if name.startswith(INTERNAL_CHANNEL_PREFIX):
            continue
        seen = sources.setdefault(name, [])
        if source not in seen:
            seen.append(source)
    names = sorted(sources, key=lambda name: (name.casefold(), name))
    return [DiscoveredChannel(name, tuple(sources[name])) for name in names]


class Inspector:
    """Answers questions on its own connection; caches sender lookups per pid."""

    def __init__(self, dsn: Dsn) -> None:
        self.dsn = dsn
        self._conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._lock = asyncio.Lock()
        self._senders: dict[int, SenderInfo] = {}

    async def senders(self, pids: set[int]) -> dict[int, SenderInfo]:
        """Who each pid is; a pid no longer in pg_stat_activity is reported as gone."""
        missing = [p for p in pids if p not in self._senders]
        if missing:
            rows = await self._fetch(_SENDERS_SQL, (missing,))
            for pid, app, user, addr, btype in rows:
                self._senders[int(str(pid))] = SenderInfo(
                    int(str(pid)), str(app), str(user), str(addr), str(btype)
                )
            for pid in missing:
                self._senders.setdefault(pid, SenderInfo(pid, gone=True))
        return {p: self._senders[p] for p in pids}

    async def discover(self) -> list[DiscoveredChannel]:
        """Channels other sessions LISTEN on, and channels named in functions and triggers: one
        entry per channel with every place it was seen, sorted by name; pgtail's own internal
        channels are left out."""
        found: list[tuple[str, ChannelSource]] = []
        for pid, app, query in await self._fetch(_LISTENERS_SQL):
            where = f"session {pid}" + (f" ({app})" if app else "")
            found += [
                (n, ChannelSource("listener", where)) for n in channels_in_sql(str(query), "listen")
            ]
        for signature, triggers, source in await self._fetch(_FUNCTIONS_SQL):
            where = str(signature) + (f", trigger {triggers}" if triggers else "")
            found += [
                (n, ChannelSource("function", where))
                for n in channels_in_sql(str(source), "notify")
            ]
        return group_sightings(found)

    async def queue_usage(self) -> float:
        """The fraction (0..1) of the cluster's notification queue in use."""
        rows = await self._fetch("SELECT pg_notification_queue_usage()")
        return float(str(rows[0][0]))

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 1.0)

    async def _fetch(
        self, query: str, params: tuple[object, ...] | None = None
    ) -> list[tuple[object, ...]]:
        async with self._lock:
            for attempt in (1, 2):
                if self._conn is None or self._conn.closed:
                    self._conn = await psycopg.AsyncConnection.connect(
                        self.dsn.conninfo, autocommit=True
                    )
                try:
                    cur = await self._conn.execute(query, params)
                    return await cur.fetchall()
                except psycopg.OperationalError:
                    await self.close()
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")
