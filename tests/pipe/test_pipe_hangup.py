"""A dropped SSH session ends pipe mode too.

With a terminal: ``pgtail --plain`` runs on a pty as the leader of its own session, against a
real server; the pty is closed (the hangup: SIGHUP, and every later write fails) while starting,
once connected, or while a flood is being printed. Without one (``ssh host pgtail --json``):
the pipes to the other end are closed while the channel is quiet. Each time pgtail must be gone
within two seconds, having exited by itself once it could handle the signal, with none of its
server sessions left.

``PGTAIL_HANGUP_ROUNDS=100`` repeats every moment that many times (the default is once).
"""

from __future__ import annotations

import os
import random
import subprocess
import threading
import time
import uuid

import pytest

from tests.harness import PgServer
from tests.harness.cli import pgtail_command, pgtail_env
from tests.harness.flood import send_flood
from tests.harness.hangup import EXIT_WITHIN, PtySession, backends, check_ended
from tests.harness.wait import wait_until

ROUNDS = int(os.environ.get("PGTAIL_HANGUP_ROUNDS", "1"))
MOMENTS = ["starting", "connected", "flood"]
CHANNEL = "hangup:pipe"

pytestmark = pytest.mark.timeout(120)


def hang_up_at(moment: str, pg: PgServer, rng: random.Random) -> None:
    name = f"pgtail-hangup-{uuid.uuid4().hex[:8]}"
    session = PtySession("--plain", "--dsn", pg.conninfo(application_name=name), "-c", CHANNEL)
    flood: threading.Thread | None = None
    try:
        if moment == "starting":
            time.sleep(rng.uniform(0.0, 1.0))
        else:
            session.wait_until(lambda: session.wrote(b"listening on 1 channel"), "connected")
            if moment == "flood":
                flood = threading.Thread(target=send_flood, args=(pg.dsn, CHANNEL, 300_000, 2000))
                flood.start()
                session.wait_until(lambda: session.wrote(f"{CHANNEL}  ".encode()), "lines")
                time.sleep(rng.uniform(0.0, 0.5))
        ended = session.hang_up()
    finally:
        session.kill()
        if flood is not None:
            flood.join(60)
    check_ended(ended, moment)
    wait_until(
        lambda: not backends(pg.dsn, name),
        timeout=EXIT_WITHIN,
        what=f"pgtail's sessions closed after a hangup while {moment}",
        seen=lambda: backends(pg.dsn, name),
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_hangup_ends_pipe_mode_and_its_sessions(pg: PgServer, moment: str, round_: int) -> None:
    hang_up_at(moment, pg, random.Random(f"{moment}-{round_}"))


def test_the_other_end_of_its_pipes_going_away_ends_a_quiet_run(pg: PgServer) -> None:
    """Like ``ssh host pgtail --json -c x`` when the connection drops: no terminal, no SIGHUP,
    its stdout and stderr pipes lose their reader, and nothing is sent on the channel."""
    name = f"pgtail-hangup-{uuid.uuid4().hex[:8]}"
    dsn = pg.conninfo(application_name=name)
    proc = subprocess.Popen(
        pgtail_command("--json", "--dsn", dsn, "-c", CHANNEL),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=pgtail_env(),
    )
    try:
        assert proc.stderr is not None and proc.stdout is not None
        connected = proc.stderr.readline()
        while b"listening on 1 channel" not in connected:
            assert connected, "pgtail ended before it connected"
            connected = proc.stderr.readline()
        gone = time.monotonic()
        proc.stdout.close()
        proc.stderr.close()
        code = proc.wait(20)
        took = time.monotonic() - gone
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert code == 0
    assert took <= EXIT_WITHIN, f"{took:.2f} s"
    wait_until(
        lambda: not backends(pg.dsn, name),
        timeout=EXIT_WITHIN,
        what="pgtail's sessions closed after its pipes went away",
        seen=lambda: backends(pg.dsn, name),
    )
