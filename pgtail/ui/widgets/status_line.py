"""The status line: server, connection state (with a live countdown), counts and rate; the
active filter and the server's notification queue usage when they matter; or, for a replay, what
is being replayed."""

from __future__ import annotations

import time

from textual.content import Content
from textual.widgets import Static

from pgtail.core.formats import clock_time
from pgtail.core.models import ConnectionState, Phase
from pgtail.core.text import escape, truncate
from pgtail.ui.state.rates import RateMeter

_PHASE_STYLES = {
    Phase.CONNECTING: "bold yellow",
    Phase.RELISTENING: "bold yellow",
    Phase.CONNECTED: "bold green",
    Phase.RECONNECTING: "bold red",
    Phase.FAILED: "bold reverse red",
    Phase.STOPPED: "dim",
}


#: Shown while connected when the delivery check found that NOTIFYs do not arrive.
NOT_DELIVERED = "NOTIFY IS NOT DELIVERED (a pooler in transaction mode?)"


def describe_phase(
    state: ConnectionState, now: float | None = None, delivered: bool | None = None
) -> str:
    """What the connection is doing, in a few words."""
    now = time.time() if now is None else now
    if state.phase is Phase.CONNECTED:
        if delivered is False:
            return f"connected (pid {state.backend_pid}), but {NOT_DELIVERED}"
        since = clock_time(state.since)[:8] if state.since else "?"
        return f"connected since {since} (pid {state.backend_pid})"
    if state.phase is Phase.RECONNECTING:
        wait = max(0.0, (state.next_try_at or now) - now)
        text = f"reconnecting (attempt {state.attempt}, next try in {wait:.1f}s)"
        if state.last_error:
            text += f": {state.last_error}"
        return text
    if state.phase is Phase.RELISTENING:
        return f"re-listening ({state.listening} of {state.wanted} channels)"
    if state.phase is Phase.FAILED:
        return f"failed: {state.last_error or 'unknown error'}"
    return str(state.phase.value)


def _keep_tail(text: str, width: int) -> str:
    """Cut *text* at the front: a long path's file name and the counts after it stay."""
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]


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
        self.state = state
        self.listening = state.listening
        self.redraw()

    def set_delivery(self, ok: bool) -> None:
        self.delivered = ok
        self.redraw()

    def set_counts(self, total: int, listening: int) -> None:
        self.total, self.listening = total, listening
        self.redraw()

    def sample(self, total: int, listening: int) -> None:
        """:meth:`set_counts`, and the rate sampled from the running *total*: call this at a
        steady pace (the app's status tick), the rate is averaged over a sliding window."""
        self.rate = self._rate.sample(total)
        self.set_counts(total, listening)

    def set_filter(self, text: str | None) -> None:
        self.filter_text = text
        self.redraw()

    def set_queue_usage(self, usage: float) -> None:
        self.queue_usage = usage
        self.redraw()

    def set_replay(self, text: str) -> None:
        self.replay = text
        self.redraw()

    def _extras(self) -> list[str | tuple[str, str]]:
        extras: list[str | tuple[str, str]] = []
        if self.queue_usage > 0:
            pct = self.queue_usage * 100
            extras += ["  ", (f"queue {pct:.0f}%" if pct >= 1 else f"queue {pct:.2g}%", "bold red")]
        if self.filter_text is not None:
            extras += ["  ", (f"filter {truncate(escape(self.filter_text), 30)}", "bold reverse")]
        return extras

    def redraw(self) -> None:
        state = self.state
        extras = self._extras()
        extra_width = sum(len(p if isinstance(p, str) else p[0]) for p in extras)
        width = max(20, (self.size.width or 80) - 2 - extra_width)
        counts = f"{self.total:,} received · {self.rate:,.0f}/s · {self.listening} listening"
        if self.replay is not None:
            self._show(
                Content.assemble(
                    (_keep_tail(escape(self.replay), max(10, width - 24)), "bold"),
                    "  ",
                    (f"{self.total:,} shown", "dim"),
                    *extras,
                )
            )
            return
        phase = escape(describe_phase(state, delivered=self.delivered))
        server = escape(state.server)
        # The state matters most, then the counts; the server name gives way first.
        room_for_server = width - len(phase) - len(counts) - 4
        if room_for_server < 12:
            counts = f"{self.total:,} · {self.rate:,.0f}/s"
            room_for_server = width - len(phase) - len(counts) - 4
        parts: list[str | tuple[str, str]] = []
        if room_for_server >= 8:
            parts += [(truncate(server, room_for_server), "bold"), "  "]
        room_for_phase = width - len(counts) - 2 - (min(len(server), room_for_server) + 2)
        parts.append((truncate(phase, max(10, room_for_phase)), _PHASE_STYLES[state.phase]))
        parts += ["  ", (counts, "dim"), *extras]
        # One row of fixed size: no layout pass, which would repaint the whole screen four times
        # a second (seen as tens of KiB/s written to the terminal).
        self._show(Content.assemble(*parts))
        self.set_class(
            state.phase is Phase.RECONNECTING or self.delivered is False, "-reconnecting"
        )
        self.set_class(state.phase is Phase.FAILED, "-failed")

    def on_resize(self) -> None:
        self.redraw()
