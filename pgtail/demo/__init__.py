"""``pgtail --demo``: a throw-away PostgreSQL with live traffic, for trying pgtail out.

:func:`demo_server` starts a private server in a temporary directory, creates a schema whose
triggers NOTIFY, and runs a traffic generator; leaving the ``with`` block (normally, by an
exception, or by SIGINT/SIGTERM/SIGHUP turned into one) stops the server and removes the directory.
An atexit hook does the same as a last resort. No Textual here: the UI only receives a DSN.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TextIO

from pgtail.demo.channels import CHANNELS
from pgtail.demo.processes import ServerError
from pgtail.demo.signals import stop_signals_ignored, stop_signals_interrupt
from pgtail.exit_codes import EXIT_FAILED
from pgtail.settings import Settings
from pgtail.shutdown import cleanups

__all__ = ["CHANNELS", "Demo", "demo_server", "run_demo"]


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

    def stop_all() -> None:
        stop_quietly(generator)
        server.cleanup()

    # Also run by pgtail.shutdown's watchdog, should the UI not end after a hangup.
    cleanup = cleanups.add(stop_all)
    try:
        say(f"starting a demo PostgreSQL from {server.bindir}")
        server.start()
        assert server.pid is not None
        create_schema(server.dsn)
        generator = TrafficGenerator(server.dsn).start()
        say(f"demo server ready in {server.base_dir} (pid {server.pid})")
        yield Demo(server.dsn, CHANNELS, server.base_dir, server.pid)
    finally:
        with stop_signals_ignored():
            cleanup()
            say("demo server stopped and removed")


def run_demo(settings: Settings, run: Callable[[Settings], int], err: TextIO = sys.stderr) -> int:
    """Run pgtail (*run*: the UI or pipe mode) on a fresh demo server; returns the exit code."""

    def say(line: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            err.write(f"pgtail: {line}\n")
            err.flush()

    try:
        with stop_signals_interrupt(), demo_server(say) as demo:
            channels = tuple(dict.fromkeys([*demo.channels, *settings.channels]))
            return run(replace(settings, dsn=demo.dsn, channels=channels))
    except KeyboardInterrupt:
        return 0
    except ServerError as exc:
        say(f"error: {exc}")
        return EXIT_FAILED
