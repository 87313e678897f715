"""The real ``pgtail`` command as a subprocess: its command line, a PG*-free environment, and a
running process whose stdout is read line by line."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, AnyStr

from pgtail.demo.processes import environ_without_pg
from tests.harness.wait import wait_until

#: This checkout: the pgtail that tests (and, by default, benchmarks) run.
ROOT = Path(__file__).resolve().parent.parent.parent


def pgtail_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pgtail", *args]


def _empty_xdg_homes() -> tuple[str, str]:
    """Empty config and state directories of one pgtail's own, removed when the tests end."""
    path = tempfile.mkdtemp(prefix="pgtail-xdg-")
    atexit.register(shutil.rmtree, path, True)
    return os.path.join(path, "config"), os.path.join(path, "state")


def pgtail_env(checkout: str | Path = ROOT, **extra: str) -> dict[str, str]:
    """The caller's environment without ``PG*`` variables, importing pgtail from *checkout*.

    A developer's ``PGHOST``, ``PGTAIL_DSN`` or ``~/.config/pgtail/config.toml`` must not steer
    the pgtail under test, nor one pgtail's remembered state (``$XDG_STATE_HOME``) the next:
    the XDG homes are empty directories of each call's own. *extra* adds variables back on
    purpose.
    """
    env = environ_without_pg()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    env["XDG_CONFIG_HOME"], env["XDG_STATE_HOME"] = _empty_xdg_homes()
    env.update(extra)
    return env


def run_pgtail(*args: str, timeout: float = 30, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        pgtail_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=pgtail_env(**env),
        stdin=subprocess.DEVNULL,
    )


class Running:
    """A pgtail subprocess: stdout and stderr collected by threads, waited on with deadlines."""

    def __init__(self, *args: str, **env: str) -> None:
        self.proc = subprocess.Popen(
            pgtail_command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=pgtail_env(**env),
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._out: list[str] = []
        self._taken = 0
        self._err: list[str] = []
        self._readers = [collect_lines(self.proc.stdout, self._out)]
        self._readers.append(collect_lines(self.proc.stderr, self._err))

    @property
    def stderr(self) -> str:
        return "".join(self._err)

    def _ended(self) -> bool:
        """True once pgtail has exited and everything it wrote has been read."""
        if self.proc.poll() is None:
            return False
        for reader in self._readers:
            reader.join(5)
        return True

    def wait_stderr(self, text: str, timeout: float = 20) -> None:
        """Wait until *text* is on stderr; fail at once should pgtail exit without writing it."""

        def written() -> bool:
            ended = self._ended()
            if text in self.stderr:
                return True
            if ended:
                raise AssertionError(f"pgtail exited ({self.proc.returncode}): {self.stderr!r}")
            return False

        wait_until(written, timeout=timeout, what=f"{text!r} on stderr", seen=self._describe)

    def stdout_line(self, timeout: float = 20) -> str:
        """The next line pgtail writes to stdout, waited for up to *timeout* seconds."""

        def next_line() -> str:
            ended = self._ended()
            if self._taken < len(self._out):
                self._taken += 1
                return self._out[self._taken - 1]
            if ended:
                raise AssertionError(f"stdout closed ({self.proc.returncode}): {self.stderr!r}")
            return ""  # every line read ends in a newline: "" is none yet

        return wait_until(next_line, timeout=timeout, what="a line on stdout", seen=self._describe)

    def _describe(self) -> str:
        return f"stdout {self._out[self._taken :]!r}, stderr {self.stderr!r}"

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(15)
        for reader in self._readers:
            reader.join(5)
        return code


def collect_lines(stream: IO[AnyStr], into: list[AnyStr]) -> threading.Thread:
    """Append each line of *stream* to *into* as it comes, on a thread of its own."""

    def read() -> None:
        with contextlib.suppress(ValueError, OSError):  # closed under the reader: done
            for line in stream:
                into.append(line)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread
