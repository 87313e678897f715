"""Copy as SQL, without a server: the statement's exact text, and that its literals give back the
text they were made from (read here the way PostgreSQL reads them)."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pgtail.core.models import Notification, NotificationWithRawPayload
from pgtail.core.notify_sql import notify_statement, sql_literal
from pgtail.core.text import is_safe


def _n(channel: str, payload: str) -> Notification:
    return Notification(channel, payload, 1, 0.0)


def test_plain_payloads_read_as_sent() -> None:
    assert (
        notify_statement(_n("orders", '{"id": 1041}'))
        == """SELECT pg_notify('orders', '{"id": 1041}');"""
    )
    assert notify_statement(_n("it's", "O'Brien's")) == "SELECT pg_notify('it''s', 'O''Brien''s');"
    assert notify_statement(_n("通知", "café 😀")) == "SELECT pg_notify('通知', 'café 😀');"
    assert notify_statement(_n("x", "")) == "SELECT pg_notify('x', '');"


def test_backslashes_and_controls_become_escapes_on_one_visible_line() -> None:
    assert sql_literal("a\\b") == "E'a\\\\b'"
    assert sql_literal("it's\n") == "E'it\\'s\\n'"
    assert sql_literal("\t\r\b\f") == "E'\\t\\r\\b\\f'"
    assert sql_literal("\x1b[31mred\x07") == "E'\\x1b[31mred\\x07'"
    assert sql_literal("\x1ba") == "E'\\x1ba'"  # two hex digits: the "a" stays a letter
    assert sql_literal("\x7f\x85") == "E'\\x7f\\u0085'"
    assert sql_literal("\u202eevil") == "E'\\u202eevil'"
    assert sql_literal("é\n") == "E'é\\n'"  # printable non-ASCII stays as it is
    statement = notify_statement(_n("ch\n", 'x\n"y"\\'))
    assert statement == "SELECT pg_notify(E'ch\\n', E'x\\n\"y\"\\\\');"
    assert is_safe(statement)


def test_bytes_invalid_in_the_encoding_are_sent_from_hex() -> None:
    raw = NotificationWithRawPayload("raw", "caf\ufffd", 1, 0.0, b"caf\xe9", True)
    assert notify_statement(raw) == (
        "SELECT pg_notify('raw', convert_from(decode('636166e9', 'hex'),"
        " current_setting('server_encoding')));"
    )
    # Valid text in another encoding is text: the client encoding converts it.
    latin = NotificationWithRawPayload("l", "café", 1, 0.0, b"caf\xe9", False)
    assert notify_statement(latin) == "SELECT pg_notify('l', 'café');"


_E_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _read_literal(literal: str) -> str:
    """What PostgreSQL makes of a literal written by sql_literal (the escapes it uses)."""
    if literal.startswith("'"):
        assert literal.endswith("'")
        return literal[1:-1].replace("''", "'")
    assert literal.startswith("E'") and literal.endswith("'")

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xuU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _E_ESCAPE.sub(one, literal[2:-1])


@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")))
@example("'\\'\\\\''")
@example("\x1bab\x7f\x80\x9f\u200b\u2028\U000e0001")
def test_literals_give_back_their_text_and_are_visible(text: str) -> None:
    literal = sql_literal(text)
    assert _read_literal(literal) == text
    assert is_safe(literal)
    # Inside the quotes, a quote is always escaped or doubled: the literal ends where it ends.
    body = literal[2:-1] if literal.startswith("E") else literal[1:-1]
    assert "'" not in re.sub(r"''|\\'|\\\\", "", body)
