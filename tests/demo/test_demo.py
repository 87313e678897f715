"""``pgtail --demo`` end to end: real subprocesses, a real server, real signals.

Each test starts ``python -m pgtail --demo``, waits until it is really running (notifications on
stdout, or pgtail's own connection on the demo server), ends it the way a user or a dropped SSH
session would, and then checks that the postmaster and every backend it had are gone and that the
temporary directory was removed.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import psycopg
import pytest

from pgtail.demo.binaries import FORCE_EMBEDDED_ENV
from pgtail.demo.channels import CHANNELS
from pgtail.demo.server import OWNER_FILE, TEMP_PREFIX
from tests.harness.cli import ROOT, collect_lines, pgtail_command, pgtail_env
from tests.harness.hangup import process_stat
from tests.harness.wait import wait_until

COMMAND = pgtail_command("--demo")
#: Starting includes initdb; generous for a loaded machine, but a healthy run takes ~2 s.
STARTUP_TIMEOUT = 30.0

pytestmark = pytest.mark.timeout(90)


def _env() -> dict[str, str]:
    # No libpq variables from the developer; PGTAIL_EMBEDDED_POSTGRES may pick the binaries.
    extra = {"TERM": "xterm-256color"}
    if FORCE_EMBEDDED_ENV in os.environ:
        extra[FORCE_EMBEDDED_ENV] = os.environ[FORCE_EMBEDDED_ENV]
    return pgtail_env(**extra)


# --------------------------------------------------------------------------- processes


def _uid(pid: int) -> int | None:
    """The real uid of a live process, or None once it is gone (a backend may end any time)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for {pid}")


def _server_processes(postmaster: int) -> dict[int, int]:
    """The postmaster and its children (backends, checkpointer, ...): pid -> start time."""
    found: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = process_stat(int(entry))
            if st is not None and (int(entry) == postmaster or st[0] == postmaster):
                found[int(entry)] = st[1]
    return found


def _demo_dir(owner: int) -> str | None:
    for base in {"/tmp", tempfile.gettempdir()}:
        for path in glob.glob(os.path.join(base, TEMP_PREFIX + "*")):
            with contextlib.suppress(OSError, ValueError):
                if int(Path(path, OWNER_FILE).read_text()) == owner:
                    return path
    return None


class Running:
    """What one demo run started: its directory, postmaster and server processes."""

    def __init__(self, pgtail_pid: int) -> None:
        self.pgtail_pid = pgtail_pid
        self.directory = ""
        self.postmaster = 0
        self.processes: dict[int, int] = {}

    def wait_ready(self, alive: Callable[[], bool], pump: Callable[[], None]) -> None:
        """Until pgtail's own listening connection is on the demo server."""

        def ready() -> str:
            assert alive(), "pgtail --demo exited during startup"
            pump()
            directory = _demo_dir(self.pgtail_pid)
            return directory if directory and self._listener_connected(directory) else ""

        directory = wait_until(
            ready,
            timeout=STARTUP_TIMEOUT,
            what="pgtail --demo listening on its server",
            seen=lambda: f"directory {_demo_dir(self.pgtail_pid)}",
            interval=0.05,
        )
        self.directory = directory
        self.postmaster = int(Path(directory, "data/postmaster.pid").read_text().split()[0])
        self.processes = _server_processes(self.postmaster)
        assert self.postmaster in self.processes

    @staticmethod
    def _listener_connected(directory: str) -> bool:
        try:
            with psycopg.connect(
                f"host={directory} port=5432 user=postgres dbname=postgres", connect_timeout=2
            ) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgtail'"
                ).fetchone()
        except psycopg.Error:
            return False
        return bool(row and row[0])

    def assert_cleaned_up(self) -> None:
        leftovers = [
            pid
            for pid, started in self.processes.items()
            if (process_stat(pid) or (0, -1))[1] == started
        ]
        assert not leftovers, f"server processes left behind: {leftovers}"
        assert not os.path.exists(self.directory), f"{self.directory} left behind"


def _start(mode: str, stdout: int = subprocess.PIPE) -> subprocess.Popen[str]:
    """``pgtail --demo <mode>``, its stderr a pipe."""
    return subprocess.Popen(
        [*COMMAND, mode], stdout=stdout, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT
    )


