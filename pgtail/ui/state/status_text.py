"""The status line's words, fitted to its width by importance.

The line reads: the connection state with its reason, a NOTIFY burst's progress while it runs,
the counts with their words, the queue usage and the live filter when they matter, and the
server last. When the line is too narrow,
the least important part gives way first: the server is cut, then dropped; the state loses its
details (the backend pid); the filter shrinks to ``filtered``; the counts lose their listening
count, then their rate; only then is the state's reason cut, with a visible ``…`` (the whole text
is one key away, in the error view).

Untrusted text (the server, errors, the filter, a recording's path) is escaped here, before it
is measured. Widths are measured by a function the caller passes in (the widget passes
``rich.cells.cell_len``), so wide characters in a server name or an error never push the line
past the edge. No Textual or Rich import here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pgtail.core.formats import clock_time
from pgtail.core.models import ConnectionState, Phase
from pgtail.core.text import escape
from pgtail.ui.state.burst_status import BurstStatus

WidthOf = Callable[[str], int]

#: Shown while connected when the delivery check found that NOTIFYs do not arrive.
NOT_DELIVERED = "NOTIFY IS NOT DELIVERED (a pooler in transaction mode?)"
#: Between two parts of the line.
GAP = "  "

# Roles of the parts; the widget styles each one.
STATE, COUNTS, QUEUE, FILTER, SERVER, REPLAY, SHOWN, BURST = (
    "state",
    "counts",
    "queue",
    "filter",
    "server",
    "replay",
    "shown",
    "burst",
)
#: What gives way, first to last, when the line is too narrow: (role, how far). How far is the
#: index of the shortest variant allowed at that step; None allows every variant, and a cut.
SHRINK_ORDER: tuple[tuple[str, int | None], ...] = (
    (SERVER, None),
    (STATE, 1),  # a detail such as the backend pid
    (FILTER, None),
    (COUNTS, None),
    (BURST, None),
    (QUEUE, None),
    (SHOWN, None),
    (REPLAY, None),
    (STATE, None),
)


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the status line, in the forms it may take."""

    role: str
    variants: tuple[str, ...]
    """Longest first; ``""`` as the last one means the part may be left out."""
    min_cut: int | None = None
    """The part may be cut (with ``…``) down to this many cells; None: never cut."""
    cut_front: bool = False
    """Cut at the front rather than the end (a path keeps its file name)."""


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """Everything the status line says."""

    state: ConnectionState
    total: int = 0
    rate: float = 0.0
    listening: int = 0
    delivered: bool | None = None
    queue_usage: float = 0.0
    filter_text: str | None = None
    replay: str | None = None
    """Set for a replay: says which recording, in place of the connection state."""
    burst: BurstStatus | None = None
    """A burst from the NOTIFY bar, running or just ended."""


# ---- the reason ----------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\r\n]+")
# libpq says where it tried before why; the server is on the status line already.
_WHERE_PREFIX = re.compile(
    r"^(?:connection is bad: )?connection to server "
    r"(?:at \"[^\"]*\"(?: \([^)]*\))?, port \d+|on socket \"[^\"]*\") failed: "
)
_SEVERITY_PREFIX = re.compile(r"^(?:FATAL|ERROR):\s+")
# libpq's advice sentences after the error itself.
_HINTS = re.compile(
    r"\s+(?:Is the server running\b|This probably means the server terminated\b).*$", re.S
)


def short_reason(error: str) -> str:
    """The gist of a connection error: ``connection refused`` rather than libpq's whole
    ``connection to server at "127.0.0.1", port 5432 failed: Connection refused Is the server
    running on that host and accepting TCP/IP connections?``."""
    text = _SPACES.sub(" ", error).strip()
    text = _WHERE_PREFIX.sub("", text)
    text = _SEVERITY_PREFIX.sub("", text)
    text = _HINTS.sub("", text).strip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text or error


# ---- the parts -----------------------------------------------------------------------------


#: Each state's glyph, as in the channel list (listening ●, pending ◌, off ○): without colour
#: (NO_COLOR) the state still reads at a glance.
GLYPHS = {
    Phase.CONNECTING: "◌",
    Phase.RELISTENING: "◌",
    Phase.CONNECTED: "●",
    Phase.RECONNECTING: "◌",
    Phase.FAILED: "✗",
    Phase.STOPPED: "○",
}


def state_part(state: ConnectionState, now: float, delivered: bool | None = None) -> Part:
    """What the connection is doing, and why when it is not connected."""
    part = _state_words(state, now, delivered)
    glyph = "✗" if state.phase is Phase.CONNECTED and delivered is False else GLYPHS[state.phase]
    variants = tuple(f"{glyph} {text}" for text in part.variants)
    min_cut = None if part.min_cut is None else part.min_cut + 2
    return Part(STATE, variants, min_cut)


