"""The status line's words at 80 columns and below: the state and its reason first, the counts
with their words second, the server last; what gives way, and how it is cut."""

from __future__ import annotations

from rich.cells import cell_len

from pgtail.core.models import ConnectionState, Phase
from pgtail.ui.state.status_text import (
    COUNTS,
    FILTER,
    REPLAY,
    SERVER,
    STATE,
    StatusFacts,
    cut,
    short_reason,
    status_text,
)

NOW = 1_700_000_000.0
SERVER_NAME = "postgres@db.internal.example.com:5432/orders"
REFUSED = (
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused Is the server '
    "running on that host and accepting TCP/IP connections?"
)
#: The status line's text width at 80 columns (one cell of padding each side).
WIDTH_80 = 78


def _reconnecting(error: str | None = REFUSED, attempt: int = 4) -> ConnectionState:
    return ConnectionState(
        Phase.RECONNECTING, SERVER_NAME, attempt=attempt, next_try_at=NOW + 1.2, last_error=error
    )


def _connected() -> ConnectionState:
    return ConnectionState(Phase.CONNECTED, SERVER_NAME, since=NOW - 60, backend_pid=16219)


def _line(facts: StatusFacts, width: int = WIDTH_80) -> list[tuple[str, str]]:
    return status_text(facts, width, cell_len, now=NOW)


def _text(parts: list[tuple[str, str]]) -> str:
    return "  ".join(text for text, _ in parts)


# --------------------------------------------------------------------------- the reason


def test_short_reason_keeps_the_gist_of_libpq_messages() -> None:
    assert short_reason(REFUSED) == "connection refused"
    socket = (
        'connection is bad: connection to server on socket "/tmp/.s.PGSQL.5432" failed: No such '
        "file or directory Is the server running locally and accepting connections on that socket?"
    )
    assert short_reason(socket) == "no such file or directory"
    two_hosts = (
        'connection to server at "localhost" (::1), port 5432 failed: Connection refused Is the '
        'server running on that host and accepting TCP/IP connections? connection to server at "'
        'localhost" (127.0.0.1), port 5432 failed: Connection refused Is the server running?'
    )
    assert short_reason(two_hosts) == "connection refused"
    shutdown = (
        'connection to server at "10.0.0.5", port 5432 failed: FATAL:  the database system is '
        "shutting down"
    )
    assert short_reason(shutdown) == "the database system is shutting down"
    lost = (
        "consuming input failed: server closed the connection unexpectedly\n\tThis probably "
        "means the server terminated abnormally before or while processing the request."
    )
    assert short_reason(lost) == "consuming input failed: server closed the connection unexpectedly"


def test_short_reason_leaves_other_messages_alone() -> None:
    dns = "failed to resolve host 'db.invalid': [Errno -2] Name or service not known"
    assert short_reason(dns) == dns
    assert short_reason("SSL SYSCALL error: EOF detected") == "SSL SYSCALL error: EOF detected"
    assert short_reason("") == ""


# --------------------------------------------------------------------------- priorities


def test_reconnecting_at_80_columns_shows_the_reason_and_the_counts_with_words() -> None:
    parts = _line(StatusFacts(_reconnecting(), total=22, rate=4, listening=0))
    state = dict((role, text) for text, role in parts)[STATE]
    assert state == "◌ reconnecting #4 in 1.2 s — connection refused"
    assert dict((role, text) for text, role in parts)[COUNTS].startswith("22 received · 4/s")
    assert SERVER not in {role for _, role in parts}
    assert cell_len(_text(parts)) <= WIDTH_80


def test_connected_at_80_columns_has_every_count_and_its_word() -> None:
    parts = _line(StatusFacts(_connected(), total=22, rate=4, listening=2))
    assert [role for _, role in parts][:2] == [STATE, COUNTS]
    assert parts[1][0] == "22 received · 4/s · 2 listening"
    assert parts[0][0].startswith("● connected since ")
    assert cell_len(_text(parts)) <= WIDTH_80


def test_the_server_comes_last_and_gives_way_first() -> None:
    facts = StatusFacts(_connected(), total=1_234, rate=56, listening=3)
    wide = _line(facts, 160)
    assert [role for _, role in wide] == [STATE, COUNTS, SERVER]
    assert wide[-1][0] == SERVER_NAME
    # A little narrower: the server is cut, marked with an ellipsis, still last.
    used = cell_len(_text(wide))
    cut_server = _line(facts, used - 10)
    assert cut_server[-1][1] == SERVER and cut_server[-1][0].endswith("…")
    assert cut_server[:2] == wide[:2]
    # Narrower again: no room for a useful part of it, so it goes; the rest is untouched.
    no_server = _line(facts, used - len(SERVER_NAME) + 5)
    assert [role for _, role in no_server] == [STATE, COUNTS]
    assert no_server == wide[:2]


