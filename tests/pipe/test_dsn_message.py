"""A connection string libpq cannot parse is reported on one clean line, by the real command,
in pipe mode and in the full-screen mode's start-up path (on a real pseudo-terminal)."""

from __future__ import annotations

import pytest

from pgtail.core.dsn import DsnError, parse
from tests.harness.cli import run_pgtail
from tests.harness.pty import PtyPgtail

BAD = [
    ("dbnme=x", 'invalid connection option "dbnme"'),
    ("host=h port", 'missing "=" after "port" in connection info string'),
    ("a='x", "unterminated quoted string in connection info string"),
    ("postgresql://h/x?foo=bar", 'invalid URI query parameter: "foo"'),
    # A bare host name: what was expected, not libpq's quote of it (hidden, as it might be a
    # password typed in the wrong place).
    (
        "db1.example.com",
        "expected key=value pairs (host=NAME dbname=NAME) or a URI (postgresql://user@host/dbname)",
    ),
]


@pytest.mark.parametrize(("dsn", "reason"), BAD)
def test_parse_error_is_one_line(dsn: str, reason: str) -> None:
    with pytest.raises(DsnError) as info:
        parse(dsn)
    assert str(info.value) == f"invalid connection string: {reason}"


@pytest.mark.parametrize("mode", ["--plain", "--json"])
def test_pipe_mode_says_it_on_one_line(mode: str) -> None:
    out = run_pgtail(mode, "--dsn", "dbnme=x", "-c", "x")
    assert out.returncode == 2
    assert out.stderr == (
        'pgtail: error: invalid connection string: invalid connection option "dbnme"\n'
    )
    assert out.stdout == ""


def test_a_password_next_to_the_error_stays_hidden() -> None:
    out = run_pgtail("--plain", "--dsn", "password=hunter22 a='x", "-c", "x")
    assert out.returncode == 2
    assert out.stderr == (
        "pgtail: error: invalid connection string: "
        "unterminated quoted string in connection info string\n"
    )


def test_full_screen_mode_says_it_on_one_line() -> None:
    term = PtyPgtail("--dsn", "dbnme=x", "-c", "x")
    try:
        assert term.wait_exit() == 2
        expected = 'pgtail: error: invalid connection string: invalid connection option "dbnme"'
        screen = term.wait_for(lambda s: expected in s, "the error")
        assert f"{expected}\\n" not in screen
    finally:
        term.close()
    assert term.output.count(b"pgtail: error:") == 1
    assert f"{expected}\r\n".encode() in term.output
    assert b"\\n" not in term.output
