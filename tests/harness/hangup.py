"""A pgtail whose terminal can hang up, as when an SSH session drops.

:class:`PtySession` starts ``python -m pgtail`` as the leader of a session of its own whose
controlling terminal is a fresh pty (what sshd gives a login shell). Closing the pty's master
side is the hangup: the kernel hangs the terminal up and sends SIGHUP (and SIGCONT) to pgtail.
The session then times how long pgtail takes to exit, and reports how it ended.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from tests.harness.cli import ROOT, pgtail_command, pgtail_env
from tests.harness.proc_stat import stat_fields

__all__ = ["EXIT_WITHIN", "Ended", "PtySession", "backends"]

#: What the tests ask of pgtail: gone this soon after its terminal hung up.
EXIT_WITHIN = 2.0


class Ended:
    """How a pgtail process ended after its hangup."""

    def __init__(
        self, status: int | None, seconds: float, output: bytes, threads: list[str] | None = None
    ) -> None:
        self.status = status
        """The wait status, or None when it had to be killed (it did not exit by itself)."""
        self.seconds = seconds
        """From the hangup to the process being gone."""
        self.output = output
        self.threads = threads or []
        """When it did not exit: the names of its threads then (what it was waiting for)."""

    @property
    def how(self) -> str:
        if self.status is None:
            return f"did not exit (killed; threads {', '.join(self.threads)})"
        if os.WIFEXITED(self.status):
            return f"exit code {os.WEXITSTATUS(self.status)}"
        return f"killed by {signal.Signals(os.WTERMSIG(self.status)).name}"

    def __repr__(self) -> str:
        tail = self.output[-600:].decode(errors="replace")
        return f"<{self.how} {self.seconds:.2f} s after the hangup; output tail {tail!r}>"


class PtySession:
    """``python -m pgtail *args`` as a session leader on a pty of *cols* x *rows*."""

    def __init__(
        self, *args: str, cols: int = 80, rows: int = 24, env: dict[str, str] | None = None
    ) -> None:
        full_env = pgtail_env(**(env or {}))
        full_env.pop("COLUMNS", None)
        full_env.pop("LINES", None)
        full_env["TERM"] = "xterm-256color"
        command = pgtail_command(*args)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child only sets up its terminal and execs
            try:
                os.close(master)
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                if slave > 2:
                    os.close(slave)
                os.chdir(ROOT)
                os.execve(command[0], command, full_env)
            finally:
                os._exit(127)
        os.close(slave)
        self.pid = pid
        self.master: int | None = master
        self.output = bytearray()
        """Everything pgtail wrote to its terminal until the hangup."""
        self._lock = threading.Lock()
        self._status: int | None = None
        self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self._reader.start()

    def _read(self, master: int) -> None:
        while True:
            try:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    if self.master is None:
                        return
                    continue
                chunk = os.read(master, 65536)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def wrote(self, data: bytes) -> bool:
        with self._lock:
            return data in self.output

    def alive(self) -> bool:
        if self._status is not None:
            return False
        done, status = os.waitpid(self.pid, os.WNOHANG)
        if done:
            self._status = status
            return False
        return True

    def wait_until(self, condition: Callable[[], object], what: str, timeout: float = 30.0) -> None:
        """Wait for *condition* while pgtail runs; fail if pgtail exits or time runs out."""
        deadline = time.monotonic() + timeout
        while not condition():
            if not self.alive():
                raise AssertionError(f"pgtail exited while waiting for {what}: {self._tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: {self._tail()}")
            time.sleep(0.01)

    def hang_up(self, timeout: float = 20.0) -> Ended:
        """Close the terminal, then wait (up to *timeout* s) for pgtail to be gone."""
        master, self.master = self.master, None
        assert master is not None, "already hung up"
        # Keep what is still buffered: a failure report shows the last screen.
        with contextlib.suppress(OSError):
            while select.select([master], [], [], 0)[0]:
                chunk = os.read(master, 65536)
                if not chunk:
                    break
                with self._lock:
                    self.output += chunk
        hung_up = time.monotonic()
        os.close(master)
        deadline = hung_up + timeout
        while self.alive():
            if time.monotonic() > deadline:
                threads = thread_names(self.pid)
                os.kill(self.pid, signal.SIGKILL)
                _, self._status = os.waitpid(self.pid, 0)
                return Ended(None, time.monotonic() - hung_up, bytes(self.output), threads)
            time.sleep(0.005)
        return Ended(self._status, time.monotonic() - hung_up, bytes(self.output))

    def kill(self) -> None:
        """End pgtail however it is (a test that failed half-way)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        if self.master is not None:
            with contextlib.suppress(OSError):
                os.close(self.master)
            self.master = None

    def _tail(self) -> str:
        with self._lock:
            return repr(bytes(self.output[-600:]).decode(errors="replace"))


def backends(conninfo: str, application_name: str) -> list[int]:
    """The pids of the server sessions named *application_name* (pgtail's listener, sender and
    inspector all carry the name of the DSN they were given)."""
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (application_name,)
        ).fetchall()
    return [int(row[0]) for row in rows]


def thread_names(pid: int) -> list[str]:
    """The names of a live process's threads (Python names them in /proc as it starts them)."""
    names = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        with contextlib.suppress(OSError):
            names.append((task / "comm").read_text().strip())
    return names


def check_ended(ended: Ended, moment: str) -> None:
    """pgtail went by itself within :data:`EXIT_WITHIN` of a hangup at *moment*, with exit code 0
    (or, hung up before it could install its handler, killed by the SIGHUP itself)."""
    assert ended.status is not None, f"hangup while {moment}: {ended}"
    assert ended.seconds <= EXIT_WITHIN, f"hangup while {moment}: {ended}"
    if os.WIFSIGNALED(ended.status):
        assert moment == "starting" and os.WTERMSIG(ended.status) == signal.SIGHUP, (
            f"hangup while {moment}: {ended}"
        )
    else:
        assert os.WEXITSTATUS(ended.status) == 0, f"hangup while {moment}: {ended}"


def process_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a live process, or None once it is gone (or a zombie)."""
    fields = stat_fields(pid)
    if fields is None or fields[0] == "Z":
        return None
    return int(fields[1]), int(fields[19])
