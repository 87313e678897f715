"""The bytes pgtail really writes to a terminal: untrusted text never reaches it raw, passwords
never reach it at all, and a terminal that stops reading does not stop pgtail from draining."""

from __future__ import annotations

import time

import psycopg
import pytest

from tests.harness import PgServer, notify
from tests.harness.flood import QueueWatch, send_flood
from tests.harness.pgserver import TEST_PASSWORD
from tests.harness.pty import PtyPgtail
from tests.harness.wait import wait_until

#: (payload, what must never be written raw, what the screen shows instead)
HOSTILE: list[tuple[str, bytes, str]] = [
    ("title \x1b]0;pwned\x07 end", b"\x1b]0;pwned", "title \\x1b]0;pwned\\x07 end"),
    ("clip \x1b]52;c;cHduZWQ=\x07", b"\x1b]52;", "clip \\x1b]52;c;cHduZWQ=\\x07"),
    ("csi \x1b[2J\x1b[31mred", b"\x1b[2J\x1b[31mred", "csi \\x1b[2J\\x1b[31mred"),
    ("dcs \x1bPq#0pwned\x1b\\", b"\x1bPq#0pwned", "dcs \\x1bPq#0pwned\\x1b\\\\"),
    ("c1 \x9b31m \x9d0;pwned\x9c", "\x9b".encode(), "c1 \\x9b31m \\x9d0;pwned\\x9c"),
    ("del \x7f bell \x07", b"del \x7f", "del \\x7f bell \\x07"),
    ("bidi \u202edesrever\u202c", "\u202e".encode(), "bidi \\u202edesrever\\u202c"),
    ("zw a\u200bb \u2066iso\u2069", "\u200b".encode(), "zw a\\u200bb \\u2066iso\\u2069"),
    ("[b]b[/b] [@click=app.quit]q[/] [/]", b"", "[b]b[/b] [@click=app.quit]q[/] [/]"),
]
EVIL_CHANNEL = "ev\x1b]0;chan\x07\u202e"


def _start(terminals: list[PtyPgtail], *args: str, **env: str) -> PtyPgtail:
    term = PtyPgtail(*args, cols=160, env=env)
    terminals.append(term)
    return term


def test_hostile_text_never_reaches_the_terminal_raw(
    pg: PgServer, terminals: list[PtyPgtail]
) -> None:
    term = _start(terminals, "--dsn", pg.dsn, "-c", EVIL_CHANNEL, "-c", "ui:long")
    term.wait_for(lambda s: "connected since" in s and "2 listening" in s, "connected")
    for payload, _, _ in HOSTILE:
        notify(pg, EVIL_CHANNEL, payload)
    # Every payload shown escaped, and the channel name, in the log and in the channel list.
    screen = term.wait_for(
        lambda s: (
            all(visible in s for _, _, visible in HOSTILE)
            and s.count("ev\\x1b]0;chan\\x07\\u202e") >= 2
        ),
        "every hostile payload and the channel name, escaped",
    )
    for _, raw, _ in HOSTILE:
        if raw:
            assert raw not in term.output, raw
    assert b"\x1b]0;chan" not in term.output
    # A click on the markup line runs no action: pgtail is still there, drawing what comes next.
    line = next(i for i, row in enumerate(screen.splitlines()) if "[@click=app.quit]" in row)
    column = screen.splitlines()[line].index("[@click=app.quit]") + 3
    term.click(column, line)

    # Empty payloads, the largest one, and a long line of many words.
    notify(pg, "ui:long", "")
    notify(pg, "ui:long", "x" * 7998 + "Z")
    notify(pg, "ui:long", " ".join(f"w{i}" for i in range(1500)))
    notify(pg, "ui:long", "still alive")
    term.wait_for(lambda s: "still alive" in s, "a line after the long ones")
    assert term.proc.poll() is None

    # The channel's name put into the NOTIFY bar by Tab completion is not written raw either.
    term.type("n")
    # Focus moves with the next refresh; keys typed before it go to the log. With the bar
    # focused, the footer hides the one-letter keys the input would type.
    term.wait_for(lambda s: " q Quit" not in s, "the NOTIFY bar to take focus")
    term.type("ev")
    term.wait_for(lambda s: "NOTIFY  ev " in s, "the typed prefix")
    term.type("\t")
    term.wait_for(lambda s: "NOTIFY  ev␛" in s, "the completion")
    term.type("done")
    # (Drawn with one placeholder per character, so that the cursor stays where it is.)
    term.wait_for(lambda s: "NOTIFY  ev␛]0;chan␇\ufffd done" in s, "the completed name")
    assert b"\x1b]0;chan" not in term.output
    assert "\u202e".encode() not in term.output


def test_server_error_text_is_escaped_on_the_status_line(terminals: list[PtyPgtail]) -> None:
    host = "evil\x1b]0;pwned\x07.invalid"
    term = _start(terminals, "--dsn", f"host='{host}' user=postgres connect_timeout=2", "-c", "x")
    screen = term.wait_for(lambda s: "reconnecting #" in s, "retrying")
    assert "failed to resolve host 'evil\\x1b]0;pwned\\x07.invalid'" in screen
    assert b"\x1b]0;pwned" not in term.output


