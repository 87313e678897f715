"""The status line: server, connection state (with a live countdown), counts and rate."""

from __future__ import annotations

import time

from textual.content import Content
from textual.widgets import Static

from pgtail.formats import clock_time
from pgtail.models import ConnectionState, Phase
from pgtail.text import escape, truncate

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


class StatusLine(Static):
    """One line; the app pushes state and counters in, and ticks it for the countdown."""

    def __init__(self, state: ConnectionState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        """The latest connection state."""
        self.total = 0
        """Notifications received since the start."""
        self.rate = 0.0
        """Notifications per second, recently."""
        self.listening = 0
        """Channels the server is listening on for us."""
        self.delivered: bool | None = None
        """The delivery check's result for this connection (None: not known yet)."""

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

    def set_counts(self, total: int, rate: float, listening: int) -> None:
        self.total, self.rate, self.listening = total, rate, listening
        self.redraw()

    def redraw(self) -> None:
        state = self.state
        width = max(20, (self.size.width or 80) - 2)
        counts = f"{self.total:,} received · {self.rate:,.0f}/s · {self.listening} listening"
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
        parts += ["  ", (counts, "dim")]
        self.update(Content.assemble(*parts))
        self.set_class(
            state.phase is Phase.RECONNECTING or self.delivered is False, "-reconnecting"
        )
        self.set_class(state.phase is Phase.FAILED, "-failed")

    def on_resize(self) -> None:
        self.redraw()
