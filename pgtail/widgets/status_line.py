"""The status line: server, connection state (with a live countdown), counts and rate."""

from __future__ import annotations

import time

from textual.content import Content
from textual.widgets import Static

from pgtail.models import ConnectionState, Phase
from pgtail.plain import clock_time
from pgtail.text import escape, truncate

_PHASE_STYLES = {
    Phase.CONNECTING: "bold yellow",
    Phase.RELISTENING: "bold yellow",
    Phase.CONNECTED: "bold green",
    Phase.RECONNECTING: "bold red",
    Phase.FAILED: "bold reverse red",
    Phase.STOPPED: "dim",
}


def describe_phase(state: ConnectionState, now: float | None = None) -> str:
    """What the connection is doing, in a few words."""
    now = time.time() if now is None else now
    if state.phase is Phase.CONNECTED:
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

    def on_mount(self) -> None:
        self.redraw()

    def set_state(self, state: ConnectionState) -> None:
        self.state = state
        self.listening = state.listening
        self.redraw()

    def set_counts(self, total: int, rate: float, listening: int) -> None:
        self.total, self.rate, self.listening = total, rate, listening
        self.redraw()

    def redraw(self) -> None:
        state = self.state
        width = max(20, self.size.width or 80)
        counts = f"  {self.total:,} received · {self.rate:,.0f}/s · {self.listening} listening"
        server = escape(state.server)
        phase = escape(describe_phase(state))
        room = width - len(server) - len(counts) - 4
        self.update(
            Content.assemble(
                (server, "bold"),
                "  ",
                (truncate(phase, max(10, room)), _PHASE_STYLES[state.phase]),
                (counts, "dim"),
            )
        )
        self.set_class(state.phase is Phase.RECONNECTING, "-reconnecting")
        self.set_class(state.phase is Phase.FAILED, "-failed")
