"""The signals that end a run holding a server, turned into a clean exit.

By default SIGTERM and SIGHUP end Python at once, without finalizers or atexit hooks, which
would leave a postmaster (in a session of its own) and its directory behind. Raised as
KeyboardInterrupt instead, like SIGINT, they let every ``finally`` run. Pipe mode replaces these
with its own loop handlers while it runs, which stop the listener just as cleanly.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = ["STOP_SIGNALS", "stop_signals_ignored", "stop_signals_interrupt"]

#: Signals that end a run; SIGHUP is what a dropped SSH session delivers.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def _handling(handler: _Handler, signals: tuple[signal.Signals, ...]) -> Iterator[None]:
    """*handler* for *signals* inside the ``with``, the previous ones after it.

    Only the main thread may set handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)


def stop_signals_interrupt(
    signals: tuple[signal.Signals, ...] = STOP_SIGNALS,
) -> contextlib.AbstractContextManager[None]:
    """Inside the ``with``, *signals* raise KeyboardInterrupt, so every ``finally`` runs."""
    return _handling(_raise_interrupt, signals)


def stop_signals_ignored() -> contextlib.AbstractContextManager[None]:
    """A second Ctrl+C (or a SIGHUP after a SIGTERM) must not cut a cleanup short."""
    return _handling(signal.SIG_IGN, STOP_SIGNALS)
