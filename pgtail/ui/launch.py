"""Building and running the full-screen UI: one factory for the command, the tests and the
screenshot script."""

from __future__ import annotations

import sys
from collections.abc import Callable

from pgtail.core.dsn import Dsn, DsnError, parse
from pgtail.core.inspector import Inspector
from pgtail.core.listener import Listener, ListenerOptions
from pgtail.core.models import ListenerEvent
from pgtail.core.recording import RecordingWriter
from pgtail.core.replay_source import ReplaySource
from pgtail.core.sender import Sender
from pgtail.core.text import escape
from pgtail.exit_codes import EXIT_FAILED, EXIT_OK
from pgtail.settings import Settings
from pgtail.ui.app import ListenerFactory, PgtailApp


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
        path = settings.replay

        def replay_factory(on_event: Callable[[ListenerEvent], None]) -> ReplaySource:
            return ReplaySource(path, on_event)

        return PgtailApp(settings, None, replay_factory, None)
    dsn = dsn if dsn is not None else parse(settings.dsn)

    sender = Sender(dsn)
    if listener_factory is None:

        def listener_factory(on_event: Callable[[ListenerEvent], None]) -> Listener:
            # The sender's NOTIFY is the delivery check's probe, as in pipe mode.
            return Listener(dsn, settings.channels, on_event, options, probe=sender.notify)

    recorder = RecordingWriter(settings.record) if settings.record else None
    return PgtailApp(settings, dsn, listener_factory, sender, Inspector(dsn), recorder)


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
    result = app.run()
    if app.core.failed:
        state = app.core.final_state
        reason = state.last_error if state is not None else None
        print(f"pgtail: error: {escape(reason or 'connection failed')}", file=sys.stderr)
        return EXIT_FAILED
    return result if isinstance(result, int) else EXIT_OK
