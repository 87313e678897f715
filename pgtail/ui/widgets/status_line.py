"""The status line: the connection state with its reason (and a live countdown), the counts with
their words, the queue usage and the live filter when they matter, and the server last; or, for a
replay, what is being replayed. What gives way at narrow widths is decided in
:mod:`pgtail.ui.state.status_text`.

It also keeps the errors met (:class:`pgtail.ui.state.error_log.ErrorLog`): the status line shows
the gist of a connection error, ``E`` (or a click on the line) shows each one whole.
"""

from __future__ import annotations

import time

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from pgtail.core.models import ConnectionState, Phase
from pgtail.ui.screens.errors import ErrorScreen
from pgtail.ui.state import status_text as st
from pgtail.ui.state.burst_status import BurstStatus
from pgtail.ui.state.error_log import ErrorLog
from pgtail.ui.state.rates import RateMeter

#: How each part of the line is drawn. No plain red for anything ordinary: in a 16-colour
#: terminal the theme's warning and accent colours are drawn red too, so warnings use the
#: (yellow) warning text colour.
_PHASE_STYLES = {
    Phase.CONNECTING: "bold $text-warning",
    Phase.RELISTENING: "bold $text-warning",
    Phase.CONNECTED: "bold $text-success",
    Phase.RECONNECTING: "bold $text-warning",
    Phase.FAILED: "bold reverse $error",
    Phase.STOPPED: "dim",
}
_ROLE_STYLES = {
    st.COUNTS: "dim",
    st.SHOWN: "dim",
    st.QUEUE: "bold $text-warning",
    st.FILTER: "bold reverse",
    st.SERVER: "bold",
    st.REPLAY: "bold",
    st.BURST: "bold $text-primary",
}


class StatusLine(Static):
    """One line; the app pushes state and counters in, and ticks it for the countdown."""

    def __init__(self, state: ConnectionState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        """The latest connection state."""
        self.total = 0
        """Notifications received since the start."""
        self.rate = 0.0
        """Notifications per second, recently (sampled by :meth:`sample`)."""
        self.listening = 0
        """Channels the server is listening on for us."""
        self.filter_text: str | None = None
        """The live filter as typed, while one is active."""
        self.queue_usage = 0.0
        """The cluster's notification queue usage (0..1), as last polled."""
        self.replay: str | None = None
        """Set when showing a recording: says which, in place of the connection state."""
        self.delivered: bool | None = None
        """The delivery check's result for this connection (None: not known yet)."""
        self.burst: BurstStatus | None = None
        """A burst from the NOTIFY bar: its progress, or how it just ended."""
        self.errors = ErrorLog()
        """Every error met, for the error view."""
        self._rate = RateMeter()
        self._shown: tuple[str, tuple[object, ...]] | None = None

    def _show(self, content: Content) -> None:
        """Show *content* unless it is what is shown: an unchanged line is not repainted (the
        periodic tick would otherwise write it to the terminal every time)."""
        shown = (content.plain, tuple(content.spans))
        if shown != self._shown:
            self._shown = shown
            self.update(content, layout=False)

    def on_mount(self) -> None:
        self.redraw()

    def set_state(self, state: ConnectionState) -> None:
        if state.phase is not Phase.CONNECTED:
            self.delivered = None  # the next connection is checked again
        if state.last_error and state.phase in (Phase.RECONNECTING, Phase.FAILED):
            self.errors.add("connection", state.last_error)
        self.state = state
        self.listening = state.listening
        self.redraw()

    def set_delivery(self, ok: bool) -> None:
        self.delivered = ok
        self.redraw()

    def set_counts(self, total: int, listening: int) -> None:
        self.total, self.listening = total, listening
        self.redraw()

    def sample(self, total: int, listening: int, rate: float | None = None) -> None:
        """:meth:`set_counts`, and the rate sampled from the running *total*: call this at a
        steady pace (the app's status tick), the rate is averaged over a sliding window.
        A replay gives its *rate* instead, measured on the recorded clock."""
        self.rate = self._rate.sample(total) if rate is None else rate
        self.set_counts(total, listening)

    def set_filter(self, text: str | None) -> None:
        self.filter_text = text
        self.redraw()

    def set_queue_usage(self, usage: float) -> None:
        self.queue_usage = usage
        self.redraw()

    def set_burst(self, burst: BurstStatus | None) -> None:
        self.burst = burst
        self.redraw()

    def set_replay(self, text: str) -> None:
        self.replay = text
        self.redraw()

    @property
    def facts(self) -> st.StatusFacts:
        return st.StatusFacts(
            self.state,
            self.total,
            self.rate,
            self.listening,
            self.delivered,
            self.queue_usage,
            self.filter_text,
            self.replay,
            self.burst,
        )

    def text(self, width: int, now: float | None = None) -> Content:
        """The line in *width* cells."""
        styles = {**_ROLE_STYLES, st.STATE: _PHASE_STYLES[self.state.phase]}
        parts: list[str | tuple[str, str]] = []
        for text, role in st.status_text(self.facts, width, cell_len, now):
            if parts:
                parts.append(st.GAP)
            parts.append((text, styles[role]))
        return Content.assemble(*parts)

    def redraw(self) -> None:
        # The content's width (padding excluded); before the first layout, assume 80 columns.
        width = self.size.width or 78
        self._show(self.text(width, time.time()))
        trouble = self.state.phase is Phase.RECONNECTING or self.delivered is False
        self.set_class(self.replay is None and trouble, "-reconnecting")
        self.set_class(self.replay is None and self.state.phase is Phase.FAILED, "-failed")

    def on_resize(self) -> None:
        self.redraw()

    def show_errors(self) -> None:
        """Open the error view."""
        self.app.push_screen(ErrorScreen(self.errors))

    def on_click(self) -> None:
        self.show_errors()
