"""Quiet channels (``--quiet-after``): which channel has had no notification for longer than the
threshold, since when, and what its row and the log say about it.

Silence is counted only while pgtail listens on the channel. Time disconnected (or toggled off,
or waiting for a LISTEN) does not count: pgtail cannot vouch for a channel it was not listening
to, and the log's gap line already says that whatever was sent meanwhile is lost. Counting it
would raise an alarm for every channel after any outage longer than the threshold; starting
again from zero would hide a channel that was quiet before the outage. So the clock pauses, and
the line saying a channel spoke again also says how long it went unheard besides.

A channel that never received anything is quiet from when pgtail began listening on it. Times
are Unix times passed in, so the tests choose them; no Textual here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from pgtail.core.formats import clock_time
from pgtail.core.models import Notification
from pgtail.core.text import escape
from pgtail.ui.inbox import LogItem
from pgtail.ui.state.cells import Graphemes, cell_width, cut
from pgtail.ui.state.channel_book import ChannelRow


def span(seconds: float) -> str:
    """``45s``, ``2m 10s``, ``1h 5m``, ``2d 3h``: two units at most; a tenth of a second under
    ten seconds when given one (``2.4s``)."""
    whole = max(0, int(seconds))
    if whole < 10 and seconds != whole:
        return f"{max(0.0, seconds):.1f}s"
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60}s"
    if whole < 86400:
        return f"{whole // 3600}h {whole % 3600 // 60}m"
    return f"{whole // 86400}d {whole % 86400 // 3600}h"


def short_span(seconds: float) -> str:
    """The largest unit only, for the one-line channel strip: ``45s``, ``2m``, ``1h``, ``2d``."""
    return span(seconds).split(" ")[0]


def next_change(seconds: float, short: bool = False) -> float:
    """Seconds until :func:`row_text` (or, *short*, :func:`strip_text`) of a silence *seconds*
    long reads differently: each second under an hour (``2m 10s``), then each minute, then each
    hour; on the strip each second under a minute (``45s``), then each minute, hour, day."""
    # (shown up to, changing every) in seconds; past the last, every day or hour.
    steps = ((60, 1), (3600, 60), (86400, 3600)) if short else ((3600, 1), (86400, 60))
    unit = next((every for limit, every in steps if seconds < limit), 86400 if short else 3600)
    return unit - seconds % unit


def row_text(seconds: float) -> str:
    """What a quiet channel's row says: ``quiet 2m 10s``."""
    return f"quiet {span(seconds)}"


def strip_text(seconds: float) -> str:
    """What a quiet channel's entry on the strip says: ``quiet 2m``."""
    return f"quiet {short_span(seconds)}"


def parse_after(text: str) -> float | None:
    """The threshold typed by the user: seconds (``90``, ``0.5``); ``0``, ``off`` or nothing turn
    it off (None). ValueError for anything else."""
    text = text.strip().lower()
    if text in ("", "off", "0"):
        return None
    try:
        seconds = float(text.removesuffix("s"))
    except ValueError:
        raise ValueError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("give a number of seconds of at least 0 (0 turns it off)")
    return seconds or None


#: Cells a channel name keeps in a quiet line, however narrow the log.
MIN_NAME = 8


