"""One PostgreSQL cluster in a private temporary directory, run as our own child.

The lifecycle that ``pgtail --demo`` (:class:`pgtail.demo.server.DemoServer`) and the test
harness (``tests.harness.pgserver.PgServer``) share: a directory of its own holding data, socket
and log; server tools run as an unprivileged account when we are root (``initdb`` refuses root);
the postmaster started directly rather than by ``pg_ctl start`` and awaited through
``postmaster.pid``; stopped by a signal and reaped; and a last-resort stop at interpreter exit.
What the cluster is configured for (a private socket, TCP with passwords, standbys) is the
subclass's business.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from types import TracebackType
from typing import TypeVar

from pgtail.demo.binaries import SERVER_BINARIES, find_bindir
from pgtail.demo.processes import (
    ExitCleanup,
    ServerError,
    as_user,
    read_log,
    run_user,
    spawn_daemon,
    subprocess_env,
    terminate,
)
from pgtail.demo.tempdirs import make_temp_dir

__all__ = ["Postmaster", "ServerError", "cleanup_live_servers"]

P = TypeVar("P", bound="Postmaster")

#: ``postmaster.pid`` line 8 once the server takes connections (``standby`` on a hot standby).
_READY_STATES = ("ready", "standby")


class Postmaster:
    """A cluster's directory and its postmaster process; subclasses create and start it."""

    user = "postgres"
    """The superuser ``initdb`` creates."""
    temp_prefix = "pgtail-pg-"
    """Prefix of the temporary directory, so leftovers of killed runs can be found."""
    owner_file = "owner.pid"
    """Written into the directory: the pid of the process that owns it."""
    dir_mode = 0o700
    cleanup_signal: int = signal.SIGQUIT
    """How :meth:`cleanup` stops a running server (SIGINT: fast shutdown; SIGQUIT: immediate)."""
    log_tail_lines = 30
    """How much of the server log an error message quotes."""

    def __init__(
        self, bindir: str | None = None, binaries: tuple[str, ...] = SERVER_BINARIES
    ) -> None:
        self.bindir = bindir or find_bindir(binaries)
        self.run_as = run_user()
        self.base_dir = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._env = subprocess_env()

    # ------------------------------------------------------------------ paths

    @property
    def data_dir(self) -> str:
        return os.path.join(self.base_dir, "data")

    @property
    def log_file(self) -> str:
        return os.path.join(self.base_dir, "postgres.log")

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while it runs."""
        return self._proc.pid if self._proc is not None else None

    def bin(self, name: str) -> str:
        return os.path.join(self.bindir, name)

    # ------------------------------------------------------------------ lifecycle

    def start(self: P) -> P:
        raise NotImplementedError

    def make_base_dir(self) -> None:
        """Create the private directory; from now on an exit hook removes it as a last resort."""
        self.base_dir = make_temp_dir(self.temp_prefix, self.run_as, self.owner_file, self.dir_mode)
        _LIVE.add(self)

    def run_tool(
        self,
        args: Sequence[str],
        *,
        as_owner: bool = True,
        timeout: float = 60,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL tool; as root, server-side tools (*as_owner*) run as the run user."""
        name = os.path.basename(args[0])
        try:
            proc = subprocess.run(
                list(args),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                env=self._env,
                cwd=self.base_dir or None,
                timeout=timeout,
                check=False,
                **as_user(self.run_as if as_owner else None),
            )
        except subprocess.TimeoutExpired as exc:
            raise ServerError(f"{name} timed out after {timeout} s{self._log_note()}") from exc
        if check and proc.returncode != 0:
            raise ServerError(
                f"{name} failed (exit code {proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}{self._log_note()}"
            )
        return proc

    def spawn(self, timeout: float = 30) -> None:
        """Start the postmaster and wait until ``postmaster.pid`` says it takes connections."""
        proc = spawn_daemon(
            [self.bin("postgres"), "-D", self.data_dir],
            log_file=self.log_file,
            cwd=self.base_dir,
            user=self.run_as,
            env=self._env,
        )
        self._proc = proc
        pidfile = os.path.join(self.data_dir, "postmaster.pid")
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                self._proc = None
                raise ServerError(f"postgres exited during startup\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                with open(pidfile, encoding="utf-8") as fh:
                    lines = fh.read().splitlines()
                # Line 1 is the pid, line 8 the status.
                if (
                    len(lines) >= 8
                    and lines[0].strip() == str(proc.pid)
                    and lines[7].strip() in _READY_STATES
                ):
                    return
            if time.monotonic() > deadline:
                self.terminate(signal.SIGQUIT)
                raise ServerError(f"postgres did not start within {timeout} s\n{self.log_tail()}")
            time.sleep(0.02)

    def terminate(self, sig: int, timeout: float = 10) -> bool:
        """Signal the postmaster and reap it; SIGKILL after *timeout*. True if it obeyed."""
        proc, self._proc = self._proc, None
        if proc is None:
            return True
        return terminate(proc, sig, timeout)

    def cleanup(self) -> None:
        """Stop the server and delete its directory. Safe to call more than once."""
        try:
            self.terminate(self.cleanup_signal)
        finally:
            if self.base_dir:
                shutil.rmtree(self.base_dir, ignore_errors=True)
            _LIVE.discard(self)

    def __enter__(self: P) -> P:
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()

    # ------------------------------------------------------------------ the log

    def log_text(self) -> str:
        """The server log so far (empty if there is none yet)."""
        return read_log(self.log_file) if self.base_dir else ""

    def log_tail(self) -> str:
        text = self.log_text()
        if not text:
            return "(no server log)"
        return "server log (tail):\n" + "\n".join(text.splitlines()[-self.log_tail_lines :])

    def _log_note(self) -> str:
        """The log tail for an error message, if the server has written one."""
        return "\n" + self.log_tail() if self.log_text() else ""


#: Every postmaster with a directory on disk; stopped and removed at exit if still there.
_LIVE: ExitCleanup[Postmaster] = ExitCleanup()


def cleanup_live_servers() -> None:
    """Stop and remove every postmaster still here (what the exit hook does as a last resort)."""
    _LIVE.cleanup_all()
