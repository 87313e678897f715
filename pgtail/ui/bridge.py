"""Runs the listening core on a thread and event loop of its own, and calls into it for the UI.

Textual writes to the terminal through a writer thread with a small bounded queue; over a slow or
stalled link that write blocks the app's event loop. If the listener shared that loop it would stop
reading, and the server's cluster-wide notification queue would fill for everyone. On its own
thread the listener keeps draining the socket whatever the terminal does.

Both directions cross the thread boundary here. The listener's events go through
:func:`route_events`: notifications and gaps into the :class:`~pgtail.ui.inbox.Inbox`, anything
else to the app as a message. The UI calls the core (LISTEN, NOTIFY, sender lookups...) with
:meth:`CoreThread.call`: the coroutine runs on the core loop and its outcome comes back to the UI
thread through the ``deliver`` function the app gives. No Textual import here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

from pgtail.core.models import (
    ChannelsChanged,
    ConnectionState,
    DeliveryChecked,
    Gap,
    ListenerEvent,
    ListenerWarning,
    NotificationBatch,
    Phase,
)
from pgtail.ui.inbox import Inbox

T = TypeVar("T")

Deliver = Callable[[Callable[[], object]], object]
"""Runs a callable on the UI thread soon; called on the core thread, so it must not block it."""

CoreNotice = ConnectionState | ChannelsChanged | ListenerWarning | DeliveryChecked
"""What the core reports besides notifications and gaps (those go through the inbox)."""


def route_events(
    inbox: Inbox, post: Callable[[CoreNotice], object]
) -> Callable[[ListenerEvent], None]:
    """The listener's callback: lines into *inbox*, anything else to *post*. (``--record`` is
    applied before this, by :mod:`pgtail.core.wiring`.)

    It runs on the core thread for every batch read, so it stays cheap: posting a UI message per
    batch would swamp the UI's queue during a flood, and the inbox wakes the UI once per drain.
    """

    def on_event(event: ListenerEvent) -> None:
        if isinstance(event, NotificationBatch):
            inbox.put_notifications(event.items)
        elif isinstance(event, Gap):
            inbox.put_gap(event)
        else:
            post(event)

    return on_event


class Source(Protocol):
    """What the core thread runs: a :class:`~pgtail.core.listener.Listener`, or a replay."""

    @property
    def state(self) -> ConnectionState: ...

    @property
    def wanted(self) -> list[str]: ...

    async def run(self) -> ConnectionState: ...

    def stop(self) -> None: ...

    async def subscribe(self, name: str) -> None: ...

    async def unsubscribe(self, name: str) -> None: ...

    async def retry_now(self) -> bool: ...


class Closable(Protocol):
    """A core resource with a connection of its own (the sender, the inspector)."""

    async def close(self) -> None: ...


class CoreThread:
    """A daemon thread running ``listener.run()`` on a private event loop."""

    def __init__(self, listener: Source, deliver: Deliver, name: str = "pgtail-core") -> None:
        self.listener = listener
        """The listener this thread runs; call its coroutines through :meth:`call`."""
        self.deliver = deliver
        """How :meth:`call` hands an outcome to the UI thread."""
        self.final_state: ConnectionState | None = None
        """The state :meth:`Listener.run` returned, once it has returned."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._run_future: concurrent.futures.Future[ConnectionState] | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def start(self) -> None:
        self._thread.start()
        self._run_future = asyncio.run_coroutine_threadsafe(self.listener.run(), self._loop)
        self._run_future.add_done_callback(self._ran)

    def _ran(self, future: concurrent.futures.Future[ConnectionState]) -> None:
        if not future.cancelled() and future.exception() is None:
            self.final_state = future.result()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run *coro* on the core loop; the future resolves on that thread."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def call(
        self,
        coro: Coroutine[Any, Any, T],
        on_result: Callable[[T], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> None:
        """Run *coro* on the core loop; then, on the UI thread, *on_result* with what it returned
        or *on_error* with what it raised (a ``CancelledError`` when the core cancelled it while
        stopping). Once the core loop is closed, *coro* is not run and nothing is reported."""
        if self._loop.is_closed():
            coro.close()
            return
        future = self.submit(coro)
        if on_result is None and on_error is None:
            return

        def done(future: concurrent.futures.Future[T]) -> None:
            error = (
                concurrent.futures.CancelledError("cancelled")
                if future.cancelled()
                else future.exception()
            )
            if error is not None:
                if on_error is not None:
                    self.deliver(lambda: on_error(error))
            elif on_result is not None:
                result = future.result()
                self.deliver(lambda: on_result(result))

        # Added on the core loop: a future that is already done runs a callback added to it at
        # once, on the adding thread, and deliver is only ever called on the core thread (a
        # call_from_thread must not run on the UI thread).
        self._loop.call_soon_threadsafe(future.add_done_callback, done)

    def stop(self, timeout: float = 5.0) -> ConnectionState | None:
        """Stop the listener, wait for it to close its connection, then end the thread."""
        if not self._thread.is_alive():
            return self.final_state
        self._loop.call_soon_threadsafe(self.listener.stop)
        if self._run_future is not None:
            with contextlib.suppress(Exception):
                self.final_state = self._run_future.result(timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        return self.final_state

    async def shutdown(self, *resources: Closable | None, timeout: float = 2.0) -> None:
        """Close *resources* on the core loop (each given *timeout* seconds), then stop the
        listener and the thread. Awaited on the UI loop."""
        if self._loop.is_closed():
            return
        for resource in resources:
            if resource is None:
                continue
            future = self.submit(resource.close())
            try:
                await asyncio.wait_for(asyncio.wrap_future(future), timeout)
            except Exception:
                future.cancel()
        # Joining the thread blocks: do it off the UI loop so the terminal is restored promptly.
        await asyncio.to_thread(self.stop)

    @property
    def failed(self) -> bool:
        return self.final_state is not None and self.final_state.phase is Phase.FAILED

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            # Close what is left (e.g. a Sender's connection) before the loop goes.
            pending = [t for t in asyncio.all_tasks(self._loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            with contextlib.suppress(Exception):
                self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()