@dataclass(frozen=True, slots=True)
class QuietLine:
    """A line in the log: *channel* went quiet, or (``spoke_at`` set) spoke again."""

    channel: str
    since: float
    """When the silence began: the channel's last notification, or when listening began."""
    heard: bool = True
    """False when the channel had received nothing before the silence."""
    spoke_at: float | None = None
    """When it spoke again (None: the line says it went quiet)."""
    quiet_for: float = 0.0
    """Seconds of the silence pgtail was listening for."""
    unheard: float = 0.0
    """Seconds of the silence pgtail was not listening (disconnected, toggled off)."""

    @property
    def text(self) -> str:
        """``orders quiet since 12:01:07`` or
        ``orders spoke again at 12:04:10 after 3m 3s quiet``: the facts first, for 80 columns."""
        name = escape(self.channel)
        if self.spoke_at is None:
            began = "" if self.heard else ", when listening began"
            return f"{name} quiet since {clock_time(self.since)[:8]}{began}"
        spoke = "spoke again" if self.heard else "spoke"
        at = clock_time(self.spoke_at)[:8]
        text = f"{name} {spoke} at {at} after {span(self.quiet_for)} quiet"
        if self.unheard >= 1:
            text += f" (not counting {span(self.unheard)} not listening)"
        return text

    def fitted(self, width: int, graphemes: Graphemes) -> str:
        """:attr:`text` in *width* cells: a long channel name is cut (``…``) before the facts
        after it, which are cut last."""
        text = self.text
        name = escape(self.channel)
        facts = text[len(name) :]
        room = max(MIN_NAME, width - len(facts))
        if cell_width(name, graphemes) > room:
            text = cut(name, room, graphemes) + facts
        return cut(text, width, graphemes)


@dataclass(slots=True)
class Silence:
    """One channel's current silence, counted only while listened on."""

    since: float
    """When it began (see :attr:`QuietLine.since`)."""
    heard: bool
    """Whether the channel had received anything before it."""
    resumed: float | None
    """When listening last (re)started within it; None while not listening."""
    counted: float = 0.0
    """Seconds listened on before :attr:`resumed`."""
    paused_at: float | None = None
    """When listening stopped; None while listening."""
    unheard: float = 0.0
    """Seconds not listened on, up to the last resume."""
    quiet: bool = False
    """True once the log has said the channel went quiet."""

    def seconds(self, now: float) -> float:
        """Seconds of silence listened for, by *now*."""
        running = max(0.0, now - self.resumed) if self.resumed is not None else 0.0
        return self.counted + running

    def deadline(self, after: float) -> float | None:
        """When it becomes quiet (None: it is already, or is not listened on)."""
        if self.quiet or self.resumed is None:
            return None
        return self.resumed + max(0.0, after - self.counted)

    def listen(self, on: bool, now: float) -> None:
        if on and self.resumed is None:
            self.unheard += max(0.0, now - (self.paused_at if self.paused_at is not None else now))
            self.resumed, self.paused_at = now, None
        elif not on and self.resumed is not None:
            self.counted = self.seconds(now)
            self.resumed, self.paused_at = None, now


