"""How pgtail runs a server process of its own: as whom, with which environment, and how it ends.

Shared by the ``--demo`` postmaster and the test harness's daemons (PostgreSQL, PgBouncer), so
they all start the same way: as our own child in a session of its own (a daemon re-parented to
PID 1 stays a zombie where PID 1 does not reap orphans), as an unprivileged account when we are
root, without the caller's ``PG*`` variables, and registered for a last-resort stop at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import subprocess
import threading
from collections.abc import Collection, Mapping
from typing import Any, Generic, Protocol, TypeVar

__all__ = [
    "ExitCleanup",
    "RunUser",
    "ServerError",
    "as_user",
    "environ_without_pg",
    "pid_alive",
    "read_log",
    "run_user",
    "spawn_daemon",
    "subprocess_env",
    "terminate",
]


class ServerError(RuntimeError):
    """A server could not be found, created, started, stopped or queried."""


# --------------------------------------------------------------------------- environment


def environ_without_pg(keep: Collection[str] = ()) -> dict[str, str]:
    """A copy of ``os.environ`` without the ``PG*`` variables (except those in *keep*).

    A user's ``PGHOST``/``PGDATA``/``PGOPTIONS`` (or ``PGTAIL_DSN``) must not steer a throw-away
    cluster, nor a pgtail started by a test or a benchmark.
    """
    return {k: v for k, v in os.environ.items() if not k.startswith("PG") or k in keep}


def subprocess_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for server subprocesses: no ``PG*`` variables, the C locale."""
    env = environ_without_pg()
    env["LC_ALL"] = "C"
    env.pop("LANGUAGE", None)
    if extra:
        env.update(extra)
    return env


# --------------------------------------------------------------------------- accounts


class RunUser:
    """An unprivileged account that server processes run as when we are root."""

    def __init__(self, name: str, uid: int, gid: int) -> None:
        self.name = name
        self.uid = uid
        self.gid = gid

    def popen_kwargs(self) -> dict[str, Any]:
        """Arguments for :class:`subprocess.Popen` that drop to this user (and no extra groups)."""
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def chown(self, path: str) -> None:
        os.chown(path, self.uid, self.gid)

    def __repr__(self) -> str:
        return f"RunUser({self.name!r}, uid={self.uid}, gid={self.gid})"


def run_user() -> RunUser | None:
    """The account to run server binaries as: None unless we are root.

    Prefers ``postgres``, then ``nobody``; no account is ever created or changed.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return RunUser(name, pw.pw_uid, pw.pw_gid)
    raise ServerError("Running as root, but neither a 'postgres' nor a 'nobody' account exists")


def as_user(user: RunUser | None) -> dict[str, Any]:
    """:class:`subprocess.Popen` arguments that run a child as *user* (none when None)."""
    return user.popen_kwargs() if user is not None else {}


# --------------------------------------------------------------------------- processes


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def spawn_daemon(
    args: list[str], *, log_file: str, cwd: str, user: RunUser | None, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """Start *args* as our child, output appended to *log_file*, in a session of its own.

    Its own session: Ctrl+C at the terminal reaches us, and we stop the daemon in order,
    instead of it dying under a running client.
    """
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            **as_user(user),
        )
    if user is not None:
        user.chown(log_file)
    return proc


def terminate(proc: subprocess.Popen[bytes], sig: int, timeout: float = 10) -> bool:
    """Send *sig* and reap the process; SIGKILL after *timeout* s. True if it obeyed in time."""
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(10)
        return False
    return True


def read_log(path: str) -> str:
    """A daemon's log so far (empty if there is none yet)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


# --------------------------------------------------------------------------- last resort


class _CleansUp(Protocol):
    def cleanup(self) -> None: ...


T = TypeVar("T", bound=_CleansUp)


class ExitCleanup(Generic[T]):
    """The live daemons of one kind; whatever is still here at interpreter exit is cleaned up.

    Each daemon adds itself once it owns something on disk and discards itself in its own
    ``cleanup()``; the atexit hook is the last resort for a run that never got there.
    """

    def __init__(self) -> None:
        self._live: set[T] = set()
        self._lock = threading.Lock()
        atexit.register(self.cleanup_all)

    def add(self, item: T) -> None:
        with self._lock:
            self._live.add(item)

    def discard(self, item: T) -> None:
        with self._lock:
            self._live.discard(item)

    def cleanup_all(self) -> None:
        with self._lock:
            items = list(self._live)
        for item in items:
            with contextlib.suppress(Exception):
                item.cleanup()
