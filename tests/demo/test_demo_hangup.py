"""A dropped SSH session ends ``pgtail --demo`` and takes its server and directory with it,
whenever it drops: while the interpreter starts, while the server is being made, before the
first frame, once connected, during a flood.

pgtail runs on a pty as the leader of its own session; closing the pty is the hangup (the kernel
sends SIGHUP). Each time pgtail must be gone within two seconds, and nothing it started may be
left: no postmaster or backend, no directory. Before pgtail handles the signal (the interpreter
still starting) the default action may end it, which is fine: nothing was started yet.

``PGTAIL_HANGUP_ROUNDS=100`` repeats every moment that many times (the default is once).
"""

from __future__ import annotations

import contextlib
import glob
import os
import random
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest

from pgtail.demo.binaries import FORCE_EMBEDDED_ENV
from pgtail.demo.server import OWNER_FILE, TEMP_PREFIX
from tests.harness.flood import send_flood
from tests.harness.hangup import PtySession, check_ended, process_stat

ROUNDS = int(os.environ.get("PGTAIL_HANGUP_ROUNDS", "1"))
MOMENTS = ["starting", "making-the-server", "first-frame", "connected", "flood"]
ALT_SCREEN = b"\x1b[?1049h"

pytestmark = pytest.mark.timeout(120)


class DemoRun:
    """The server one ``pgtail --demo`` made, as far as it got."""

    def __init__(self, owner: int) -> None:
        self.owner = owner
        self.directory: str | None = None
        self.postmaster: int | None = None
        self.processes: dict[int, int] = {}
        """The postmaster and its children: pid -> start time (to tell a reused pid apart)."""

    def found_directory(self) -> bool:
        """Look again; True once the demo's directory exists."""
        self.look()
        return self.directory is not None

    def look(self) -> None:
        """Note the directory and server processes there are now."""
        for base in {"/tmp", tempfile.gettempdir()}:
            for path in glob.glob(os.path.join(base, TEMP_PREFIX + "*")):
                with contextlib.suppress(OSError, ValueError):
                    if int(Path(path, OWNER_FILE).read_text()) == self.owner:
                        self.directory = path
        if self.directory is None:
            return
        with contextlib.suppress(OSError, ValueError, IndexError):
            pidfile = Path(self.directory, "data", "postmaster.pid").read_text()
            self.postmaster = int(pidfile.split()[0])
        if self.postmaster is not None:
            for entry in os.listdir("/proc"):
                st = process_stat(int(entry)) if entry.isdigit() else None
                if st is not None and self.postmaster in (int(entry), st[0]):
                    self.processes[int(entry)] = st[1]

    @property
    def dsn(self) -> str:
        return f"host={self.directory} port=5432 user=postgres dbname=postgres"

    def listener_connected(self) -> bool:
        self.look()
        if self.postmaster is None:
            return False
        try:
            with psycopg.connect(self.dsn, connect_timeout=2) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgtail'"
                ).fetchone()
        except psycopg.Error:
            return False
        return bool(row and row[0])

    def leftovers(self) -> list[str]:
        self.look()  # a server started after the last look is found now
        left = [
            f"pid {pid}"
            for pid, started in self.processes.items()
            if (st := process_stat(pid)) is not None and st[1] == started
        ]
        if self.directory is not None and os.path.exists(self.directory):
            left.append(self.directory)
        return left


def hang_up_at(moment: str, rng: random.Random) -> None:
    forced = os.environ.get(FORCE_EMBEDDED_ENV)
    env = {FORCE_EMBEDDED_ENV: forced} if forced is not None else {}
    session = PtySession("--demo", env=env)
    run = DemoRun(session.pid)
    flood: threading.Thread | None = None
    try:
        if moment == "starting":
            time.sleep(rng.uniform(0.0, 1.0))
        elif moment == "making-the-server":
            session.wait_until(run.found_directory, "the demo directory")
            time.sleep(rng.uniform(0.0, 0.5))  # initdb, or the postmaster starting
        elif moment == "first-frame":
            session.wait_until(lambda: session.wrote(ALT_SCREEN), "application mode")
        else:
            # Drawn, and its listener on the server (the schema is made under the same name).
            session.wait_until(lambda: session.wrote(b"connected since"), "connected, drawn")
            session.wait_until(run.listener_connected, "pgtail's session on the demo server")
            if moment == "flood":
                flood = threading.Thread(
                    target=_flood_quietly, args=(run.dsn, "orders", 300_000), daemon=True
                )
                flood.start()
                time.sleep(rng.uniform(0.2, 0.8))
        run.look()
        ended = session.hang_up()
    finally:
        session.kill()
        if flood is not None:
            flood.join(30)
    check_ended(ended, moment)
    assert not run.leftovers(), f"hangup while {moment}: left behind {run.leftovers()}; {ended}"


def _flood_quietly(dsn: str, channel: str, total: int) -> None:
    # The server goes away mid-flood: that is the point, not an error.
    with contextlib.suppress(psycopg.Error):
        send_flood(dsn, channel, total, chunk=2000)


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_hangup_ends_pgtail_and_its_demo_server(moment: str, round_: int) -> None:
    hang_up_at(moment, random.Random(f"{moment}-{round_}"))
