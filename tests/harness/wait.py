"""Waiting for a condition with a deadline, for tests that watch threads, subprocesses or an app.

A test on a loaded machine must wait for what it expects, never sleep a fixed time and hope. When
a wait does run out, the failure says what was awaited and what there was instead, so a slow
machine and a real bug can be told apart from the report alone.

``wait_until`` blocks (threads, subprocesses, files); ``await wait_for(pilot, ...)`` lets a
Textual app run between two looks. Anything with an ``async pause(delay)`` can stand in for the
Pilot, e.g. a recorder of listener events that returns early when the next event comes in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TypeVar

#: Seconds before a wait gives up: about ten times what these waits take on an idle machine.
DEFAULT_TIMEOUT = 10.0
#: Seconds between two looks at the condition.
POLL_INTERVAL = 0.01
#: Seconds a Pilot wait lets the app run between two looks (it processes messages meanwhile).
PILOT_INTERVAL = 0.02

T = TypeVar("T")


class Pausable(Protocol):
    """What a wait needs of ``textual.pilot.Pilot``: a way to let the app (or whatever the
    condition watches) run for up to *delay* seconds."""

    async def pause(self, delay: float | None = None) -> None: ...


def wait_until(
    condition: Callable[[], T],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    what: str | None = None,
    seen: Callable[[], object] | None = None,
    interval: float = POLL_INTERVAL,
) -> T:
    """Return *condition*'s first truthy result; AssertionError after *timeout* seconds.

    The condition is always looked at once more after the deadline, so a wait never fails
    only because the machine was too busy to look in time. *seen* describes the current state
    for the failure message.
    """
    deadline = time.monotonic() + timeout
    while True:
        past_deadline = time.monotonic() >= deadline
        result = condition()
        if result:
            return result
        if past_deadline:
            raise AssertionError(timed_out(condition, timeout, what, seen))
        time.sleep(interval)


async def wait_for(
    pilot: Pausable,
    condition: Callable[[], T],
    timeout: float = DEFAULT_TIMEOUT,
    what: str | None = None,
    *,
    seen: Callable[[], object] | None = None,
    interval: float = PILOT_INTERVAL,
) -> T:
    """:func:`wait_until` for a Textual app under Pilot: the app runs between two looks."""
    deadline = time.monotonic() + timeout
    while True:
        past_deadline = time.monotonic() >= deadline
        result = condition()
        if result:
            return result
        if past_deadline:
            raise AssertionError(timed_out(condition, timeout, what, seen))
        await pilot.pause(interval)


def timed_out(
    condition: Callable[..., object],
    timeout: float,
    what: str | None,
    seen: Callable[[], object] | None,
) -> str:
    """The failure message: what was awaited, for how long, and what was seen instead."""
    awaited = what or getattr(condition, "__qualname__", None) or repr(condition)
    message = f"timed out after {timeout:g} s waiting for {awaited}"
    if seen is None:
        return message
    try:
        state = str(seen())
    except Exception as exc:  # the report must not hide the timeout behind another error
        state = f"(describing it failed: {exc!r})"
    separator = "\n" if "\n" in state else " "
    return f"{message}; seen:{separator}{state}"