@contextlib.contextmanager
def _killing(proc: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _drain(stream: IO[str] | None, into: list[str]) -> threading.Thread:
    assert stream is not None
    return collect_lines(stream, into)


# --------------------------------------------------------------------------- pipe mode


def test_json_shows_traffic_on_every_channel_and_cleans_up_at_end_of_pipe() -> None:
    proc = _start("--json")
    errors: list[str] = []
    with _killing(proc):
        assert proc.stdout is not None
        _drain(proc.stderr, errors)
        run = Running(proc.pid)
        run.wait_ready(lambda: proc.poll() is None, lambda: None)
        if os.geteuid() == 0:
            # initdb refuses root; the server must run as an existing unprivileged account.
            uids = {pid: _uid(pid) for pid in run.processes}
            assert uids[run.postmaster] is not None
            assert all(uid != 0 for uid in uids.values()), uids
        seen: set[str] = set()
        deadline = time.monotonic() + 15
        while seen != set(CHANNELS) and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, f"stdout ended early; stderr:\n{''.join(errors)}"
            event = json.loads(line)
            seen.add(event["channel"])
            json.loads(event["payload"])  # the triggers send JSON
        assert seen == set(CHANNELS)
        # Like `| head`: the reader goes away and pgtail ends at its next write.
        proc.stdout.close()
        assert proc.wait(20) == 0, "".join(errors)
    run.assert_cleaned_up()


@pytest.mark.parametrize(
    ("sig", "mode"),
    [(signal.SIGINT, "--plain"), (signal.SIGTERM, "--json"), (signal.SIGHUP, "--json")],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_signal_stops_server_and_removes_directory(sig: signal.Signals, mode: str) -> None:
    proc = _start(mode)
    lines: list[str] = []
    errors: list[str] = []
    with _killing(proc):
        _drain(proc.stdout, lines)
        _drain(proc.stderr, errors)
        run = Running(proc.pid)
        run.wait_ready(lambda: proc.poll() is None, lambda: None)
        wait_until(lambda: lines, what="a notification", seen=lambda: "".join(errors))
        proc.send_signal(sig)
        assert proc.wait(20) == 0, "".join(errors)
    run.assert_cleaned_up()
    if mode == "--plain":
        assert any("  orders  " in line for line in lines)


def test_signal_during_startup_leaves_nothing() -> None:
    """SIGTERM while initdb or the server is still starting: nothing may be left either."""
    proc = _start("--json", stdout=subprocess.DEVNULL)
    errors: list[str] = []
    with _killing(proc):
        _drain(proc.stderr, errors)
        # The signal comes as soon as the directory is there: initdb or the server is starting.
        wait_until(
            lambda: any("starting" in e for e in errors),
            timeout=STARTUP_TIMEOUT,
            what="the demo server starting",
            seen=lambda: "".join(errors),
        )
        directory = wait_until(
            lambda: _demo_dir(proc.pid) or "",
            timeout=STARTUP_TIMEOUT,
            what="the demo's directory",
            interval=0.001,
        )
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    assert not os.path.exists(directory)
    # Whatever postmaster the run got to start named its directory on its command line.
    for entry in os.listdir("/proc"):
        with contextlib.suppress(OSError):
            assert directory not in Path(f"/proc/{entry}/cmdline").read_bytes().decode()


# --------------------------------------------------------------------------- terminal


def test_terminal_hangup_stops_server_and_removes_directory() -> None:
    """The SSH session drops: the terminal hangs up and the kernel sends SIGHUP."""
    env = _env()  # made before the fork: the child only changes directory and execs
    pid, master = pty.fork()
    if pid == 0:  # the child: a session leader whose controlling terminal is the pty
        os.chdir(ROOT)
        os.execve(sys.executable, COMMAND, env)
    output = bytearray()

    def pump() -> None:
        while select.select([master], [], [], 0)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    def alive() -> bool:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)

    try:
        run = Running(pid)
        run.wait_ready(alive, pump)
        pump()
    finally:
        os.close(master)  # the hangup

    statuses: list[int] = []

    def exited() -> bool:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            statuses.append(status)
        return bool(done)

    try:
        wait_until(
            exited,
            timeout=20,
            what="pgtail to exit after the hangup",
            seen=lambda: output.decode(errors="replace"),
        )
    except AssertionError:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    status = statuses[0]
    assert os.WIFEXITED(status), f"pgtail died of a signal: {status}"
    run.assert_cleaned_up()


# --------------------------------------------------------------------------- failures


def test_cleans_up_when_the_ui_raises() -> None:
    """A crash in the UI or pipe mode still stops the server and removes the directory."""
    from pgtail.demo import run_demo
    from pgtail.settings import OutputMode, Settings

    seen: list[Running] = []

    def crashing(settings: Settings) -> int:
        run = Running(os.getpid())
        assert settings.dsn is not None
        run.directory = settings.dsn.split()[0].removeprefix("host=")
        run.postmaster = int(Path(run.directory, "data/postmaster.pid").read_text().split()[0])
        run.processes = _server_processes(run.postmaster)
        assert set(settings.channels) == set(CHANNELS)
        seen.append(run)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_demo(Settings(dsn=None, channels=(), mode=OutputMode.JSON, demo=True), crashing)
    assert seen
    seen[0].assert_cleaned_up()
