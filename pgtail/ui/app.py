"""The full-screen UI: composes the widgets, runs the core on its own thread, routes messages.

Data flows one way: the listener (core thread) -> :class:`pgtail.ui.inbox.Inbox` / messages -> the
app -> widgets. Commands flow back: widget message -> app -> ``listener.subscribe()`` /
``sender.notify()`` submitted to the core loop. The app holds no connection itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from pgtail.core.channels import validate_channel
from pgtail.core.dsn import Dsn
from pgtail.core.inspector import Inspector
from pgtail.core.models import (
    ChannelsChanged,
    ConnectionState,
    DeliveryChecked,
    Gap,
    ListenerEvent,
    ListenerWarning,
    NotificationBatch,
    Phase,
    SenderInfo,
)
from pgtail.core.recording import RecordingWriter, recording_tee
from pgtail.core.replay_source import ReplaySource
from pgtail.core.sender import Sender, SendError
from pgtail.core.text import escape
from pgtail.exit_codes import EXIT_FAILED, EXIT_OK
from pgtail.settings import Settings
from pgtail.ui.bridge import CoreThread, Source
from pgtail.ui.inbox import Inbox
from pgtail.ui.messages import (
    ChannelAddRequested,
    ChannelFilterChanged,
    ChannelRemoveRequested,
    ChannelsDiscovered,
    ChannelToggleRequested,
    ConnectionStateChanged,
    DeliveryCheckFinished,
    InboxReady,
    ListenChannelsChanged,
    ListenerWarned,
    NotificationChosen,
    NotifyFinished,
    NotifyRequested,
    QueueUsageMeasured,
    SendersFound,
    TextFilterChanged,
)
from pgtail.ui.screens.add_channel import AddChannelScreen
from pgtail.ui.screens.detail import DetailScreen
from pgtail.ui.screens.discovery import DiscoveryScreen
from pgtail.ui.screens.failed import FailedScreen
from pgtail.ui.screens.help import HelpScreen
from pgtail.ui.state.channel_book import ChannelRow, ListenState
from pgtail.ui.state.rates import ChannelRates, RateMeter
from pgtail.ui.widgets.channel_list import ChannelList
from pgtail.ui.widgets.filter_bar import FilterBar
from pgtail.ui.widgets.notification_log import NotificationLog
from pgtail.ui.widgets.notify_bar import NotifyBar
from pgtail.ui.widgets.status_line import StatusLine

#: How often the status line and channel rows move on (counts, rate, "3s ago").
STATUS_INTERVAL = 0.25
#: Shortest time between two drains when the last one did not fill the log's height: a
#: notification shows within this (plus one frame), and a steady trickle costs at most this
#: many repaints a second.
CALM_INTERVAL = 1 / 30
#: Channel rows (counts, rates, sparklines, "3s ago") repaint this often, whatever the traffic:
#: repainting them with every drain cost a sixth of the UI thread at 100 notifications/s.
ROWS_INTERVAL = 0.5
#: How often the cluster's notification queue usage is polled (on the inspector's connection).
QUEUE_POLL_INTERVAL = 5.0

ListenerFactory = Callable[[Callable[[ListenerEvent], None]], Source]


class PgtailApp(App[int]):
    """tail -f for LISTEN/NOTIFY."""

    CSS_PATH = "pgtail.tcss"
    TITLE = "pgtail"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("n", "focus_notify", "Notify"),
        Binding("a", "add_channel", "Add"),
        Binding("c", "clear_log", "Clear"),
        Binding("s", "toggle_sidebar", "Channels"),
        Binding("slash", "filter", "Filter"),
        Binding("w", "toggle_senders", "Who", tooltip="Show who sent each line"),
        Binding("D", "discover", "Discover", tooltip="Find channels in use on the server"),
        Binding("escape", "focus_log", "Log", show=False),
    ]

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
        self.inbox = Inbox(settings.scrollback, on_ready=self._wake_ui)
        """Where the core thread leaves notifications for the next drain."""
        self.recorder = recorder
        """With ``--record``: every received notification is written here, on the core thread."""
        on_event: Callable[[ListenerEvent], None] = self._on_core_event
        if recorder is not None:
            on_event = recording_tee(on_event, recorder)
        self.listener = listener_factory(on_event)
        self.sender = sender
        """Sends the NOTIFY bar's lines; None in a replay (no server)."""
        self.inspector = inspector
        """The side connection for senders, discovery and queue usage; None in a replay."""
        self.core = CoreThread(self.listener)
        self.state: ConnectionState = self.listener.state
        """The latest connection state."""
        self.channel_order: list[str] = list(self.listener.wanted)
        """Every channel with a row, in the order added (including ones toggled off)."""
        self.off: set[str] = set()
        """Channels toggled off: not listened on, row kept."""
        self.listening: frozenset[str] = frozenset()
        self.counts: dict[str, int] = {}
        self.last_seen: dict[str, float] = {}
        self.total = 0
        """Notifications received since the start (exact, also when not all were shown)."""
        self.exit_code = EXIT_OK
        self._rate = RateMeter()
        self._last_slow_tick = 0.0
        # A drain that scrolls the whole log repaints every row: during a flood drains are spaced
        # 1/fps apart so the bytes sent to the terminal stay bounded (a slow SSH link).
        self._flood_interval = 1 / max(1, settings.fps)
        self._next_drain = 0.0
        self._drain_timer: Timer | None = None
        self._last_rows = 0.0
        self._flooding = False
        self.rates = ChannelRates()
        """Per-channel per-second counts for the channel rows' rates and sparklines."""
        self.senders: dict[int, SenderInfo] = {}
        """Senders looked up so far, by pid (the UI's copy; the inspector caches too)."""
        self._looking_up: set[int] = set()
        if not settings.color:
            self.add_class("-no-color")

    # ---- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept as attributes: while a modal screen is up, queries would search that screen.
        self.channel_list = ChannelList(color=self.settings.color, id="channels")
        self.log_view = NotificationLog(self.settings.scrollback, self.settings.color, id="log")
        self.notify_bar = NotifyBar(self._channel_names, id="notify")
        self.log_view.senders = self.senders
        self.filter_bar = FilterBar(id="filter-bar")
        self.status_line = StatusLine(self.state, id="status")
        with Horizontal(id="main"):
            yield self.channel_list
            yield self.log_view
        with Vertical(id="bottom"):
            yield self.filter_bar
            yield self.notify_bar
            yield self.status_line
            yield Footer()

    def on_mount(self) -> None:
        self.channel_list.border_title = "channels"
        self._update_channel_rows()
        self.core.start()
        if self.sender is not None:
            self._submit(self.sender.connect(), self._learn_sender_pid)
        if self.inspector is not None:
            self._poll_queue()
            self.set_interval(QUEUE_POLL_INTERVAL, self._poll_queue)
        if isinstance(self.listener, ReplaySource):
            self._announce_replay(self.listener)
        self.set_interval(STATUS_INTERVAL, self._status_tick)
        self.log_view.focus()

    async def on_unmount(self) -> None:
        await self._stop_core()

    async def _stop_core(self) -> None:
        if self.core.loop.is_closed():
            return
        for closable in (self.sender, self.inspector):
            if closable is None:
                continue
            future = self.core.submit(closable.close())
            try:
                await asyncio.wait_for(asyncio.wrap_future(future), 2.0)
            except Exception:
                future.cancel()
        # Joining the thread blocks: do it off the UI loop so the terminal is restored promptly.
        await asyncio.to_thread(self.core.stop)
        if self.recorder is not None:
            self.recorder.close()

    # ---- from the core thread ----------------------------------------------------------------

    def _on_core_event(self, event: ListenerEvent) -> None:
        """Runs on the core thread: must stay cheap and never touch widgets."""
        if isinstance(event, NotificationBatch):
            self.inbox.put_notifications(event.items)
        elif isinstance(event, Gap):
            self.inbox.put_gap(event)
        elif isinstance(event, ConnectionState):
            self.post_message(ConnectionStateChanged(event))
        elif isinstance(event, ChannelsChanged):
            self.post_message(ListenChannelsChanged(event))
        elif isinstance(event, ListenerWarning):
            self.post_message(ListenerWarned(event.message))
        elif isinstance(event, DeliveryChecked):
            self.post_message(DeliveryCheckFinished(event.ok, event.detail))

    def _wake_ui(self) -> None:
        """Runs on the core thread. (Not named _on_inbox_ready: Textual would call that for
        every InboxReady message, which would post another one.)"""
        self.post_message(InboxReady())

    def on_inbox_ready(self, _message: InboxReady) -> None:
        if self._drain_timer is not None:
            return  # a drain is already due
        wait = self._next_drain - time.monotonic()
        if wait <= 0:
            self._tick()
        else:
            self._drain_timer = self.set_timer(wait, self._timed_drain)

    def _timed_drain(self) -> None:
        self._drain_timer = None
        self._tick()

    def _status_tick(self) -> None:
        """The periodic tick: live numbers move on; the log is drained only when a drain is due
        (during a flood, drains are spaced by the --fps interval)."""
        self._tick(drain=self._drain_timer is None and time.monotonic() >= self._next_drain)

    def _tick(self, drain: bool = True) -> None:
        """Drain the inbox into the log, and move the live numbers on."""
        drained = self.inbox.drain() if drain else None
        now = time.monotonic()
        if drained is not None:
            self._flooding = len(drained.items) + drained.dropped >= max(
                1, self.log_view.size.height
            )
            self._next_drain = now + (self._flood_interval if self._flooding else CALM_INTERVAL)
            self.log_view.add(drained.items, drained.dropped)
            self.counts, self.last_seen, self.total = (
                drained.counts,
                drained.last_seen,
                drained.total,
            )
            self.rates.update(self.counts)
        if now - self._last_rows >= ROWS_INTERVAL:
            self._last_rows = now
            self._update_channel_rows()
        slow = now - self._last_slow_tick >= 0.25
        if slow:
            self._last_slow_tick = now
            rate = self._rate.sample(self.total, now)
            self.status_line.set_counts(self.total, rate, len(self.listening))
            if self.log_view.show_senders:
                self._look_up_senders(self.log_view.visible_pids())

    def on_connection_state_changed(self, message: ConnectionStateChanged) -> None:
        self.state = message.state
        self.status_line.set_state(message.state)
        if message.state.phase is Phase.FAILED:
            self.exit_code = EXIT_FAILED
            self.push_screen(
                FailedScreen(message.state.server, message.state.last_error or "unknown error")
            )

    def on_delivery_check_finished(self, message: DeliveryCheckFinished) -> None:
        self.status_line.set_delivery(message.ok)
        if not message.ok:
            # Connected, yet nothing will ever arrive: say so loudly, and keep saying it.
            self.notify(
                escape(message.detail),
                title="notifications are not delivered",
                severity="error",
                timeout=30,
                markup=False,
            )

    def on_listen_channels_changed(self, message: ListenChannelsChanged) -> None:
        # Rows are the user's to add and remove; the core only says what is listened on.
        self.listening = message.change.listening
        self._update_channel_rows()
        self.status_line.set_counts(self.total, self.status_line.rate, len(self.listening))

    def on_listener_warned(self, message: ListenerWarned) -> None:
        self.notify(escape(message.text), title="pgtail", severity="warning", markup=False)

    # ---- channel commands ---------------------------------------------------------------------

    def _channel_names(self) -> Iterable[str]:
        return list(self.channel_order)

    def _update_channel_rows(self) -> None:
        rows = []
        wanted = set(self.listener.wanted)
        for name in self.channel_order:
            state: ListenState
            if name in self.off:
                state = "off"
            elif name in self.listening:
                state = "listening"
            else:
                state = "pending"
            if name not in wanted and name not in self.off:
                state = "pending"
            activity = self.rates.per_second(name)
            rows.append(
                ChannelRow(
                    name,
                    state,
                    self.counts.get(name, 0),
                    self.last_seen.get(name),
                    self.rates.rate(name),
                    tuple(activity) if any(activity) or name in self.counts else (),
                )
            )
        self.channel_list.set_rows(rows)

    def action_add_channel(self) -> None:
        def added(name: str | None) -> None:
            if name:
                self.post_message(ChannelAddRequested(name))

        self.push_screen(AddChannelScreen(), added)

    @on(ChannelAddRequested)
    def _add_channel(self, message: ChannelAddRequested) -> None:
        name = message.name
        try:
            validate_channel(name)
        except ValueError as exc:
            self.notify(escape(str(exc)), severity="error", markup=False)
            return
        self.off.discard(name)
        if name not in self.channel_order:
            self.channel_order.append(name)
        self._update_channel_rows()
        self._submit(self.listener.subscribe(name), self._warn_on_error(name, forget=True))

    @on(ChannelRemoveRequested)
    def _remove_channel(self, message: ChannelRemoveRequested) -> None:
        name = message.name
        if name in self.channel_order:
            self.channel_order.remove(name)
        self.off.discard(name)
        if self.log_view.filter == name:
            self.channel_list.filter = None
            self.log_view.set_filter(None)
        self._update_channel_rows()
        self._submit(self.listener.unsubscribe(name), self._warn_on_error(name))

    @on(ChannelToggleRequested)
    def _toggle_channel(self, message: ChannelToggleRequested) -> None:
        name = message.name
        if message.listen:
            self.off.discard(name)
            self._submit(self.listener.subscribe(name), self._warn_on_error(name))
        else:
            self.off.add(name)
            self._submit(self.listener.unsubscribe(name), self._warn_on_error(name))
        self._update_channel_rows()

    @on(ChannelFilterChanged)
    def _filter_log(self, message: ChannelFilterChanged) -> None:
        self.log_view.set_filter(message.name)

    def _warn_on_error(
        self, name: str, forget: bool = False
    ) -> Callable[[concurrent.futures.Future[Any]], None]:
        """A done-callback (core thread) that reports a failed LISTEN/UNLISTEN."""

        def done(future: concurrent.futures.Future[Any]) -> None:
            exc = None if future.cancelled() else future.exception()
            if exc is not None:
                self.post_message(ListenerWarned(f"channel {name!r}: {exc}"))
                if forget:
                    # The server refused the LISTEN and the core forgot the name: so does the UI.
                    self.post_message(ChannelRemoveRequested(name))

        return done

    # ---- NOTIFY --------------------------------------------------------------------------------

    @on(NotifyRequested)
    def _send(self, message: NotifyRequested) -> None:
        line = message.line
        sender = self.sender
        if sender is None:
            self.notify_bar.failed("a replay has no server to send to")
            return

        async def send() -> int | None:
            await sender.notify(message.channel, message.payload)
            return sender.backend_pid

        def done(future: concurrent.futures.Future[int | None]) -> None:
            exc = None if future.cancelled() else future.exception()
            if exc is None and not future.cancelled():
                self.call_from_thread(self._sent, line, future.result())
            else:
                error = str(exc) if isinstance(exc, SendError) else f"not sent: {exc}"
                self.post_message(NotifyFinished(error))

        self._submit(send(), done)

    def _sent(self, line: str, pid: int | None) -> None:
        if pid is not None:
            self._own_pid(pid)
        self.notify_bar.sent(line)

    def on_notify_finished(self, message: NotifyFinished) -> None:
        if message.error is not None:
            self.notify_bar.failed(message.error)

    def _learn_sender_pid(self, future: concurrent.futures.Future[int | None]) -> None:
        if not future.cancelled() and future.exception() is None:
            pid = future.result()
            if pid is not None:
                self.call_from_thread(self._own_pid, pid)

    def _own_pid(self, pid: int) -> None:
        if pid not in self.log_view.own_pids:
            self.log_view.own_pids.add(pid)
            self.log_view.refresh()

    def _submit(
        self,
        coro: Any,
        callback: Callable[[concurrent.futures.Future[Any]], None] | None = None,
    ) -> None:
        if self.core.loop.is_closed():
            coro.close()
            return
        future = self.core.submit(coro)
        if callback is not None:
            # Added on the core loop: a future that is already done runs the callback at once,
            # and callbacks use call_from_thread, which must not run on the UI thread.
            self.core.loop.call_soon_threadsafe(future.add_done_callback, callback)

    # ---- debugging: details, filter, senders, discovery, queue, replay -------------------------

    @on(NotificationChosen)
    def _show_detail(self, message: NotificationChosen) -> None:
        pid = message.notification.pid
        self.push_screen(DetailScreen(message.notification, self.senders.get(pid)))
        self._look_up_senders({pid})

    @on(TextFilterChanged)
    def _text_filter(self, message: TextFilterChanged) -> None:
        self.log_view.set_text_filter(message.filter)
        self.status_line.set_filter(message.filter.text if message.filter else None)
        if message.done:
            self.log_view.focus()

    def _look_up_senders(self, pids: set[int]) -> None:
        """Ask the inspector (core thread) about pids not known or asked about yet."""
        missing = pids - self.senders.keys() - self._looking_up
        if not missing or self.inspector is None:
            return
        self._looking_up |= missing

        def done(future: concurrent.futures.Future[dict[int, SenderInfo]]) -> None:
            exc = None if future.cancelled() else future.exception()
            if exc is None and not future.cancelled():
                self.post_message(SendersFound(future.result()))
            else:
                self.post_message(SendersFound({}, error=f"{exc}"))

        self._submit(self.inspector.senders(missing), done)

    @on(SendersFound)
    def _senders_found(self, message: SendersFound) -> None:
        self.senders.update(message.senders)
        self._looking_up -= message.senders.keys()
        if message.error is not None:
            # Let the next slow tick (or the next detail view) ask again.
            self._looking_up.clear()
        for screen in self.screen_stack:
            if isinstance(screen, DetailScreen):
                info = self.senders.get(screen.notification.pid)
                if info is not None:
                    screen.set_sender(info)
        self.log_view.refresh()

    def action_toggle_senders(self) -> None:
        log = self.log_view
        log.show_senders = not log.show_senders
        if log.show_senders:
            self._look_up_senders(log.visible_pids())
        log.refresh()

    def action_filter(self) -> None:
        self.filter_bar.open()

    def action_discover(self) -> None:
        inspector = self.inspector
        if inspector is None:
            self.notify("a replay has no server to look on", severity="warning", markup=False)
            return

        def chosen(name: str | None) -> None:
            if name:
                self.post_message(ChannelAddRequested(name))

        self.push_screen(DiscoveryScreen(), chosen)

        def done(future: concurrent.futures.Future[Any]) -> None:
            exc = None if future.cancelled() else future.exception()
            if exc is None and not future.cancelled():
                self.post_message(ChannelsDiscovered(future.result()))
            else:
                self.post_message(ChannelsDiscovered([], error=f"{exc}"))

        self._submit(inspector.discover(), done)

    @on(ChannelsDiscovered)
    def _discovered(self, message: ChannelsDiscovered) -> None:
        if isinstance(self.screen, DiscoveryScreen):
            if message.error is not None:
                self.screen.set_error(message.error)
            else:
                self.screen.set_channels(message.channels)

    def _poll_queue(self) -> None:
        if self.inspector is None:
            return

        def done(future: concurrent.futures.Future[float]) -> None:
            # A failed poll says nothing new: the listener reports connection trouble itself.
            if not future.cancelled() and future.exception() is None:
                self.post_message(QueueUsageMeasured(future.result()))

        self._submit(self.inspector.queue_usage(), done)

    def on_queue_usage_measured(self, message: QueueUsageMeasured) -> None:
        self.status_line.set_queue_usage(message.usage)

    def _announce_replay(self, source: ReplaySource) -> None:
        self.status_line.set_replay(source.describe())
        if source.bad_lines:
            shown = "; ".join(str(bad) for bad in source.bad_lines[:5])
            more = len(source.bad_lines) - 5
            self.notify(
                escape(
                    f"{source.path}: skipped {shown}" + (f"; and {more} more" if more > 0 else "")
                ),
                title="bad lines in the recording",
                severity="warning",
                markup=False,
                timeout=30,
            )

    # ---- actions --------------------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_focus_notify(self) -> None:
        self.notify_bar.input.focus()

    def action_focus_log(self) -> None:
        # Escape on the log itself clears the live filter.
        if self.log_view.has_focus and self.filter_bar.active is not None:
            self.filter_bar.clear()
        self.log_view.focus()

    def action_clear_log(self) -> None:
        self.log_view.clear()

    def action_toggle_sidebar(self) -> None:
        channels = self.channel_list
        channels.display = not channels.display
        if not channels.display and channels.has_focus:
            self.log_view.focus()

    async def action_quit(self) -> None:
        self.exit(self.exit_code)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Add channel", "LISTEN on a new channel", self.action_add_channel)
        yield SystemCommand("Clear log", "Forget every line in the log", self.action_clear_log)
        yield SystemCommand("Focus NOTIFY bar", "Send a notification", self.action_focus_notify)
        yield SystemCommand(
            "Toggle channel list", "Show or hide the channel list", self.action_toggle_sidebar
        )
        yield SystemCommand("Follow log", "Jump to the newest line", self.log_view.action_follow)
        yield SystemCommand("Keys", "Show every key", self.action_help)
