"""What the status line says about a burst from the NOTIFY bar: its progress, then its end.

``sending 37/200 on orders · Esc stops`` while it runs; ``sent 200 on orders``,
``cancelled after 37 of 200 on orders`` or ``stopped after 37 of 200 — <why>`` once it is over.
Each is given longest first, for the status line to pick what fits. No Textual import here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgtail.core.burst import BurstOutcome
from pgtail.core.text import escape


@dataclass(frozen=True, slots=True)
class BurstStatus:
    """A burst's progress (``outcome`` None) or how it ended."""

    channel: str
    sent: int
    total: int
    outcome: BurstOutcome | None = None

    @property
    def running(self) -> bool:
        return self.outcome is None

    def variants(self) -> tuple[str, ...]:
        """The words, longest first; the last is the shortest that still says it."""
        on = f" on {escape(self.channel)}"
        outcome = self.outcome
        if outcome is None:
            sending = f"sending {self.sent:,}/{self.total:,}"
            # The key to stop it outlasts the channel, which the user has just typed.
            return (f"{sending}{on} · Esc stops", f"{sending} · Esc stops", sending)
        if outcome.error is not None:
            counts = f"{outcome.sent:,} of {outcome.total:,}"
            return (f"stopped after {counts} — {escape(outcome.error)}", f"stopped after {counts}")
        if outcome.cancelled:
            counts = f"{outcome.sent:,} of {outcome.total:,}"
            return (f"cancelled after {counts}{on}", f"cancelled after {counts}")
        return (f"sent {outcome.sent:,}{on}", f"sent {outcome.sent:,}")