def test_invalid_bytes_of_a_sql_ascii_database_are_shown(
    pg: PgServer, terminals: list[PtyPgtail]
) -> None:
    name = f"sqlascii_{int(time.time() * 1000) % 10**8}"
    pg.psql(
        f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' "
        "TEMPLATE template0"
    )
    dsn = pg.conninfo(dbname=name)
    term = _start(terminals, "--dsn", dsn, "-c", "raw")
    term.wait_for(lambda s: "connected since" in s and "1 listening" in s, "connected")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_notify('raw', E'\\xff\\xfe')")
        conn.execute("SELECT pg_notify('raw', E'caf\\xc3\\xa9 \\x1b]0;pwned\\x07')")
        conn.execute("SELECT pg_notify('raw', 'after')")
    term.wait_for(
        lambda s: "after" in s and "\ufffd\ufffd" in s and "café \\x1b]0;pwned\\x07" in s,
        "the invalid bytes, the escaped line and the line after them",
    )
    assert b"\x1b]0;pwned" not in term.output
    assert term.proc.poll() is None


# ---- secrets -------------------------------------------------------------------------------


def test_password_in_a_uri_never_reaches_the_terminal(
    password_pg: PgServer, terminals: list[PtyPgtail]
) -> None:
    assert TEST_PASSWORD in password_pg.uri
    term = _start(terminals, "--dsn", password_pg.uri, "-c", "secret:chan")
    screen = term.wait_for(lambda s: "connected since" in s, "connected")
    assert "postgres@127.0.0.1" in screen
    term.type("q")
    assert term.wait_exit() == 0
    term.close()
    assert TEST_PASSWORD.encode() not in term.output


@pytest.mark.parametrize("where", ["conninfo", "uri", "PGPASSWORD"])
def test_wrong_password_screen_then_q_exits_2_without_the_password(
    password_pg: PgServer, terminals: list[PtyPgtail], where: str
) -> None:
    wrong = "wrong-hunter22"
    env: dict[str, str] = {}
    if where == "conninfo":
        dsn = password_pg.conninfo(password=wrong)
    elif where == "uri":
        dsn = f"postgresql://postgres:{wrong}@{password_pg.host}:{password_pg.port}/postgres"
    else:
        dsn = f"host={password_pg.host} port={password_pg.port} user=postgres"
        env["PGPASSWORD"] = wrong
    term = _start(terminals, "--dsn", dsn, "-c", "x", **env)
    screen = term.wait_for(lambda s: "Press q to quit" in s, "the failed screen")
    assert "password authentication failed" in screen
    term.type("q")
    assert term.wait_exit() == 2
    term.close()
    # The reason is printed once more after the terminal is restored; never the password.
    assert b"pgtail: error: " in term.output
    assert wrong.encode() not in term.output


# ---- a terminal that stops reading ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(480)  # the deadlines below, and the rest
def test_stalled_terminal_does_not_stall_the_listener(
    pg: PgServer, terminals: list[PtyPgtail]
) -> None:
    total, chunk = 1_000_000, 100_000
    term = _start(terminals, "--dsn", pg.dsn, "-c", "flood", "--scrollback", "2000")
    term.wait_for(lambda s: "connected since" in s and "1 listening" in s, "connected")
    peak_rss = 0.0

    def sample_rss() -> None:
        nonlocal peak_rss
        peak_rss = max(peak_rss, term.rss_mb())

    watch = QueueWatch(pg.dsn, also=sample_rss)
    with watch:
        try:
            term.stop_reading()
            with psycopg.connect(pg.dsn, autocommit=True) as conn:
                # Enough screen updates to fill the pty's buffer: from here on pgtail's writes
                # block.
                conn.execute("SELECT pg_notify('flood', i::text) FROM generate_series(1, 20000) i")
                # The flood starts a second into the stall, by when pgtail's writes have usually
                # blocked: the harder case. Nothing waits on it; the checks below hold either way.
                time.sleep(1.0)
                send_flood(pg.dsn, "flood", total, chunk)

                # Still not reading: the server's queue must be empty all the same.
                def queue_usage() -> float:
                    row = conn.execute("SELECT pg_notification_queue_usage()").fetchone()
                    assert row is not None
                    return float(row[0])

                wait_until(
                    lambda: queue_usage() < 0.001,
                    timeout=120,
                    what="the server's queue drained",
                    seen=lambda: f"queue usage {queue_usage()}",
                    interval=0.1,
                )
            # The terminal really was not reading: what pgtail wrote is still waiting in the pty.
            assert term.unread() > 0
        finally:
            term.resume_reading()
    peak_usage = watch.peak
    count = f"{total + 20000:,} received"
    term.wait_for(lambda s: count in s, count, timeout=300)
    print(f"stalled terminal: peak queue usage {peak_usage:.6f}, peak RSS {peak_rss:.0f} MB")
    assert peak_usage < 0.01
    assert peak_rss < 250
    term.type("q")
    assert term.wait_exit() == 0