def _state_words(state: ConnectionState, now: float, delivered: bool | None) -> Part:
    phase = state.phase
    if phase is Phase.CONNECTED:
        if delivered is False:
            variants = (f"connected, but {NOT_DELIVERED}", "connected, but NOTIFY IS NOT DELIVERED")
            return Part(STATE, (*variants, "NOTIFY NOT DELIVERED"), min_cut=12)
        since = clock_time(state.since)[:8] if state.since else "?"
        pid = f" (pid {state.backend_pid})" if state.backend_pid else ""
        since_text = f"connected since {since}"
        return Part(STATE, (f"{since_text}{pid}", since_text, "connected"))
    if phase is Phase.RECONNECTING:
        wait = max(0.0, (state.next_try_at or now) - now)
        when = f"in {wait:.1f} s" if wait >= 0.05 else "now"
        text = f"reconnecting #{state.attempt} {when}"
        if state.last_error:
            # The reason may be cut, never the attempt and countdown before it.
            min_cut = len(text) + 6
            return Part(STATE, (f"{text} — {escape(short_reason(state.last_error))}",), min_cut)
        return Part(STATE, (text,))
    if phase is Phase.RELISTENING:
        counts = f"{state.listening} of {state.wanted}"
        return Part(STATE, (f"re-listening ({counts} channels)", f"re-listening {counts}"))
    if phase is Phase.FAILED:
        reason = escape(short_reason(state.last_error)) if state.last_error else "unknown error"
        return Part(STATE, (f"failed — {reason}",), min_cut=10)
    return Part(STATE, (phase.value,))


def counts_part(total: int, rate: float, listening: int) -> Part:
    received = f"{total:,} received"
    per_second = f"{rate:,.0f}/s"
    return Part(
        COUNTS,
        (
            f"{received} · {per_second} · {listening} listening",
            f"{received} · {per_second}",
            received,
        ),
    )


def queue_part(usage: float) -> Part | None:
    if usage <= 0:
        return None
    pct = usage * 100
    return Part(QUEUE, (f"queue {pct:.0f}%" if pct >= 1 else f"queue {pct:.2g}%",))


def filter_part(text: str | None) -> Part | None:
    if text is None:
        return None
    return Part(FILTER, (f"filter {escape(text)}", "filtered"), min_cut=12)


def burst_part(burst: BurstStatus | None) -> Part | None:
    if burst is None:
        return None
    variants = burst.variants()
    # Only a reason may be cut (``stopped after 3 of 9 — connection…``); counts never are.
    failed = burst.outcome is not None and burst.outcome.error is not None
    return Part(BURST, variants, min_cut=len(variants[-1]) + 6 if failed else None)


def parts_for(facts: StatusFacts, now: float | None = None) -> list[Part]:
    """The line's parts, in the order they are shown."""
    now = time.time() if now is None else now
    extras = [p for p in (queue_part(facts.queue_usage), filter_part(facts.filter_text)) if p]
    if facts.replay is not None:
        replay = Part(REPLAY, (escape(facts.replay),), min_cut=10, cut_front=True)
        shown = f"{facts.total:,} shown"
        # The rate on the recording's own clock (see ChannelBook.clock).
        return [replay, Part(SHOWN, (f"{shown} · {facts.rate:,.0f}/s", shown)), *extras]
    burst = burst_part(facts.burst)
    return [
        state_part(facts.state, now, facts.delivered),
        *([burst] if burst else []),
        counts_part(facts.total, facts.rate, facts.listening),
        *extras,
        Part(SERVER, (escape(facts.state.server), ""), min_cut=12),
    ]


# ---- fitting -------------------------------------------------------------------------------


def cut(text: str, cells: int, width_of: WidthOf = len, front: bool = False) -> str:
    """*text* in at most *cells* cells, ending (or starting) with ``…`` when cut."""
    if width_of(text) <= cells:
        return text
    if cells <= 0:
        return ""
    kept: list[str] = []
    used = 0
    for ch in reversed(text) if front else text:
        used += width_of(ch)
        if used > cells - 1:
            break
        kept.append(ch)
    if front:
        return "…" + "".join(reversed(kept))
    return "".join(kept) + "…"


def fit(
    parts: Sequence[Part],
    width: int,
    width_of: WidthOf = len,
    shrink_order: Sequence[tuple[str, int | None]] = SHRINK_ORDER,
) -> list[tuple[str, str]]:
    """(text, role) for each part shown, in order, in at most *width* cells where possible."""
    texts = [p.variants[0] for p in parts]
    chosen = [0] * len(parts)

    def used() -> int:
        shown = [t for t in texts if t]
        return sum(width_of(t) for t in shown) + width_of(GAP) * max(0, len(shown) - 1)

    for role, floor in shrink_order:
        for index, part in enumerate(parts):
            if part.role != role or used() <= width:
                continue
            last = len(part.variants) - 1 if floor is None else min(floor, len(part.variants) - 1)
            for step in range(chosen[index], last + 1):
                chosen[index] = step
                variant = texts[index] = part.variants[step]
                if used() <= width:
                    break
                if floor is None and part.min_cut is not None and variant:
                    room = width - (used() - width_of(variant))
                    if room >= part.min_cut:
                        texts[index] = cut(variant, room, width_of, part.cut_front)
                        break
    return [(text, part.role) for text, part in zip(texts, parts, strict=True) if text]


def status_text(
    facts: StatusFacts, width: int, width_of: WidthOf = len, now: float | None = None
) -> list[tuple[str, str]]:
    """The status line for *facts* in *width* cells, as (text, role) pairs."""
    return fit(parts_for(facts, now), width, width_of)
