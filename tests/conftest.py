"""Shared fixtures: real PostgreSQL servers, a fault-injecting proxy and PgBouncer.

Every server, proxy and bouncer made here is torn down in the fixture's ``finally`` (so
also when a test fails); the harness modules additionally clean up at interpreter exit.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

from tests.harness.cli import Running
from tests.harness.pgbouncer import (
    PgBouncer,
    PgBouncerUnavailable,
    PoolMode,
    cleanup_live_bouncers,
)
from tests.harness.pgserver import (
    TEST_PASSWORD,
    PgServer,
    cleanup_live_servers,
    notify,
    reap_stale_temp_dirs,
)
from tests.harness.proxy import TcpProxy
from tests.harness.pty import PtyPgtail

__all__ = ["notify"]


# --------------------------------------------------------------------------- hooks


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report so fixtures can show server logs for failed tests."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


def _print_log_on_failure(request: pytest.FixtureRequest, server: PgServer) -> None:
    if _failed(request):
        tail = "\n".join(server.log_text().splitlines()[-40:])
        print(f"\n--- {server!r} log (tail) ---\n{tail}")


def pytest_configure(config: pytest.Config) -> None:
    """Clear leftovers of killed earlier runs, and let SIGTERM tear fixtures down."""
    reap_stale_temp_dirs()
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # By default SIGTERM (``timeout``, CI cancelling a job) ends Python without running
        # any finalizer or atexit hook, leaving postmasters behind. As an interrupt, pytest
        # tears every fixture down first.
        signal.signal(signal.SIGTERM, _sigterm_to_interrupt)


def _sigterm_to_interrupt(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Belt and braces: nothing the harness started may outlive the test session."""
    cleanup_live_bouncers()
    cleanup_live_servers()


# --------------------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """A PostgreSQL server shared by the whole session (trust auth). Do not stop it."""
    with PgServer() as server:
        yield server


@pytest.fixture
def fresh_pg(request: pytest.FixtureRequest) -> Iterator[PgServer]:
    """A server of the test's own, free to be stopped, restarted or crashed."""
    with PgServer() as server:
        try:
            yield server
        finally:
            _print_log_on_failure(request, server)


@pytest.fixture(scope="session")
def password_pg() -> Iterator[PgServer]:
    """A shared server whose TCP connections need ``TEST_PASSWORD`` (scram-sha-256)."""
    with PgServer(password=TEST_PASSWORD) as server:
        yield server


@pytest.fixture(scope="session")
def standby_primary() -> Iterator[PgServer]:
    """The primary of :func:`standby`, separate from :func:`pg`; send NOTIFYs here."""
    with PgServer() as server:
        yield server


@pytest.fixture(scope="session")
def standby(standby_primary: PgServer) -> Iterator[PgServer]:
    """A hot standby streaming from :func:`standby_primary` (``pg_is_in_recovery()``)."""
    server = standby_primary.make_standby()
    try:
        yield server
    finally:
        server.cleanup()


# --------------------------------------------------------------------------- proxies


@pytest.fixture
def make_proxy() -> Iterator[Callable[[PgServer], TcpProxy]]:
    """Factory: ``make_proxy(pg)`` puts a fresh :class:`TcpProxy` in front of ``pg``."""
    proxies: list[TcpProxy] = []

    def make(server: PgServer) -> TcpProxy:
        proxy = TcpProxy(server.host, server.port)
        proxies.append(proxy)
        return proxy

    try:
        yield make
    finally:
        for proxy in proxies:
            proxy.close()


@pytest.fixture
def proxy(fresh_pg: PgServer, make_proxy: Callable[[PgServer], TcpProxy]) -> TcpProxy:
    """A :class:`TcpProxy` in front of :func:`fresh_pg`; connect to ``proxy.dsn_for(fresh_pg)``.

    For the shared :func:`pg` (no restarts needed), use ``make_proxy(pg)`` instead.
    """
    return make_proxy(fresh_pg)


# --------------------------------------------------------------------------- pgbouncer


@pytest.fixture
def make_pgbouncer() -> Iterator[Callable[..., PgBouncer]]:
    """Factory: ``make_pgbouncer(pg, pool_mode="transaction")``; skips without pgbouncer."""
    bouncers: list[PgBouncer] = []

    def make(server: PgServer, pool_mode: PoolMode = "transaction", **kwargs: Any) -> PgBouncer:
        try:
            bouncer = PgBouncer(server, pool_mode, **kwargs)
        except PgBouncerUnavailable as exc:
            pytest.skip(str(exc))
        bouncers.append(bouncer)
        return bouncer

    try:
        yield make
    finally:
        for bouncer in bouncers:
            with contextlib.suppress(Exception):
                bouncer.cleanup()


@pytest.fixture
def pgbouncer_tx(pg: PgServer, make_pgbouncer: Callable[..., PgBouncer]) -> PgBouncer:
    """PgBouncer in transaction pooling mode in front of the shared :func:`pg`."""
    return make_pgbouncer(pg, "transaction")


# --------------------------------------------------------------------------- pgtail processes


@pytest.fixture
def running_pgtail() -> Iterator[list[Running]]:
    """pgtail subprocesses a test starts; any still running at the end are killed."""
    started: list[Running] = []
    yield started
    for r in started:
        if r.proc.poll() is None:
            r.proc.kill()
            r.proc.wait()


@pytest.fixture
def terminals() -> Iterator[list[PtyPgtail]]:
    """pgtail processes on pseudo-terminals a test starts; all closed at the end."""
    started: list[PtyPgtail] = []
    try:
        yield started
    finally:
        for term in started:
            term.close()
