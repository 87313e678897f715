"""A burst on the status line: its progress beside the connection state, then how it ended, fitted
to 80 columns and below without ever cutting a count."""

from __future__ import annotations

from rich.cells import cell_len

from pgtail.core.burst import BurstOutcome
from pgtail.core.models import ConnectionState, Phase
from pgtail.ui.state.burst_status import BurstStatus
from pgtail.ui.state.status_text import BURST, COUNTS, STATE, StatusFacts, status_text

NOW = 1_700_000_000.0
CONNECTED = ConnectionState(
    Phase.CONNECTED, "app@db.internal:5432/shop", since=NOW - 60, backend_pid=16219
)


def _line(burst: BurstStatus | None, width: int = 78) -> list[tuple[str, str]]:
    facts = StatusFacts(CONNECTED, total=12_345, rate=1000, listening=4, burst=burst)
    return status_text(facts, width, cell_len, now=NOW)


def _burst_text(burst: BurstStatus, width: int = 78) -> str:
    return dict((role, text) for text, role in _line(burst, width))[BURST]


def test_progress_words() -> None:
    assert BurstStatus("orders", 37, 200).variants() == (
        "sending 37/200 on orders · Esc stops",
        "sending 37/200 · Esc stops",
        "sending 37/200",
    )


def test_outcome_words() -> None:
    def words(outcome: BurstOutcome) -> str:
        return BurstStatus("orders", outcome.sent, outcome.total, outcome).variants()[0]

    assert words(BurstOutcome(200, 200)) == "sent 200 on orders"
    assert words(BurstOutcome(37, 200, cancelled=True)) == "cancelled after 37 of 200 on orders"
    assert words(BurstOutcome(3, 9, error="server closed")) == (
        "stopped after 3 of 9 — server closed"
    )


def test_progress_comes_right_after_the_state() -> None:
    roles = [role for _, role in _line(BurstStatus("orders", 1234, 10_000), width=200)]
    assert roles[:3] == [STATE, BURST, COUNTS]


def test_at_80_columns_the_key_to_stop_it_stays_and_the_channel_goes() -> None:
    text = _burst_text(BurstStatus("jobs:insert-priority", 1234, 10_000))
    assert text == "sending 1,234/10,000 · Esc stops"
    assert cell_len("  ".join(t for t, _ in _line(BurstStatus("x", 1, 2)))) <= 78


def test_narrower_the_count_stays_whole() -> None:
    for width in range(30, 78):
        line = _line(BurstStatus("通知チャンネル", 1234, 10_000), width)
        text = dict((role, t) for t, role in line).get(BURST)
        assert text is not None and "1,234/10,000" in text and "…" not in text


def test_a_long_reason_is_cut_but_not_the_counts() -> None:
    outcome = BurstOutcome(37, 200, error="terminating connection due to administrator command")
    text = _burst_text(BurstStatus("orders", 37, 200, outcome))
    assert text.startswith("stopped after 37 of 200") and text.endswith("…")


def test_an_escape_in_the_channel_name_is_shown_as_text() -> None:
    assert "\\x1b" in BurstStatus("a\x1b[31m", 1, 2).variants()[0]
