"""The NOTIFY bar's lines sent: one notification, or a burst with its progress on the status line.

A single line is expanded (``{n}`` is 1) and sent through the core's Sender. A burst
(:class:`~pgtail.core.burst.BurstRun`) runs on the core loop; the UI only reads its count on the
app's clock, woken four times a second while a burst runs, so a burst at 1,000 a second costs
the UI four repaints of the status line a second, not a thousand messages. The bar's history
keeps the line as typed (the template), never what it expanded to.
"""

from __future__ import annotations

import math
import time
from functools import partial

from pgtail.core.burst import BurstOutcome, BurstRun
from pgtail.core.notify_template import LIVE, Values
from pgtail.core.sender import Sender, SendError
from pgtail.ui.bridge import CoreThread
from pgtail.ui.state.burst_status import BurstStatus
from pgtail.ui.wake_timer import WakeTimer
from pgtail.ui.widgets.notification_log import NotificationLog
from pgtail.ui.widgets.notify_bar import NotifyBar
from pgtail.ui.widgets.status_line import StatusLine

#: How long the status line says how a burst ended.
OUTCOME_SECONDS = 10.0
#: How often a running burst's count moves on, on the status line.
PROGRESS_INTERVAL = 0.25


class NotifyCommands:
    """Sends what the bar submits; at most one burst at a time, which Escape cancels."""

    def __init__(
        self,
        sender: Sender | None,
        core: CoreThread,
        bar: NotifyBar,
        log: NotificationLog,
        status: StatusLine,
        clock: WakeTimer,
        values: Values = LIVE,
    ) -> None:
        self.sender = sender
        """None in a replay (no server to send to)."""
        self.core = core
        self.bar = bar
        self.log = log
        self.status = status
        self.clock = clock
        """The app's clock of the status line: :meth:`tick` runs on it."""
        self.values = values
        self.burst: BurstRun | None = None
        """The burst on its way, if one is."""
        self._outcome_until = 0.0

    def submit(self, message: NotifyBar.Submitted) -> None:
        sender = self.sender
        if sender is None:
            self.bar.failed("a replay has no server to send to")
            return
        if message.burst.is_burst:
            self._start_burst(sender, message)
            return
        payload = message.burst.template.expand(1, self.values)

        async def send() -> int | None:
            await sender.notify(message.channel, payload)
            return sender.backend_pid

        self.core.call(send(), partial(self._sent, message.line), self._failed)

    def _sent(self, line: str, pid: int | None) -> None:
        self.log.mark_own(pid)
        self.bar.sent(line)

    def _failed(self, exc: BaseException) -> None:
        self.bar.failed(str(exc) if isinstance(exc, SendError) else f"not sent: {exc}")

    # ---- bursts ---------------------------------------------------------------------------------

    def _start_burst(self, sender: Sender, message: NotifyBar.Submitted) -> None:
        running = self.burst
        if running is not None:
            self.bar.failed(
                f"a burst is on its way ({running.sent:,}/{running.total:,}): Escape cancels it"
            )
            return
        line = message.line
        deliver = self.core.deliver

        def started() -> None:
            # On the core thread, once the first NOTIFY went through: the bar lets the line go.
            deliver(partial(self._sent, line, sender.backend_pid))

        run = BurstRun(sender, message.channel, message.burst, started=started, values=self.values)
        self.burst = run
        self._show(BurstStatus(run.channel, 0, run.total))
        self.clock.within(PROGRESS_INTERVAL)
        self.core.call(run.run(), partial(self._burst_ended, run), partial(self._burst_failed, run))

    def cancel_burst(self) -> bool:
        """Stop the burst on its way before its next NOTIFY; False when there is none."""
        run = self.burst
        if run is None:
            return False
        self.core.call(run.cancel())
        return True

    def next_tick(self) -> float:
        """Seconds until :meth:`tick` has something new to show (``math.inf``: never)."""
        if self.burst is not None:
            return PROGRESS_INTERVAL
        if self.status.burst is not None:
            return max(0.0, self._outcome_until - time.monotonic())
        return math.inf

    def tick(self) -> None:
        """On the app's clock: the burst's progress, or its outcome fading away."""
        run = self.burst
        if run is not None:
            self._show(BurstStatus(run.channel, run.sent, run.total))
        elif self.status.burst is not None and time.monotonic() >= self._outcome_until:
            self._show(None)

    def _burst_ended(self, run: BurstRun, outcome: BurstOutcome) -> None:
        self.burst = None
        if outcome.sent == 0:
            # Nothing went: as for a single line, the text stays in the bar.
            if outcome.error is not None:
                self._show(None)
                self.bar.failed(outcome.error)
                return
            self.bar.sending = False
        elif outcome.error is not None:
            self.status.errors.add("NOTIFY", f"burst to {run.channel!r}: {outcome.error}")
        self._outcome_until = time.monotonic() + OUTCOME_SECONDS
        self._show(BurstStatus(run.channel, outcome.sent, outcome.total, outcome))
        self.clock.within(OUTCOME_SECONDS)

    def _burst_failed(self, run: BurstRun, exc: BaseException) -> None:
        """The run itself raised (the core stopping under it): say what was sent."""
        self._burst_ended(run, BurstOutcome(run.sent, run.total, error=f"not sent: {exc}"))

    def _show(self, burst: BurstStatus | None) -> None:
        if burst != self.status.burst:
            self.status.set_burst(burst)
