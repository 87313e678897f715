"""The real ``pgtail`` command as a subprocess: its command line, a PG*-free environment, and a
running process whose stdout is read line by line."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from pgtail.demo.processes import environ_without_pg

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
    """A pgtail subprocess: stdout read line by line, stderr collected by a thread."""

    def __init__(self, *args: str, **env: str) -> None:
        self.proc = subprocess.Popen(
            pgtail_command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=pgtail_env(**env),
        )
        self._err: list[str] = []
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()

    def _collect(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._err.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self._err)

    def wait_stderr(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stderr:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"{text!r} not in stderr: {self.stderr!r}")
            time.sleep(0.05)

    def stdout_line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"stdout closed; stderr: {self.stderr!r}"
        return line

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(15)
        self._reader.join(5)
        return code