def test_the_counts_shrink_before_the_reason_is_cut() -> None:
    facts = StatusFacts(_reconnecting(), total=22, rate=4, listening=0)
    parts = _line(facts, 64)
    assert parts[1] == ("22 received", COUNTS)
    assert parts[0][0].endswith("connection refused")


def test_when_nothing_else_gives_the_reason_is_cut_with_an_ellipsis() -> None:
    error = "could not receive data from server: Connection reset by peer " * 3
    parts = _line(StatusFacts(_reconnecting(error), total=22), WIDTH_80)
    state = parts[0][0]
    assert state.startswith("◌ reconnecting #4 in 1.2 s — could not receive")
    assert state.endswith("…")
    assert parts[1] == ("22 received", COUNTS)
    assert cell_len(_text(parts)) == WIDTH_80


def test_the_attempt_and_countdown_are_never_cut() -> None:
    parts = _line(StatusFacts(_reconnecting("x" * 200), total=10**9), 40)
    assert parts[0][0].startswith("◌ reconnecting #4 in 1.2 s — xx")


def test_a_live_filter_shrinks_to_a_word_before_the_counts_shrink() -> None:
    facts = StatusFacts(_connected(), total=5, rate=1, listening=1, filter_text="customer=" * 8)
    parts = _line(facts)
    roles = [role for _, role in parts]
    assert roles == [STATE, COUNTS, FILTER]
    assert dict((role, text) for text, role in parts)[FILTER].startswith("filter")
    assert parts[1][0] == "5 received · 1/s · 1 listening"
    assert cell_len(_text(parts)) <= WIDTH_80


def test_not_delivered_is_said_first() -> None:
    parts = _line(StatusFacts(_connected(), delivered=False, total=3))
    assert parts[0][0].startswith("✗ connected, but NOTIFY IS NOT DELIVERED")


def test_failed_and_other_states() -> None:
    failed = ConnectionState(Phase.FAILED, SERVER_NAME, last_error='FATAL:  role "x" is gone')
    assert _line(StatusFacts(failed))[0][0] == '✗ failed — role "x" is gone'
    relisting = ConnectionState(Phase.RELISTENING, SERVER_NAME, listening=1, wanted=3)
    assert _line(StatusFacts(relisting))[0][0] == "◌ re-listening (1 of 3 channels)"
    waiting = ConnectionState(Phase.RECONNECTING, SERVER_NAME, attempt=2, next_try_at=NOW)
    assert _line(StatusFacts(waiting))[0][0] == "◌ reconnecting #2 now"


def test_a_replay_keeps_the_end_of_its_path() -> None:
    replay = "replay of /var/tmp/" + "deep/" * 30 + "orders.jsonl (4 notifications)"
    parts = _line(StatusFacts(_connected(), total=4, replay=replay))
    assert parts[0][1] == REPLAY
    assert parts[0][0].startswith("…") and parts[0][0].endswith("orders.jsonl (4 notifications)")
    assert parts[1][0] == "4 shown"
    assert cell_len(_text(parts)) <= WIDTH_80


# --------------------------------------------------------------------------- untrusted text, cells


def test_server_and_error_text_is_escaped() -> None:
    evil = ConnectionState(
        Phase.RECONNECTING,
        "evil\x1b]0;x\x07@h:1/d",
        attempt=1,
        next_try_at=NOW + 1,
        last_error="bad \x1b[2J thing",
    )
    text = _text(_line(StatusFacts(evil), 200))
    assert "\x1b" not in text
    assert "bad \\x1b[2J thing" in text and "evil\\x1b]0;x\\x07@h:1/d" in text


def test_wide_characters_are_measured_in_cells() -> None:
    wide_server = "postgres@データベース.example.jp:5432/注文"
    facts = StatusFacts(ConnectionState(Phase.CONNECTED, wide_server, since=NOW, backend_pid=1))
    for width in range(30, 100):
        parts = _line(facts, width)
        assert cell_len(_text(parts)) <= width, (width, parts)


def test_cut_counts_cells() -> None:
    assert cut("abcdef", 4) == "abc…"
    assert cut("abcdef", 6) == "abcdef"
    assert cut("データベース", 7, cell_len) == "データ…"
    assert cell_len(cut("データベース", 6, cell_len)) <= 6
    assert cut("/a/b/file.jsonl", 9, front=True) == "…le.jsonl"
    assert cut("abc", 0) == ""
