"""A fault-injecting TCP proxy for network-failure tests.

It runs on one background thread (a ``selectors`` loop), so sync and async tests alike can
put it between a client and PostgreSQL and then break the link on purpose:

* :meth:`TcpProxy.drop_all` closes every proxied connection (RST by default), as a
  firewall, load balancer or server crash does;
* :meth:`TcpProxy.blackhole` stops moving bytes while keeping every socket open (no RST, no
  FIN), like a silently dead network path;
* :meth:`TcpProxy.refuse` closes the listening socket so new connects are refused.

Loopback caveat: while blackholed, the kernel still ACKs whatever the client sends to the
proxy and answers TCP keepalive probes, so only application-level timeouts (not TCP
keepalive or ``tcp_user_timeout``) can notice the dead link.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from tests.harness.wait import wait_until

if TYPE_CHECKING:
    from tests.harness.pgserver import PgServer

__all__ = ["TcpProxy"]

T = TypeVar("T")

#: Stop reading from one side once this much is queued for the other (back-pressure).
_MAX_BUFFER = 256 * 1024
_CHUNK = 65536


class _Link:
    """One proxied connection: a client socket and its upstream socket."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        # Bytes waiting to be written *to* each socket.
        self.pending: dict[socket.socket, bytearray] = {client: bytearray(), upstream: bytearray()}
        # Whether each socket has sent us EOF, and whether we have shut down writing to it.
        self.eof: dict[socket.socket, bool] = {client: False, upstream: False}
        self.shut: dict[socket.socket, bool] = {client: False, upstream: False}

    def peer(self, sock: socket.socket) -> socket.socket:
        return self.upstream if sock is self.client else self.client

    @property
    def finished(self) -> bool:
        return all(self.eof.values()) and not any(self.pending.values())


