"""Ending pgtail when its terminal goes away (a dropped SSH session), whenever that happens.

When the terminal hangs up, the kernel sends SIGHUP (and SIGCONT). Left to the defaults, or
turned into a KeyboardInterrupt at an arbitrary point, that can land while Textual's driver
starts or stops; its non-daemon input thread is then never stopped, spins on the dead terminal,
and the interpreter waits for it forever at exit (Textual's SIGCONT handler even starts a second
one). The LISTEN session and a ``--demo`` server stay up meanwhile.

So, while the full-screen UI runs, :func:`ended_by_hangup` turns SIGHUP, SIGTERM, SIGINT and a
hangup seen on the terminal itself into a polite request to stop, made from a watchdog thread
(never from the signal handler, which only writes a byte to a pipe). If the run has not ended
soon after, the watchdog runs the registered :data:`cleanups` itself (stop the core, stop the
demo server) and ends the process. At the very end, :func:`exit_code` ends the process at once
when stray non-daemon threads would keep the interpreter from exiting.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = ["HANGUP_GRACE", "STOP_GRACE", "Cleanups", "cleanups", "ended_by_hangup", "exit_code"]

#: Seconds the run has to end by itself after its terminal hung up. The UI normally takes a
#: fraction of that; what is still running then is ended, cleanups first, well within 2 s.
HANGUP_GRACE = 0.5
#: Seconds after SIGTERM or SIGINT: the terminal may still be there, and restoring it (leaving
#: the alternate screen, echo back on) is the UI's own way out.
STOP_GRACE = 3.0
#: Seconds the watchdog waits for a cleanup that another thread is already running.
CLEANUP_WAIT = 5.0
#: The signals that stop a run: a dropped SSH session's SIGHUP, ``kill``'s SIGTERM, SIGINT.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)


class _Once:
    """A cleanup that runs at most once, whichever thread gets to it first."""

    def __init__(self, action: Callable[[], object]) -> None:
        self._action: Callable[[], object] | None = action
        self._lock = threading.Lock()

    def __call__(self, wait: float = -1) -> bool:
        """Run it unless it already ran; False when another thread is still running it after
        *wait* seconds (-1: as long as it takes)."""
        if not self._lock.acquire(timeout=wait):
            return False
        try:
            action, self._action = self._action, None
            if action is not None:
                action()
        finally:
            self._lock.release()
        return True


class Cleanups:
    """What must happen before the process ends, however it ends: newest first, each once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[_Once] = []

    def add(self, action: Callable[[], object]) -> Callable[[], None]:
        """Register *action*; returns a function that runs it now (once) and unregisters it."""
        once = _Once(action)
        with self._lock:
            self._entries.append(once)

        def run_now() -> None:
            try:
                once()
            finally:
                with self._lock, contextlib.suppress(ValueError):
                    self._entries.remove(once)

        return run_now

    def run_all(self) -> None:
        """Run every registered action not run yet, newest first; errors are swallowed (the
        process is ending). A cleanup another thread is running is waited for, within bounds."""
        with self._lock:
            entries = list(reversed(self._entries))
        for once in entries:
            with contextlib.suppress(Exception):
                once(CLEANUP_WAIT)


cleanups = Cleanups()
"""The process's cleanups: the demo server, the UI's core thread."""


