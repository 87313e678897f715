"""Reconnect delays: exponential growth with jitter, capped, reset after a success."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays of about ``initial * 2**(n-1)`` seconds, never above ``cap``, each jittered.

    Jitter keeps many pgtail instances that lost the same server from reconnecting in lockstep.
    """

    initial: float = 0.5
    cap: float = 30.0
    jitter: float = 0.2
    """Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter] (then capped)."""
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """The wait before retry number *attempt* (1 for the first retry)."""
        base = min(self.cap, self.initial * 2 ** max(0, attempt - 1))
        factor = 1.0 + self.rng.uniform(-self.jitter, self.jitter)
        return float(min(self.cap, base * factor))