class TcpProxy:
    """Forwards ``127.0.0.1:<port>`` to ``target_host:target_port`` until told to break."""

    def __init__(
        self, target_host: str, target_port: int, *, listen_host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.target: tuple[str, int] = (target_host, target_port)
        self.host = listen_host
        self._blackholed = False
        self._closed = False
        self._links: set[_Link] = set()
        self._owner: dict[socket.socket, _Link] = {}
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._sel.register(self._wake_r, selectors.EVENT_READ)
        self._calls: deque[tuple[Callable[[], Any], list[Any], threading.Event]] = deque()
        self._listener: socket.socket | None = self._listen(port)
        self.port: int = self._listener.getsockname()[1]
        self._thread = threading.Thread(
            target=self._loop, name=f"TcpProxy:{self.port}", daemon=True
        )
        self._thread.start()

    # ------------------------------------------------------------------ public API

    @property
    def connection_count(self) -> int:
        """Proxied connections currently open."""
        return len(self._links)

    @property
    def blackholed(self) -> bool:
        return self._blackholed

    def dsn_for(self, pg: PgServer, **overrides: Any) -> str:
        """``pg``'s TCP conninfo, pointed at this proxy."""
        return pg.conninfo(host=self.host, port=self.port, **overrides)

    def retarget(self, host: str, port: int) -> None:
        """Send *new* connections elsewhere (e.g. to a promoted standby)."""
        self.target = (host, port)

    def drop_all(self, rst: bool = True) -> int:
        """Close every proxied connection on both sides; returns how many were dropped.

        ``rst=True`` aborts with a TCP RST ("connection reset"); ``rst=False`` sends a FIN,
        which clients see as the server closing the connection unexpectedly.
        """
        return self._call(lambda: self._drop_all(rst))

    def blackhole(self, on: bool = True) -> None:
        """Stop (or resume) forwarding in both directions, keeping all sockets open.

        New connections are still accepted (and an upstream opened) but get nothing
        through. Resuming lets queued bytes flow again, like a healed network partition.
        """
        self._call(lambda: self._set_blackhole(on))

    def refuse(self, on: bool = True) -> None:
        """Close (or reopen, on the same port) the listening socket; open links are kept."""
        self._call(lambda: self._set_refuse(on))

    def wait_for_connections(self, count: int, timeout: float = 10) -> None:
        """Wait until exactly ``count`` proxied connections are open."""
        wait_until(
            lambda: self.connection_count == count,
            timeout=timeout,
            what=f"{count} proxied connections",
            seen=lambda: f"{self.connection_count} open",
        )

    def close(self) -> None:
        """Stop the proxy and close every socket (each client sees a FIN). Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._wake()
        self._thread.join(5)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<TcpProxy {self.host}:{self.port} -> {self.target[0]}:{self.target[1]}>"

    # ------------------------------------------------------------------ plumbing

    def _listen(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, port))
        sock.listen(128)
        sock.setblocking(False)
        return sock

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    def _call(self, fn: Callable[[], T], timeout: float = 5) -> T:
        """Run ``fn`` on the I/O thread (which owns every socket) and wait for it."""
        if self._closed or not self._thread.is_alive():
            raise RuntimeError(f"{self!r} is closed")
        result: list[T | BaseException] = []
        done = threading.Event()
        self._calls.append((fn, result, done))
        self._wake()
        if not done.wait(timeout):
            raise TimeoutError(f"{self!r} did not respond")
        outcome = result[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _loop(self) -> None:
        try:
            if self._listener is not None:
                self._sel.register(self._listener, selectors.EVENT_READ)
            while not self._closed:
                for key, mask in self._sel.select(timeout=0.5):
                    sock = key.fileobj
                    assert isinstance(sock, socket.socket)
                    if sock is self._wake_r:
                        with contextlib.suppress(OSError):
                            self._wake_r.recv(4096)
                    elif sock is self._listener:
                        self._accept()
                    else:
                        link = self._owner.get(sock)
                        if link is not None:
                            self._service(link, sock, mask)
                while self._calls:
                    fn, result, done = self._calls.popleft()
                    try:
                        result.append(fn())
                    except BaseException as exc:
                        result.append(exc)
                    done.set()
        finally:
            self._shutdown()

    def _shutdown(self) -> None:
        self._drop_all(rst=False)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        while self._calls:
            _, result, done = self._calls.popleft()
            result.append(RuntimeError("proxy closed"))
            done.set()
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                _abort(client)
                continue
            for s in (client, upstream):
                s.setblocking(False)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            link = _Link(client, upstream)
            self._links.add(link)
            self._owner[client] = link
            self._owner[upstream] = link
            self._update(link)

    def _service(self, link: _Link, sock: socket.socket, mask: int) -> None:
        peer = link.peer(sock)
        try:
            if mask & selectors.EVENT_WRITE:
                self._flush(link, sock)
            if mask & selectors.EVENT_READ and not self._blackholed:
                try:
                    data = sock.recv(_CHUNK)
                except (BlockingIOError, InterruptedError):
                    data = None
                if data == b"":
                    link.eof[sock] = True
                elif data:
                    link.pending[peer] += data
                self._flush(link, peer)
        except OSError:
            self._close_link(link, rst=True)
            return
        if link.finished:
            self._close_link(link, rst=False)
        else:
            self._update(link)

    def _flush(self, link: _Link, sock: socket.socket) -> None:
        """Write what is queued for ``sock``; pass on a half-close once it is drained."""
        buf = link.pending[sock]
        if buf and not self._blackholed:
            try:
                sent = sock.send(buf)
            except (BlockingIOError, InterruptedError):
                sent = 0
            del buf[:sent]
        if not buf and link.eof[link.peer(sock)] and not link.shut[sock]:
            link.shut[sock] = True
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)

    def _update(self, link: _Link) -> None:
        """Register each socket for the events it needs right now."""
        for sock in (link.client, link.upstream):
            events = 0
            if not self._blackholed:
                if not link.eof[sock] and len(link.pending[link.peer(sock)]) < _MAX_BUFFER:
                    events |= selectors.EVENT_READ
                if link.pending[sock]:
                    events |= selectors.EVENT_WRITE
            registered = sock in self._sel.get_map()
            if events and registered:
                self._sel.modify(sock, events)
            elif events:
                self._sel.register(sock, events)
            elif registered:
                self._sel.unregister(sock)

    def _close_link(self, link: _Link, rst: bool) -> None:
        self._links.discard(link)
        for sock in (link.client, link.upstream):
            self._owner.pop(sock, None)
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(sock)
            if rst:
                _abort(sock)
            else:
                sock.close()

    def _drop_all(self, rst: bool) -> int:
        links = list(self._links)
        for link in links:
            self._close_link(link, rst)
        return len(links)

    def _set_blackhole(self, on: bool) -> None:
        self._blackholed = on
        for link in list(self._links):
            if not on:
                # Deliver whatever queued up while the link was dead.
                try:
                    self._flush(link, link.client)
                    self._flush(link, link.upstream)
                except OSError:
                    self._close_link(link, rst=True)
                    continue
            self._update(link)

    def _set_refuse(self, on: bool) -> None:
        if on and self._listener is not None:
            self._sel.unregister(self._listener)
            self._listener.close()
            self._listener = None
        elif not on and self._listener is None:
            self._listener = self._listen(self.port)
            self._sel.register(self._listener, selectors.EVENT_READ)


def _abort(sock: socket.socket) -> None:
    """Close with SO_LINGER 0, which makes the kernel send RST instead of FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()
