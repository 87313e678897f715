"""A dropped SSH session ends the full-screen UI, whenever it drops.

pgtail runs on a pty as the leader of its own session, against a real server; the pty is closed
(the hangup: the kernel sends SIGHUP) at one of several moments, from the interpreter starting
to a flood of notifications being drawn. Each time pgtail must be gone within two seconds,
having exited rather than been killed once it could handle the signal, with none of its server
sessions left behind.

``PGTAIL_HANGUP_ROUNDS=100`` repeats every moment that many times (the default is once).
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
import uuid
from collections.abc import Callable

import pytest

from tests.harness import PgServer, TcpProxy, free_port
from tests.harness.flood import send_flood
from tests.harness.hangup import EXIT_WITHIN, Ended, PtySession, backends
from tests.harness.wait import wait_until

ROUNDS = int(os.environ.get("PGTAIL_HANGUP_ROUNDS", "1"))
MOMENTS = ["starting", "first-frame", "connecting", "reconnecting", "connected", "flood"]
CHANNEL = "hangup:tui"
#: Application mode's first write: the driver is starting, no frame drawn yet.
ALT_SCREEN = b"\x1b[?1049h"

pytestmark = pytest.mark.timeout(120)


def hang_up_at(moment: str, pg: PgServer, proxy: TcpProxy, rng: random.Random) -> None:
    name = f"pgtail-hangup-{uuid.uuid4().hex[:8]}"
    if moment == "connecting":
        proxy.blackhole()  # the connection is made, the server's answer never comes
        dsn = proxy.dsn_for(pg, application_name=name)
    elif moment == "reconnecting":
        dsn = pg.conninfo(port=free_port(), application_name=name)
    else:
        dsn = pg.conninfo(application_name=name)
    session = PtySession("--dsn", dsn, "-c", CHANNEL)
    flood: threading.Thread | None = None
    try:
        if moment == "starting":
            time.sleep(rng.uniform(0.0, 1.2))  # imports, arguments, building the app
        elif moment == "first-frame":
            session.wait_until(lambda: session.wrote(ALT_SCREEN), "application mode")
        elif moment in ("connecting", "reconnecting"):
            session.wait_until(lambda: session.wrote(b"connecting"), "the first frame")
            time.sleep(rng.uniform(0.0, 0.5))
        else:
            # The listener, the sender and the inspector each have a session.
            session.wait_until(lambda: len(backends(pg.dsn, name)) >= 3, "three sessions")
            if moment == "flood":
                flood = threading.Thread(target=send_flood, args=(pg.dsn, CHANNEL, 300_000, 2000))
                flood.start()
                time.sleep(rng.uniform(0.2, 0.8))
        ended = session.hang_up()
    finally:
        session.kill()
        if flood is not None:
            flood.join(60)
    check(ended, moment, may_die_of_sighup=moment == "starting")
    wait_until(
        lambda: not backends(pg.dsn, name),
        timeout=EXIT_WITHIN,
        what=f"pgtail's sessions closed after a hangup while {moment}",
        seen=lambda: backends(pg.dsn, name),
    )


def check(ended: Ended, moment: str, may_die_of_sighup: bool) -> None:
    assert ended.status is not None, f"hangup while {moment}: {ended}"
    assert ended.seconds <= EXIT_WITHIN, f"hangup while {moment}: {ended}"
    if os.WIFSIGNALED(ended.status):
        # Before pgtail handles SIGHUP (the interpreter still starting) the default action ends
        # it: nothing was open yet. Afterwards it must exit by itself, closing what it opened.
        assert may_die_of_sighup and os.WTERMSIG(ended.status) == signal.SIGHUP, (
            f"hangup while {moment}: {ended}"
        )
    else:
        assert os.WEXITSTATUS(ended.status) == 0, f"hangup while {moment}: {ended}"


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_hangup_ends_pgtail_and_its_sessions(
    pg: PgServer, make_proxy: Callable[[PgServer], TcpProxy], moment: str, round_: int
) -> None:
    hang_up_at(moment, pg, make_proxy(pg), random.Random(f"{moment}-{round_}"))
