"""A throw-away PgBouncer in front of a :class:`~harness.pgserver.PgServer`.

PgBouncer in transaction pooling mode is the classic way LISTEN silently stops working
(the session that ran LISTEN goes back to the pool), so tests need a real one. It
authenticates clients with ``trust`` and reaches PostgreSQL over the cluster's unix
socket, so it works in front of a password-protected cluster too (without checking the
password itself).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Literal

from pgtail.demo.processes import ExitCleanup, read_log, spawn_daemon, terminate
from tests.harness.pgserver import (
    PgServer,
    free_port,
    make_temp_dir,
    quote_conninfo_value,
    run_user,
    subprocess_env,
)

__all__ = [
    "PgBouncer",
    "PgBouncerError",
    "PgBouncerUnavailable",
    "cleanup_live_bouncers",
    "find_pgbouncer",
]

PoolMode = Literal["session", "transaction", "statement"]


class PgBouncerError(RuntimeError):
    """PgBouncer failed to start or stop."""


class PgBouncerUnavailable(PgBouncerError):
    """No ``pgbouncer`` binary on this machine (tests should skip, not fail)."""


def find_pgbouncer() -> str | None:
    """Path of the ``pgbouncer`` binary (Debian puts it in /usr/sbin, often not on PATH)."""
    env = os.environ.get("PGBOUNCER")
    if env:
        return env if os.access(env, os.X_OK) else None
    found = shutil.which("pgbouncer")
    if found:
        return found
    for cand in ("/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer", "/usr/local/bin/pgbouncer"):
        if os.access(cand, os.X_OK):
            return cand
    return None


class PgBouncer:
    """PgBouncer on 127.0.0.1:<free port> forwarding every database name to ``pg``."""

    host = "127.0.0.1"

    def __init__(
        self,
        pg: PgServer,
        pool_mode: PoolMode = "transaction",
        *,
        users: Iterable[str] = (),
        settings: Mapping[str, str | int] | None = None,
        start: bool = True,
    ) -> None:
        binary = find_pgbouncer()
        if binary is None:
            raise PgBouncerUnavailable(
                "pgbouncer is not installed (apt-get install pgbouncer, or set $PGBOUNCER)"
            )
        self.binary = binary
        self.pg = pg
        self.pool_mode = pool_mode
        self.users = [pg.user, *[u for u in users if u != pg.user]]
        self.settings = dict(settings or {})
        self.run_as = run_user()
        self.base_dir = ""
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        if start:
            try:
                self.start()
            except BaseException:
                self.cleanup()
                raise

    @property
    def ini_path(self) -> str:
        return os.path.join(self.base_dir, "pgbouncer.ini")

    @property
    def log_file(self) -> str:
        return os.path.join(self.base_dir, "pgbouncer.log")

    @property
    def user(self) -> str:
        return self.pg.user

    def conninfo(self, *, dbname: str | None = None, **extra: str | int) -> str:
        """A libpq conninfo for a database through PgBouncer."""
        parts: dict[str, str | int] = {
            "host": self.host,
            "port": self.port,
            "user": self.pg.user,
            "dbname": dbname or self.pg.dbname,
            **extra,
        }
        return " ".join(f"{k}={quote_conninfo_value(str(v))}" for k, v in parts.items())

    @property
    def dsn(self) -> str:
        """Conninfo for the server's default database through PgBouncer."""
        return self.conninfo()

    @property
    def uri(self) -> str:
        q = urllib.parse.quote
        return f"postgresql://{q(self.pg.user, safe='')}@{self.host}:{self.port}/{self.pg.dbname}"

    # ------------------------------------------------------------------ lifecycle

    def _write_config(self) -> None:
        settings: dict[str, str | int] = {
            "listen_addr": self.host,
            "listen_port": self.port,
            "unix_socket_dir": self.base_dir,
            "auth_type": "trust",
            "auth_file": os.path.join(self.base_dir, "userlist.txt"),
            "admin_users": self.pg.user,
            "pool_mode": self.pool_mode,
            "max_client_conn": 200,
            "default_pool_size": 5,
            "server_reset_query": "DISCARD ALL",
            "ignore_startup_parameters": "extra_float_digits",
            "server_connect_timeout": 5,
            "server_login_retry": 1,
            "pidfile": os.path.join(self.base_dir, "pgbouncer.pid"),
            **self.settings,
        }
        lines = [
            "[databases]",
            f"* = host={self.pg.socket_dir} port={self.pg.port}",
            "",
            "[pgbouncer]",
            *(f"{k} = {v}" for k, v in settings.items()),
            "",
        ]
        with open(self.ini_path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines))
        with open(settings["auth_file"], "w", encoding="utf-8") as fh:
            fh.writelines(f'"{u}" ""\n' for u in self.users)
        if self.run_as is not None:
            for path in (self.ini_path, str(settings["auth_file"])):
                os.chown(path, self.run_as.uid, self.run_as.gid)

    def start(self) -> PgBouncer:
        """Start PgBouncer in the foreground (our child) and wait until it accepts TCP."""
        if self._proc is not None:
            return self
        if not self.base_dir:
            self.base_dir = make_temp_dir("pgtail-bouncer-", self.run_as)
            _LIVE.add(self)
        for attempt in range(3):
            if self.port == 0 or attempt > 0:
                self.port = free_port()
            self._write_config()
            try:
                self._spawn()
                return self
            except PgBouncerError:
                if attempt == 2 or "Address already in use" not in self.log_text():
                    raise
        raise AssertionError("unreachable")

    def _spawn(self, timeout: float = 10) -> None:
        proc = spawn_daemon(
            [self.binary, self.ini_path],
            log_file=self.log_file,
            cwd=self.base_dir,
            user=self.run_as,
            env=subprocess_env(),
        )
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise PgBouncerError(f"pgbouncer exited with {proc.returncode}:\n{self.log_text()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                terminate(proc, signal.SIGKILL, timeout=5)
                raise PgBouncerError(
                    f"pgbouncer did not listen within {timeout}s\n{self.log_text()}"
                )
            time.sleep(0.02)
        self._proc = proc

    def stop(self) -> None:
        """Shut PgBouncer down at once (SIGTERM), closing all client connections."""
        proc, self._proc = self._proc, None
        if proc is not None:
            terminate(proc, signal.SIGTERM, timeout=10)

    def cleanup(self) -> None:
        """Stop and delete the temporary directory."""
        self.stop()
        if self.base_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        _LIVE.discard(self)

    close = cleanup

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def admin(self, command: str) -> str:
        """Run a console command (e.g. ``SHOW POOLS``) via ``psql``; unaligned output."""
        proc = subprocess.run(
            [
                os.path.join(self.pg.bindir, "psql"),
                "-X",
                "-A",
                "-t",
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                self.pg.user,
                "-d",
                "pgbouncer",
                "-c",
                command,
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=subprocess_env(),
            timeout=30,
            check=False,
        )
        if proc.returncode != 0:
            raise PgBouncerError(f"pgbouncer console: {command!r} failed:\n{proc.stderr}")
        return proc.stdout.rstrip("\n")

    def log_text(self) -> str:
        return read_log(self.log_file)

    def __enter__(self) -> PgBouncer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()

    def __repr__(self) -> str:
        return f"<PgBouncer {self.host}:{self.port} {self.pool_mode} -> {self.pg!r}>"


#: Every PgBouncer with a directory on disk; stopped and removed at exit if still there.
_LIVE: ExitCleanup[PgBouncer] = ExitCleanup()
#: Stop and remove every PgBouncer still here.
cleanup_live_bouncers = _LIVE.cleanup_all
