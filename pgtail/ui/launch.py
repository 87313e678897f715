"""Building and running the full-screen UI: one factory for the command, the tests and the
screenshot script."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial

from pgtail.core.dsn import Dsn, DsnError, parse
from pgtail.core.listener import ListenerOptions
from pgtail.core.models import ListenerEvent
from pgtail.core.replay_source import ReplaySource
from pgtail.core.text import escape
from pgtail.core.wiring import Wiring, wire
from pgtail.exit_codes import EXIT_FAILED, EXIT_OK
from pgtail.remembered import StateFile
from pgtail.settings import Settings
from pgtail.shutdown import cleanups, ended_by_hangup
from pgtail.ui.app import ListenerFactory, PgtailApp
from pgtail.ui.bridge import Source
from pgtail.ui.remembering import Remembering


def make_app(
    settings: Settings,
    *,
    dsn: Dsn | None = None,
    listener_factory: ListenerFactory | None = None,
    options: ListenerOptions | None = None,
) -> PgtailApp:
    """Build the app for *settings*. Raises DsnError / ValueError for a bad DSN or channel, and
    OSError when a ``--record`` or ``--replay`` file cannot be opened."""
    if settings.replay is not None:
        path, speed = settings.replay, settings.speed

        def replay_factory(on_event: Callable[[ListenerEvent], None]) -> ReplaySource:
            return ReplaySource(path, on_event, speed)

        return PgtailApp(settings, None, replay_factory, None)
    dsn = dsn if dsn is not None else parse(settings.dsn)
    wiring = wire(dsn, settings.channels, record=settings.record, options=options)
    factory: ListenerFactory = wiring.listener
    if listener_factory is not None:
        factory = _recording(listener_factory, wiring)
    return PgtailApp(settings, dsn, factory, wiring.sender, wiring.inspector, wiring.recorder)


def _recording(factory: ListenerFactory, wiring: Wiring) -> ListenerFactory:
    """A listener factory given by a caller, its events recorded like the listener's own."""

    def make(on_event: Callable[[ListenerEvent], None]) -> Source:
        return factory(wiring.recorded(on_event))

    return make


def run(settings: Settings) -> int:
    """The full-screen UI's main: returns the process exit code."""
    try:
        app = make_app(settings)
    except (DsnError, ValueError) as exc:
        print(f"pgtail: error: {escape(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        what = exc.strerror or str(exc)
        print(f"pgtail: error: {escape(str(exc.filename or ''))}: {escape(what)}", file=sys.stderr)
        return EXIT_FAILED
    # Neither a throw-away demo server nor a replay has a history worth keeping.
    server = None if settings.demo or app.dsn is None else app.dsn.display
    app.remembering = Remembering(StateFile(), server)
    stop_core = cleanups.add(lambda: app.core.stop(timeout=0.3))
    terminal = sys.__stdin__.fileno() if sys.__stdin__ and sys.__stdin__.isatty() else None
    try:
        with ended_by_hangup(partial(_ask_to_exit, app), watch=terminal):
            result = app.run()
    finally:
        # Normally the app stopped it on its way out; after an interrupted start, not.
        stop_core()
    for warning in app.remembering.save(app):
        print(f"pgtail: warning: {escape(warning)}", file=sys.stderr)
    if app.core.failed:
        state = app.core.final_state
        reason = state.last_error if state is not None else None
        print(f"pgtail: error: {escape(reason or 'connection failed')}", file=sys.stderr)
        return EXIT_FAILED
    return result if isinstance(result, int) else EXIT_OK


def _ask_to_exit(app: PgtailApp) -> bool:
    """From another thread: ask the app to exit; False while it is not running yet (or any
    more), so the caller asks again."""
    if not app.is_running:
        return False
    app.call_later(app.exit)
    return True
