"""The core thread and the one way the UI calls into it, without Textual or a server."""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import Callable

from pgtail.core.models import (
    ChannelsChanged,
    ConnectionState,
    Gap,
    ListenerEvent,
    ListenerWarning,
    Notification,
    NotificationBatch,
    Phase,
)
from pgtail.ui.bridge import CoreNotice, CoreThread, route_events
from pgtail.ui.inbox import Inbox

TIMEOUT = 10.0


class IdleSource:
    """Runs until stopped; enough of a listener for the thread to have something to run."""

    def __init__(self) -> None:
        self.state = ConnectionState(Phase.CONNECTING, "nowhere")
        self.wanted: list[str] = []
        self._stop = asyncio.Event()

    async def run(self) -> ConnectionState:
        await self._stop.wait()
        return ConnectionState(Phase.STOPPED, "nowhere")

    def stop(self) -> None:
        self._stop.set()

    async def subscribe(self, name: str) -> None:
        pass

    async def unsubscribe(self, name: str) -> None:
        pass

    async def retry_now(self) -> bool:
        return False


class Ui:
    """Stands in for the UI thread: delivered callables queue up and run on the test's thread."""

    def __init__(self) -> None:
        self.pending: queue.Queue[Callable[[], object]] = queue.Queue()
        self.delivered_on: list[str] = []

    def deliver(self, callback: Callable[[], object]) -> None:
        self.delivered_on.append(threading.current_thread().name)
        self.pending.put(callback)

    def run_next(self) -> None:
        """Run the next delivered callable, waiting for it up to :data:`TIMEOUT` seconds."""
        try:
            callback = self.pending.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"nothing delivered by the core thread in {TIMEOUT:g} s") from None
        callback()


def _core(ui: Ui) -> CoreThread:
    core = CoreThread(IdleSource(), deliver=ui.deliver)
    core.start()
    return core


def test_results_and_errors_come_back_through_deliver_from_the_core_thread() -> None:
    ui = Ui()
    core = _core(ui)
    try:
        got: list[object] = []

        async def answer() -> int:
            await asyncio.sleep(0.01)  # a call that takes a while: the result comes later
            return 42

        async def fail() -> int:
            raise RuntimeError("refused")

        core.call(answer(), got.append, got.append)
        ui.run_next()
        assert got == [42]
        core.call(fail(), got.append, lambda exc: got.append(str(exc)))
        ui.run_next()
        assert got == [42, "refused"]

        async def quick() -> str:
            return "at once"

        # Nothing to wait for: still delivered from the core thread, never the caller's (the
        # app's call_from_thread, say, must not run on the UI thread).
        core.call(quick(), got.append)
        ui.run_next()
        assert got == [42, "refused", "at once"]
        assert ui.delivered_on == ["pgtail-core"] * 3
    finally:
        core.stop()


def test_calls_cancelled_by_stopping_report_an_error_and_closed_loops_run_nothing() -> None:
    ui = Ui()
    core = _core(ui)
    errors: list[BaseException] = []

    async def forever() -> None:
        await asyncio.Event().wait()

    core.call(forever(), None, errors.append)
    core.stop()
    ui.run_next()
    assert isinstance(errors[0], concurrent.futures.CancelledError)

    ran: list[str] = []

    async def never() -> str:
        ran.append("ran")
        return "ran"

    core.call(never(), ran.append, errors.append)  # the loop is closed: not run, not reported
    assert ran == [] and ui.pending.empty() and len(errors) == 1


def test_route_events_puts_lines_in_the_inbox_and_posts_the_rest() -> None:
    inbox = Inbox(100)
    posted: list[CoreNotice] = []
    on_event: Callable[[ListenerEvent], None] = route_events(inbox, posted.append)
    notification = Notification("ch", "hello", 7, 1.0)
    gap = Gap(lost_at=1.0, back_at=2.0)
    notices: list[CoreNotice] = [
        ConnectionState(Phase.CONNECTED, "db"),
        ChannelsChanged(frozenset({"ch"}), frozenset({"ch"})),
        ListenerWarning("careful"),
    ]
    on_event(NotificationBatch([notification]))
    on_event(gap)
    for notice in notices:
        on_event(notice)
    drained = inbox.drain()
    assert drained is not None and drained.items == [notification, gap]
    assert posted == notices
