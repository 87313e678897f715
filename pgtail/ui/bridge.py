"""Runs the listening core on a thread and event loop of its own.

Textual writes to the terminal through a writer thread with a small bounded queue; over a slow or
stalled link that write blocks the app's event loop. If the listener shared that loop it would stop
reading, and the server's cluster-wide notification queue would fill for everyone. On its own
thread the listener keeps draining the socket whatever the terminal does. No Textual import here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

from pgtail.core.models import ConnectionState, Phase

T = TypeVar("T")


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


class CoreThread:
    """A daemon thread running ``listener.run()`` on a private event loop."""

    def __init__(self, listener: Source, name: str = "pgtail-core") -> None:
        self.listener = listener
        """The listener this thread runs; call its coroutines through :meth:`submit`."""
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