class QuietBook:
    """Every channel's silence, and the lines the log gets when one goes quiet or speaks again."""

    def __init__(self, after: float | None = None) -> None:
        self.after = after
        """The threshold in seconds; None: off (silences are still kept, so that turning it on
        later knows how long each channel has been quiet)."""
        self.silences: dict[str, Silence] = {}
        """Per channel with a row, its current silence."""
        self._last_seen: dict[str, float] = {}

    def listening(self, channels: Mapping[str, bool], now: float) -> None:
        """The channels with a row and whether each is listened on now; a channel without a
        row is forgotten (added again, it starts anew)."""
        for name in [name for name in self.silences if name not in channels]:
            del self.silences[name]
        for name, on in channels.items():
            silence = self.silences.get(name)
            if silence is None:
                if on:
                    self.silences[name] = Silence(since=now, heard=False, resumed=now)
            else:
                silence.listen(on, now)

    def rows(self, rows: Sequence[ChannelRow], now: float) -> list[ChannelRow]:
        """*rows* as about to be shown: notes which channels are listened on, and marks the quiet
        ones with how long they have been."""
        self.listening({row.name: row.state == "listening" for row in rows}, now)
        marked = []
        for row in rows:
            silence = self.silences.get(row.name)
            if silence is not None and silence.quiet and row.state == "listening":
                row = replace(row, quiet=int(silence.seconds(now)))
            marked.append(row)
        return marked

    def set_after(self, after: float | None, now: float) -> None:
        """A new threshold: channels now under it stop being quiet, without a line (they did not
        speak); those over it go quiet with the next :meth:`due`."""
        self.after = after
        for silence in self.silences.values():
            if silence.quiet and (after is None or silence.seconds(now) < after):
                silence.quiet = False

    def next_change(self, now: float, short: bool = False) -> float:
        """Seconds until a quiet channel's row (*short*: its strip entry) reads differently as
        its silence goes on (``math.inf``: none is quiet)."""
        return min(
            (
                next_change(s.seconds(now), short)
                for s in self.silences.values()
                if s.quiet and s.resumed is not None
            ),
            default=math.inf,
        )

    def next_deadline(self) -> float | None:
        """The next moment a channel can go quiet (None: none can, as things are)."""
        if self.after is None:
            return None
        deadlines = [d for s in self.silences.values() if (d := s.deadline(self.after)) is not None]
        return min(deadlines, default=None)

    def due(self, now: float) -> list[QuietLine]:
        """The channels that have gone quiet by *now*: they are marked, and their lines returned."""
        if self.after is None:
            return []
        after = self.after
        gone = []
        for name, silence in self.silences.items():
            deadline = silence.deadline(after)
            if deadline is not None and deadline <= now:
                silence.quiet = True
                gone.append((deadline, QuietLine(name, silence.since, silence.heard)))
        return [line for _, line in sorted(gone, key=lambda pair: pair[0])]

    def heard(
        self, items: Sequence[LogItem], last_seen: Mapping[str, float]
    ) -> Sequence[LogItem | QuietLine]:
        """A drain's log items, with a line before the first notification of each quiet channel
        that spoke; *last_seen* is the drain's latest notification time per channel.

        Only drains where a quiet (or overdue) channel spoke are searched: the rest cost a look
        at the channels' times.
        """
        spoke = {name: at for name, at in last_seen.items() if self._last_seen.get(name) != at}
        if not spoke:
            return items
        self._last_seen.update(spoke)
        speaking = {name for name, last in spoke.items() if self._may_be_quiet(name, last)}
        before = self._lines_before(items, speaking, spoke) if speaking else {}
        for name, last in spoke.items():
            old = self.silences.get(name)
            on = old is None or old.resumed is not None
            self.silences[name] = Silence(
                since=last, heard=True, resumed=last if on else None, paused_at=None if on else last
            )
        if not before:
            return items
        woven: list[LogItem | QuietLine] = list(before.pop(-1, []))
        for index, item in enumerate(items):
            woven.extend(before.get(index, ()))
            woven.append(item)
        return woven

    def _may_be_quiet(self, name: str, last: float) -> bool:
        """Whether *name* was quiet, or may have become so before a notification at *last*."""
        silence = self.silences.get(name)
        if silence is None or self.after is None:
            return False
        deadline = silence.deadline(self.after)
        return silence.quiet or (deadline is not None and deadline <= last)

    def _lines_before(
        self, items: Sequence[LogItem], names: set[str], last_seen: Mapping[str, float]
    ) -> dict[int, list[QuietLine]]:
        """Per index in *items* (-1: at the start), the lines to put before it: for each of
        *names*, where its first notification is (if the drain lost it, at the start)."""
        first: dict[str, tuple[int, float]] = {}
        for index, item in enumerate(items):
            if isinstance(item, Notification) and item.channel in names:
                first.setdefault(item.channel, (index, item.received))
                if len(first) == len(names):
                    break
        before: dict[int, list[QuietLine]] = {}
        for name in sorted(names):
            index, at = first.get(name, (-1, last_seen[name]))
            if lines := self._spoke(name, at):
                before.setdefault(index, []).extend(lines)
        return before

    def _spoke(self, name: str, at: float) -> list[QuietLine]:
        """The lines for *name* speaking at *at*: that it spoke again, after saying it went quiet
        if the timer had not said so yet (a busy UI); none if it was not quiet after all."""
        silence = self.silences[name]
        assert self.after is not None
        quiet_for = silence.seconds(at)
        lines = []
        if not silence.quiet:
            if quiet_for < self.after:
                return []
            lines.append(QuietLine(name, silence.since, silence.heard))
        unheard = silence.unheard
        if silence.paused_at is not None:
            unheard += max(0.0, at - silence.paused_at)
        lines.append(QuietLine(name, silence.since, silence.heard, at, quiet_for, unheard))
        return lines
