"""Re-indent JSON without changing a single token.

The detail view promises to show what was sent. ``json.loads`` + ``json.dumps`` would not: it
drops duplicate keys, writes ``10.50`` as ``10.5`` and ``1e3`` as ``1000.0``, decodes ``\\u``
escapes and accepts ``NaN``. This module checks the text against RFC 8259's grammar with a
tokenizer and a small state machine, says briefly why when it is not JSON, and otherwise lays the
tokens out with indentation: keys, their order, duplicates, numbers and string escapes stay
exactly as written; only whitespace changes. No recursion, so deep nesting is fine, and one regex
match per token, so the largest payload (7999 bytes) lays out in a couple of milliseconds.
"""

from __future__ import annotations

import re

KEY = "key"
STRING = "string"
NUMBER = "number"
LITERAL = "literal"
PUNCT = "punct"
SPACE = "space"

Span = tuple[str, str]
"""A piece of the layout: its text, and its kind (one of the constants above)."""


class NotJson(ValueError):
    """The text is not JSON; ``str()`` says why and where."""


# One token after optional whitespace (RFC 8259 allows only these four whitespace characters).
# Strings use the "unrolled loop" form, linear even on an unterminated string. [0-9], not \d,
# which would accept other scripts' digits.
_STRING_BODY = r'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*'
_TOKEN = re.compile(
    r"""[ \t\n\r]*(?:
      (?P<string>"""
    + _STRING_BODY
    + r"""")
    | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    | (?P<literal>true|false|null)
    | (?P<punct>[{}\[\]:,])
    )""",
    re.VERBOSE,
)
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING_PREFIX = re.compile(_STRING_BODY)
#: What cannot follow a number: its token would have taken it, or the number is malformed (0x10).
_NUMBER_TAIL = frozenset("0123456789.+-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NOT_NUMBERS = ("NaN", "-NaN", "Infinity", "-Infinity", "+Infinity")

# What the parser expects next.
_VALUE = 0  # any value: at the start and after ':'
_ITEM = 1  # a value after ',' in an array
_FIRST_ITEM = 2  # a value or ']' right after '['
_FIRST_KEY = 3  # a key or '}' right after '{'
_KEY = 4  # a key after ',' in an object
_COLON = 5
_AFTER = 6  # ',' or the closing bracket after a value; the end after the top-level value
_CLOSERS = {"{": "}", "[": "]"}


def layout(text: str, indent: str = "  ") -> list[Span]:
    """The tokens of the JSON *text* with indentation between them, as :data:`Span` s.

    Raises :class:`NotJson` when *text* is not exactly one JSON value (whitespace around it is
    allowed).
    """
    spans: list[Span] = []
    add = spans.append
    stack: list[str] = []  # the open brackets
    newlines = ["\n"]  # newline and indentation, by depth
    state = _VALUE
    pos, end = 0, len(text)
    match = _TOKEN.match
    while True:
        m = match(text, pos)
        if m is None:
            at = _skip_whitespace(text, pos)
            if at == end and state == _AFTER and not stack:
                return spans
            raise NotJson(_why_not(text, at, state, stack))
        kind = m.lastgroup
        assert kind is not None
        token = m[kind]
        at, pos = m.start(kind), m.end()
        depth = len(stack)
        if state == _AFTER:
            if not stack:
                what = "more than one value" if token not in "]}:," else f"unexpected {token!r}"
                raise NotJson(f"{what} (offset {at})")
            if token == ",":
                add((",", PUNCT))
                add((newlines[depth], SPACE))
                state = _KEY if stack[-1] == "{" else _ITEM
            elif token == _CLOSERS[stack[-1]]:
                stack.pop()
                add((newlines[depth - 1], SPACE))
                add((token, PUNCT))
            else:
                raise NotJson(f"expected ',' or '{_CLOSERS[stack[-1]]}' (offset {at})")
            continue
        if state == _COLON:
            if token != ":":
                raise NotJson(f"expected ':' after a key (offset {at})")
            add((": ", PUNCT))
            state = _VALUE
            continue
        if state in (_FIRST_ITEM, _FIRST_KEY):
            if token == ("]" if state == _FIRST_ITEM else "}"):
                stack.pop()
                add((token, PUNCT))
                state = _AFTER
                continue
            if len(newlines) <= depth:
                newlines.append(newlines[-1] + indent)
            add((newlines[depth], SPACE))
        if state in (_KEY, _FIRST_KEY):
            if kind != "string":
                what = "trailing comma" if token == "}" and state == _KEY else "expected a key"
                raise NotJson(f"{what} (offset {at})")
            add((token, KEY))
            state = _COLON
            continue
        # A value is expected.
        if kind == "punct":
            if token not in _CLOSERS:
                what = (
                    "trailing comma" if token == "]" and state == _ITEM else f"unexpected {token!r}"
                )
                raise NotJson(f"{what} (offset {at})")
            stack.append(token)
            add((token, PUNCT))
            state = _FIRST_KEY if token == "{" else _FIRST_ITEM
            continue
        if kind == "number" and pos < end and text[pos] in _NUMBER_TAIL:
            zero = token.lstrip("-") == "0" and text[pos].isdigit()
            what = "leading zero in a number" if zero else "invalid number"
            raise NotJson(f"{what} (offset {at})")
        add((token, STRING if kind == "string" else kind))
        state = _AFTER


def reindent(text: str, indent: str = "  ") -> str:
    """The JSON *text* re-indented; only whitespace differs. Raises :class:`NotJson`."""
    return "".join(piece for piece, _ in layout(text, indent))


def _skip_whitespace(text: str, pos: int) -> int:
    m = _WHITESPACE.match(text, pos)
    return m.end() if m else pos


def _why_not(text: str, at: int, state: int, stack: list[str]) -> str:
    """Why no token could be read at *at* (after whitespace)."""
    if at == len(text):
        if state == _VALUE and not stack:
            return "empty"
        return f"unexpected end: '{stack[-1]}' not closed" if stack else "unexpected end"
    ch = text[at]
    if ch == '"':
        prefix = _STRING_PREFIX.match(text, at)
        stop = prefix.end() if prefix else at + 1
        if stop == len(text):
            return f"unterminated string (offset {at})"
        if text[stop] == "\\":
            return f"invalid escape in a string (offset {stop})"
        return f"control character in a string (offset {stop})"
    if ch == "'":
        return f"strings need double quotes, not single (offset {at})"
    for word in _NOT_NUMBERS:
        if text.startswith(word, at):
            return f"{word} is not a JSON value (offset {at})"
    if ch in "-+.0123456789":
        return f"invalid number (offset {at})"
    return f"unexpected character {ch!r} (offset {at})"
