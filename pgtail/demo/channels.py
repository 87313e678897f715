"""The channels the demo's triggers notify on: a plain word, ``table:event``, dotted, and one
with a space and capitals (only reachable quoted in LISTEN: it shows off exact channel names).

A module of its own so that the package, the traffic generator and the screenshots share one
list without importing each other (or psycopg).
"""

from __future__ import annotations

__all__ = ["CHANNELS"]

CHANNELS: tuple[str, ...] = ("orders", "jobs:insert", "cache.invalidate", "Audit Log")
