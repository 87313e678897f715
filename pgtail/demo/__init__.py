"""``pgtail --demo``: a throw-away PostgreSQL with live traffic, for trying pgtail out.

:func:`demo_server` starts a private server in a temporary directory, creates a schema whose
triggers NOTIFY, and runs a traffic generator; leaving the ``with`` block (normally, by an
exception, or by SIGINT/SIGTERM/SIGHUP turned into one) stops the server and removes the directory.
An atexit hook does the same as a last resort. No Textual here: the UI only receives a DSN.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from types import FrameType
from typing import TextIO

from pgtail.exit_codes import EXIT_FAILED
from pgtail.settings import Settings

__all__ = ["CHANNELS", "Demo", "demo_server", "run_demo"]

#: The channels the demo's triggers notify on.
CHANNELS: tuple[str, ...] = ("orders", "jobs:insert", "cache.invalidate", "Audit Log")

#: Signals that end the demo; SIGHUP is what a dropped SSH session delivers.
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class Demo:
    dsn: str
    """Conninfo for the demo server's unix socket."""
    channels: tuple[str, ...]
    """The channels the traffic generator's triggers notify on."""
    directory: str
    """The temporary directory holding the cluster, its socket and its log."""
    server_pid: int
    """The postmaster's pid."""


@contextlib.contextmanager
def demo_server(say: Callable[[str], None] = lambda _: None) -> Iterator[Demo]:
    """Start the demo server and its traffic; stop and remove everything on the way out."""
    # Imported here so that importing pgtail.demo (as the test harness does) needs no psycopg.
    from pgtail.demo.server import DemoServer, reap_stale_temp_dirs
    from pgtail.demo.traffic import TrafficGenerator, create_schema, stop_quietly

    reap_stale_temp_dirs()
    server = DemoServer()
    generator: TrafficGenerator | None = None
    try:
        say(f"starting a demo PostgreSQL from {server.bindir}")
        server.start()
        assert server.pid is not None
        create_schema(server.dsn)
        generator = TrafficGenerator(server.dsn).start()
        say(f"demo server ready in {server.base_dir} (pid {server.pid})")
        yield Demo(server.dsn, CHANNELS, server.base_dir, server.pid)
    finally:
        with _signals_ignored():
            stop_quietly(generator)
            server.cleanup()
            say("demo server stopped and removed")


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt, like SIGINT, so every ``finally`` runs.

    By default they end Python at once, without finalizers or atexit hooks, which would leave
    the postmaster (in a session of its own) and the directory behind. Pipe mode replaces these
    with its own loop handlers while it runs, which stop the listener just as cleanly.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}
    for sig in _STOP_SIGNALS:
        signal.signal(sig, _raise_interrupt)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """A second Ctrl+C (or a SIGHUP after a SIGTERM) must not cut the cleanup short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in _STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def run_demo(settings: Settings, run: Callable[[Settings], int], err: TextIO = sys.stderr) -> int:
    """Run pgtail (*run*: the UI or pipe mode) on a fresh demo server; returns the exit code."""

    def say(line: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            err.write(f"pgtail: {line}\n")
            err.flush()

    from pgtail.demo.server import ServerError

    try:
        with _stop_signals_interrupt(), demo_server(say) as demo:
            channels = tuple(dict.fromkeys([*demo.channels, *settings.channels]))
            return run(replace(settings, dsn=demo.dsn, channels=channels))
    except KeyboardInterrupt:
        return 0
    except ServerError as exc:
        say(f"error: {exc}")
        return EXIT_FAILED
