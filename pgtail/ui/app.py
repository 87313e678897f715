"""The full-screen UI: composes the widgets and routes messages between them and the core.

Data flows one way: the listener (core thread) -> :class:`pgtail.ui.inbox.Inbox` and
:class:`pgtail.ui.messages.CoreEvent` -> the app -> widgets. Commands flow back: widget message ->
app -> ``listener.subscribe()`` / ``sender.notify()`` run on the core loop through
:meth:`pgtail.ui.bridge.CoreThread.call`, whose outcome comes back on the UI thread. The app holds
no connection itself; the channel rows' data and the drain pacing live in :mod:`pgtail.ui.state`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen

from pgtail.core.dsn import Dsn
from pgtail.core.inspector import Inspector
from pgtail.core.models import (
    ChannelsChanged,
    ConnectionState,
    ListenerEvent,
    ListenerWarning,
    Phase,
)
from pgtail.core.recording import RecordingWriter
from pgtail.core.replay_source import ReplaySource
from pgtail.core.sender import Sender
from pgtail.core.text import escape
from pgtail.exit_codes import EXIT_FAILED, EXIT_OK
from pgtail.settings import Settings
from pgtail.ui.bridge import CoreThread, Source, route_events
from pgtail.ui.channel_commands import ChannelCommands
from pgtail.ui.commands import pgtail_commands
from pgtail.ui.gc_pauses import fewer_gc_pauses
from pgtail.ui.inbox import Inbox
from pgtail.ui.keys import APP_BINDINGS
from pgtail.ui.log_layout import LogLayout
from pgtail.ui.messages import CoreEvent, InboxReady
from pgtail.ui.notify_commands import NotifyCommands
from pgtail.ui.quiet_watch import QuietWatch
from pgtail.ui.remembering import Remembering
from pgtail.ui.screens.add_channel import AddChannelScreen
from pgtail.ui.screens.detail import DetailScreen, copy_as_sql
from pgtail.ui.screens.discovery import DiscoveryScreen
from pgtail.ui.screens.export import export_prompt
from pgtail.ui.screens.failed import FailedScreen
from pgtail.ui.screens.help import HelpScreen
from pgtail.ui.sender_lookup import SenderLookup
from pgtail.ui.state.channel_book import ChannelBook
from pgtail.ui.state.drain_pacer import COUNTDOWN_INTERVAL, DrainPacer, next_clock
from pgtail.ui.state.filtering import parse_filter
from pgtail.ui.state.undo import UNDO_SECONDS
from pgtail.ui.undo import Undo
from pgtail.ui.wake_timer import WakeTimer
from pgtail.ui.widgets.channel_list import ChannelList
from pgtail.ui.widgets.channel_strip import ChannelStrip
from pgtail.ui.widgets.filter_bar import FilterBar
from pgtail.ui.widgets.footer import KeyFooter
from pgtail.ui.widgets.main_area import MainArea
from pgtail.ui.widgets.notification_log import NotificationLog
from pgtail.ui.widgets.notify_bar import NotifyBar
from pgtail.ui.widgets.status_line import StatusLine

#: How often the cluster's notification queue usage is polled (on the inspector's connection).
QUEUE_POLL_INTERVAL = 5.0

ListenerFactory = Callable[[Callable[[ListenerEvent], None]], Source]


class PgtailApp(App[int]):
    """tail -f for LISTEN/NOTIFY."""

    CSS_PATH = "pgtail.tcss"
    TITLE = "pgtail"
    ENABLE_COMMAND_PALETTE = True
    remembering: Remembering | None = None
    """The theme and NOTIFY history of earlier runs; set by the command (tests leave it out)."""

    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        settings: Settings,
        dsn: Dsn | None,
        listener_factory: ListenerFactory,
        sender: Sender | None,
        inspector: Inspector | None = None,
        recorder: RecordingWriter | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        """What the user asked for."""
        self.dsn = dsn
        # Both callbacks run on the core thread; post_message is thread-safe.
        self.inbox = Inbox(settings.scrollback, on_ready=lambda: self.post_message(InboxReady()))
        """Where the core thread leaves notifications for the next drain."""
        self.recorder = recorder
        """With ``--record``: the file the listener's events are recorded to (on the core thread,
        see :mod:`pgtail.core.wiring`); closed once the core has stopped."""
        self.listener = listener_factory(
            route_events(self.inbox, lambda event: self.post_message(CoreEvent(event)))
        )
        self.sender = sender
        """Sends the NOTIFY bar's lines; None in a replay (no server)."""
        self.inspector = inspector
        """The side connection for senders, discovery and queue usage; None in a replay."""
        # call_later posts a message: safe from the core thread, and it never blocks that thread
        # (call_from_thread would wait for the UI, which a stalled terminal can hold up).
        self.core = CoreThread(self.listener, deliver=self.call_later)
        self.state: ConnectionState = self.listener.state
        """The latest connection state."""
        replay = self.listener if isinstance(self.listener, ReplaySource) else None
        self.replay = replay
        """The recording shown (``--replay``), or None when listening."""
        # A replay's rates and "last seen" run on the recorded clock.
        clock = time.time if replay is None else replay.recorded_now
        self.channels = ChannelBook(self.listener.wanted, clock)
        """The channel rows' data: order, toggled off, listening, counts."""
        self.pacer = DrainPacer(settings.fps)
        """When the next drain may run, and when the rows and status line move on."""
        self.exit_code = EXIT_OK
        self.drain_timer = WakeTimer(self, self._drain)
        """The next drain, when it may not run at once (during a flood, drains are spaced)."""
        self.clock = WakeTimer(self, self._clock_tick)
        """The status line's and rows' next tick: not due while nothing they show changes."""
        if not settings.color:
            self.add_class("-no-color")

    # ---- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept as attributes: while a modal screen is up, queries would search that screen.
        self.channel_list = ChannelList(self.settings.color, self.channels.clock, id="channels")
        self.log_view = NotificationLog(self.settings.scrollback, self.settings.color, id="log")
        self.notify_bar = NotifyBar(self.channels.names, id="notify")
        screens = lambda: self.screen_stack  # noqa: E731 - read when answers come
        self.senders = SenderLookup(self.inspector, self.core, self.log_view, screens)
        """Who sent which line: looked up for the sender column and the detail view."""
        self.log_view.show_senders = self.settings.sender_column
        self.filter_bar = FilterBar(self.channels.names, id="filter-bar")
        self.status_line = StatusLine(self.state, id="status")
        strip = ChannelStrip(color=self.settings.color, id="channel-strip")
        self.main = MainArea(self.channel_list, strip, self.log_view, id="main")
        """The channel list (or, when narrow, a one-line summary) and the log."""
        self.quiet = QuietWatch(self, self.settings.quiet_after)
        self.channel_commands = ChannelCommands(
            self.channels,
            self.main,
            self.log_view,
            self.listener,
            self.core,
            warn=lambda text, severity: self._toast(text, "pgtail", severity),
            marks=self.quiet.rows,
        )
        self.undo = Undo(self.log_view, self.channel_commands, self._undo_toast)
        self.notify_commands = NotifyCommands(
            self.sender, self.core, self.notify_bar, self.log_view, self.status_line, self.clock
        )
        self.log_layout = LogLayout(self.log_view, self.settings, self.push_screen, self._toast)
        yield self.main
        with Vertical(id="bottom"):
            yield self.filter_bar
            yield self.notify_bar
            yield self.status_line
            yield KeyFooter()

    def on_mount(self) -> None:
        self.channel_list.border_title = "channels"
        self.channel_commands.show_rows()
        self.core.start()
        if self.sender is not None:
            self.core.call(self.sender.connect(), self.log_view.mark_own)
        if self.inspector is not None:
            self._poll_queue()
            self.set_interval(QUEUE_POLL_INTERVAL, self._poll_queue)
        if self.replay is not None:
            self._announce_replay(self.replay)
        self.clock.within(0)
        if (preset := parse_filter(self.settings.filter or "")) is not None:
            self.filter_bar.preset(preset)  # --filter, checked when the settings were made
        self.log_view.focus()
        if self.remembering is not None:
            self.remembering.restore(self)
        self.call_after_refresh(fewer_gc_pauses, self.is_headless)

    async def on_unmount(self) -> None:
        self.notify_commands.cancel_burst()  # before the sender's connection closes
        await self.core.shutdown(self.sender, self.inspector)
        if self.recorder is not None:
            self.recorder.close()

    # ---- from the core thread ----------------------------------------------------------------

    def on_inbox_ready(self, _message: InboxReady) -> None:
        wait = self.pacer.wait()
        if wait <= 0 and not self.drain_timer.pending:
            self._drain()
        else:
            self.drain_timer.within(max(0.0, wait))

    def _drain(self) -> None:
        """Drain the inbox into the log; the live numbers follow on the next clock tick."""
        drained = self.inbox.drain()
        if drained is not None:
            self.pacer.drained(len(drained.items) + drained.dropped, self.log_view.size.height)
            self.log_view.add(self.quiet.heard(drained), drained.dropped)
            self.channels.count(drained.counts, drained.last_seen, drained.total, drained.activity)
            self.clock.within(max(0.0, self.pacer.clock_wait()))

    def _clock_tick(self) -> None:
        """The status line and rows move on; the next tick is when they show something new."""
        self.pacer.clock_ticked()
        self.channel_commands.show_rows()
        rate = None if self.replay is None else self.channels.rate()
        self.status_line.sample(self.channels.total, len(self.channels.listening), rate)
        self.notify_commands.tick()
        if self.log_view.show_senders:
            self.senders.look_up(self.log_view.visible_pids())
        shown_changes = next_clock(
            self.channels.last_seen.values(),
            every_second=self.status_line.rate > 0 or self.log_view.show_senders,
            countdown=self.state.phase is Phase.RECONNECTING,
            now=self.channels.clock(),
        )
        self.clock.within(min(shown_changes, self.notify_commands.next_tick()))

    def on_core_event(self, message: CoreEvent) -> None:
        event = message.event
        if isinstance(event, ConnectionState):
            self.state = event
            self.status_line.set_state(event)
            self.clock.within(COUNTDOWN_INTERVAL)
            if event.phase is Phase.FAILED:
                self.exit_code = EXIT_FAILED
                self.push_screen(FailedScreen(event.server, event.last_error or "unknown error"))
        elif isinstance(event, ChannelsChanged):
            # Rows are the user's to add and remove; the core only says what is listened on.
            self.channels.listening = event.listening
            self.channel_commands.show_rows()
            self.status_line.set_counts(self.channels.total, len(self.channels.listening))
        elif isinstance(event, ListenerWarning):
            self._toast(event.message, "pgtail", "warning")
        else:
            self.status_line.set_delivery(event.ok)
            if not event.ok:
                # Connected, yet nothing will ever arrive: say so loudly, and keep saying it.
                self._toast(event.detail, "notifications are not delivered", "error", timeout=30)

    def _toast(
        self,
        text: str,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None:
        """A toast. Its text may come from the server: it is escaped, and never markup."""
        self.status_line.errors.add_toast(severity, title or "pgtail", text)
        self.notify(escape(text), title=title, severity=severity, timeout=timeout, markup=False)

    # ---- channel commands ---------------------------------------------------------------------

    def action_add_channel(self) -> None:
        screen = AddChannelScreen(self.channels.names())
        self.push_screen(screen, self.channel_commands.add)
        if self.inspector is not None:
            self.core.call(self.inspector.discover(), screen.add_discovered)

    def on_channel_list_remove_requested(self, message: ChannelList.RemoveRequested) -> None:
        self.undo.remove_channel(message.name)

    def on_channel_list_toggle_requested(self, message: ChannelList.ToggleRequested) -> None:
        self.channel_commands.switch(message.name, message.listen)

    def on_channel_list_filter_changed(self, message: ChannelList.FilterChanged) -> None:
        self.log_view.set_filter(message.name)

    # ---- NOTIFY --------------------------------------------------------------------------------

    def on_notify_bar_submitted(self, message: NotifyBar.Submitted) -> None:
        self.notify_commands.submit(message)

    # ---- debugging: details, filter, senders, discovery, queue, replay -------------------------

    def on_notification_log_chosen(self, message: NotificationLog.Chosen) -> None:
        pid = message.notification.pid
        self.push_screen(DetailScreen(message.notification, self.senders.book.known.get(pid)))
        self.senders.look_up({pid})

    def on_filter_bar_changed(self, message: FilterBar.Changed) -> None:
        self.log_view.set_text_filter(message.filter)
        self.status_line.set_filter(message.filter.text if message.filter else None)
        if message.done:
            self.log_view.focus()

    def action_toggle_senders(self) -> None:
        log = self.log_view
        log.show_senders = not log.show_senders
        if log.show_senders:
            self.senders.look_up(log.visible_pids())
        log.refresh()

    def action_filter(self) -> None:
        self.filter_bar.open()

    def action_copy_sql(self) -> None:
        chosen = self.log_view.chosen
        if chosen is None:
            self._toast("select a line first (Up, Down)", severity="warning")
            return
        copy_as_sql(self, chosen)

    def action_export(self) -> None:
        if (prompt := export_prompt(self.log_view)) is None:
            self._toast("nothing to export: the log shows no notification", severity="warning")
        else:
            self.push_screen(prompt, self._exported)

    def _exported(self, written: str | None) -> None:
        if written is not None:
            self._toast(written)

    def action_pick_columns(self) -> None:
        self.log_layout.pick_columns()

    def action_cycle_time(self) -> None:
        self.log_layout.cycle_time()

    def action_discover(self) -> None:
        inspector = self.inspector
        if inspector is None:
            self._toast("a replay has no server to look on", severity="warning")
            return
        screen = DiscoveryScreen(self.channels.names())
        self.push_screen(screen, self.channel_commands.add)
        self.core.call(inspector.discover(), screen.set_channels, screen.set_error)

    def _poll_queue(self) -> None:
        if self.inspector is not None:
            # A failed poll says nothing new: the listener reports connection trouble itself.
            self.core.call(self.inspector.queue_usage(), self.status_line.set_queue_usage)

    def _announce_replay(self, source: ReplaySource) -> None:
        self.status_line.set_replay(source.describe())
        if skipped := source.skipped():
            self._toast(skipped, "bad lines in the recording", "warning", timeout=30)

    # ---- actions --------------------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_show_errors(self) -> None:
        self.status_line.show_errors()

    def action_focus_notify(self) -> None:
        self.notify_bar.input.focus()

    def action_focus_log(self) -> None:
        if self.notify_commands.cancel_burst():
            return  # Escape stops a burst first, wherever it is pressed
        # Escape on the log itself clears the live filter.
        if self.log_view.has_focus and self.filter_bar.active is not None:
            self.filter_bar.clear()
        self.log_view.focus()

    def action_retry(self) -> None:
        self.core.call(self.listener.retry_now(), self._retried)

    def _retried(self, cut_short: bool) -> None:
        if not cut_short:
            busy = self.state.phase in (Phase.CONNECTING, Phase.RECONNECTING)
            self._toast("already connecting" if busy else "connected: nothing to retry")

    def action_clear_log(self) -> None:
        self.undo.clear_log()

    def action_undo(self) -> None:
        self.undo.undo()

    def _undo_toast(self, text: str) -> None:
        self._toast(text, timeout=UNDO_SECONDS)

    def action_toggle_sidebar(self) -> None:
        self.main.toggle_channels()

    async def action_quit(self) -> None:
        self.exit(self.exit_code)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from pgtail_commands(self, super().get_system_commands(screen))