@contextlib.contextmanager
def ended_by_hangup(
    request_stop: Callable[[], bool], *, watch: int | None = None
) -> Iterator[None]:
    """Inside the ``with``, a stop signal, or a hangup of the *watch* fd (the terminal, or the
    pipe the output goes to), asks the run to stop.

    *request_stop* is called from a watchdog thread until it returns True (the run may not be
    ready to hear it yet). Should the ``with`` body still be running :data:`HANGUP_GRACE`
    seconds after a hangup (:data:`STOP_GRACE` after SIGTERM or SIGINT, when the terminal may
    still be there to restore), the watchdog runs :data:`cleanups` and ends the process with
    ``os._exit(0)``. After a stop was requested, further stop signals are ignored: the way out
    is under way. Only the main thread may install signal handlers; elsewhere the body just runs.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    stopping = threading.Event()
    finished = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGHUP:
            # The kernel's SIGCONT that follows a hangup makes Textual's driver start over (a
            # second input thread on the dead terminal); nothing is resumed after a hangup.
            signal.signal(signal.SIGCONT, signal.SIG_DFL)
        stopping.set()
        with contextlib.suppress(OSError):
            os.write(write_end, _HANGUP if signum == signal.SIGHUP else _STOP)

    watcher = _Watch(read_end, watch, request_stop, finished)
    watchdog = threading.Thread(target=watcher.run, name="pgtail-hangup-watchdog", daemon=True)
    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    watchdog.start()
    try:
        yield
    finally:
        finished.set()
        with contextlib.suppress(OSError):
            os.write(write_end, b".")
        for sig, handler in previous.items():
            after = signal.SIG_IGN if stopping.is_set() or watcher.hung_up else handler
            signal.signal(sig, after if after is not None else signal.SIG_DFL)
        watchdog.join(1.0)
        for fd in (read_end, write_end):
            with contextlib.suppress(OSError):
                os.close(fd)


_HANGUP = b"H"
_STOP = b"S"


class _Watch:
    """The watchdog: waits for a stop signal or a hangup, asks the run to stop, and ends the
    process itself if the run does not end in time."""

    def __init__(
        self,
        wake: int,
        watch: int | None,
        request_stop: Callable[[], bool],
        finished: threading.Event,
    ) -> None:
        self.wake = wake
        self.watch = watch
        self.request_stop = request_stop
        self.finished = finished
        self.hung_up = False
        """True once the terminal is known gone (SIGHUP, or a hangup seen on the watched fd)."""
        # Which of stdin, stdout and stderr are the terminal, noted while they still say so
        # (a hung-up terminal answers isatty() with False).
        self._ttys = [fd for fd in (1, 2) if _isatty(fd)]

    def run(self) -> None:
        grace = self._wait_for_a_stop()
        if grace is None:
            return
        deadline = time.monotonic() + grace
        asked = False
        while not self.finished.wait(0.02):
            if not asked:
                with contextlib.suppress(Exception):
                    asked = self.request_stop()
            if time.monotonic() >= deadline:
                # The run did not end by itself (its loop stuck, or a thread that will never
                # stop): close what it opened, and end here. Nothing is flushed: the terminal
                # is gone or stuck, and a write to it could block.
                cleanups.run_all()
                os._exit(0)

    def _wait_for_a_stop(self) -> float | None:
        """The grace the run gets, once a stop is asked for; None when the run ended first."""
        poller = select.poll()
        poller.register(self.wake, select.POLLIN)
        if self.watch is not None:
            # No events asked for: only a hangup or an error wakes us (a terminal gone, a pipe
            # with no reader left), never the user's typing.
            poller.register(self.watch, 0)
        while not self.finished.is_set():
            for fd, events in poller.poll():
                if fd == self.wake:
                    with contextlib.suppress(OSError):
                        got = os.read(self.wake, 64)
                        if _HANGUP in got:
                            self._hang_up()
                            return HANGUP_GRACE
                        if _STOP in got:
                            return STOP_GRACE
                elif events & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                    self._hang_up()
                    return HANGUP_GRACE
        return None

    def _hang_up(self) -> None:
        """The terminal is gone: what is still written to it goes nowhere, instead of failing
        (a failed write ends Textual's writer thread, and the next writes then block)."""
        self.hung_up = True
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            for fd in self._ttys:
                os.dup2(devnull, fd)
            os.close(devnull)


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def exit_code(code: int) -> int:
    """Return *code*, or end the process now with it when a non-daemon thread is still alive.

    Python waits for such threads at exit; one left over from a terminal that went away (a
    terminal input thread spinning on the dead descriptor) would keep pgtail alive forever.
    Everything pgtail must do before exiting has been done by the time this is called.
    """
    main = threading.main_thread()
    stray = [t for t in threading.enumerate() if t is not main and not t.daemon and t.is_alive()]
    if stray:
        cleanups.run_all()
        _flush_quietly()
        os._exit(code)
    return code


def _flush_quietly() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
