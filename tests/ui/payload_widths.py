"""What the small-terminal tests send and measure: payloads, sizes, and how much of a payload a
screen line shows (the same for Pilot's screen and a real terminal's)."""

from __future__ import annotations

#: A 120-character JSON payload, and one of 16 characters.
LONG = '{"id": 5001, "status": "shipped", "customer": "margaret hamilton", "items": [1, 2, 3], "note": "leave it by the door!!"}'  # noqa: E501
SHORT = "over-ssh-payload"
LONG_NAME = "graphile_worker:jobs:insert:high_priority"
assert (len(LONG), len(SHORT), len(LONG_NAME)) == (120, 16, 41)

#: (terminal size, the fewest payload characters a line must show)
SIZES = [((80, 24), 50), ((100, 30), 60), ((120, 40), 75)]


def shown_of(text: str, payload: str) -> tuple[int, str]:
    """How many leading characters of *payload* a screen line shows, and the character after
    them (``…`` when the line cuts it)."""
    for row in text.splitlines():
        at = row.find(payload[:12])
        if at < 0:
            continue
        count = 0
        while count < len(payload) and row[at + count : at + count + 1] == payload[count]:
            count += 1
        return count, row[at + count : at + count + 1]
    raise AssertionError(f"{payload[:12]!r} is not on screen:\n{text}")
