"""The filter language's tokens: words, "strings", /regexes/, .field paths, operators, keywords.

The tokenizer never raises: what it cannot read becomes a ``BAD`` token carrying the reason, so
that text which is not meant as an expression (``say "hi``) can still be searched for as typed,
and an expression reports its first problem with a position. After an operator it reads a value:
a JSON literal, a ``/regex/`` (after ``~``) or a bare word.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass


class Kind(enum.Enum):
    WORD = "word"
    STRING = "string"
    REGEX = "regex"
    PATH = "field"
    OP = "operator"
    VALUE = "value"
    BARE = "bare value"
    LPAREN = "("
    RPAREN = ")"
    AND = "and"
    OR = "or"
    NOT = "not"
    HAS = "has"
    CHANNEL = "channel"
    BAD = "bad"


#: Comparison operators, longest first so that ``>=`` is not read as ``>``.
OPERATORS = ("!=", ">=", "<=", "=", ">", "<", "~")
KEYWORDS = {"and": Kind.AND, "or": Kind.OR, "not": Kind.NOT}

#: The value of a BAD token that was meant as a field: the text is an expression all the same.
PATH_ERROR = "path"

Step = str | int
"""One step of a field path: an object key or an array index."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    start: int
    """Offset of the token's first character in the filter text."""
    end: int
    text: str
    """The token as written (for a ``BAD`` token: why it could not be read)."""
    value: object = None
    """A STRING's or VALUE's JSON value, a BARE word's (see :func:`bare_literal`), a REGEX's
    source, a PATH's steps (tuple of Step)."""


_SPACE = " \t\r\n"
#: What may come just before a condition.
_CONDITION_BEFORE = (Kind.LPAREN, Kind.AND, Kind.OR, Kind.NOT)
_WORD_END = re.compile(r"[\s()]|[=<>~]|!=")
_VALUE_END = re.compile(r"[\s()]")
_NAME = re.compile(r"[^\s.\[\]()\"=!<>~,]+")
_NAME_START = re.compile(r"[^\s.\[\]()\"=!<>~,0-9-]")
_INDEX = re.compile(r"\[\s*(-?\d+)\s*\]")
_DECODER = json.JSONDecoder()
_LITERAL_START = re.compile(r"-?\d|true\b|false\b|null\b")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos, size = 0, len(text)
    while pos < size:
        ch = text[pos]
        if ch in _SPACE:
            pos += 1
            continue
        if tokens and tokens[-1].kind is Kind.OP and ch not in "()":
            token = _value(text, pos, tokens[-1].text)
        elif ch == "(":
            token = Token(Kind.LPAREN, pos, pos + 1, ch)
        elif ch == ")":
            token = Token(Kind.RPAREN, pos, pos + 1, ch)
        elif ch == '"':
            token = _json_string(text, pos, Kind.STRING)
        elif ch == "/" and (regex := _regex(text, pos, standalone=True)) is not None:
            token = regex
        elif ch == "." and pos + 1 < size and (text[pos + 1] in '["' or _name_start(text, pos + 1)):
            token = read_path(text, pos)
        elif (op := _operator(text, pos)) is not None:
            token = Token(Kind.OP, pos, pos + len(op), op)
        else:
            token = _word(text, pos)
        tokens.append(token)
        pos = token.end
    return _keywords(tokens)


def _keywords(tokens: list[Token]) -> list[Token]:
    """Words that are keywords here: ``and``/``or``/``not`` always; ``has`` before a field and
    ``channel`` before an operator where a condition starts. Otherwise they stay words."""
    out: list[Token] = []
    for i, token in enumerate(tokens):
        if token.kind is Kind.WORD:
            following = tokens[i + 1].kind if i + 1 < len(tokens) else None
            starts = not out or out[-1].kind in _CONDITION_BEFORE
            kind = KEYWORDS.get(token.text)
            if token.text == "has" and following is Kind.PATH and starts:
                kind = Kind.HAS
            elif token.text == "channel" and following is Kind.OP and starts:
                kind = Kind.CHANNEL
            if kind is not None:
                token = Token(kind, token.start, token.end, token.text)
        out.append(token)
    return out


def _name_start(text: str, pos: int) -> bool:
    return _NAME_START.match(text, pos) is not None


def _operator(text: str, pos: int) -> str | None:
    for op in OPERATORS:
        if text.startswith(op, pos):
            return op
    return None


def _word(text: str, pos: int, end_re: re.Pattern[str] = _WORD_END) -> Token:
    match = end_re.search(text, pos + 1)
    end = match.start() if match else len(text)
    return Token(Kind.WORD, pos, end, text[pos:end])


def _json_string(text: str, pos: int, kind: Kind) -> Token:
    try:
        value, end = _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        # The decoder's own wording ("Unterminated string starting at"), made shorter.
        reason = exc.msg.split(" starting at")[0].lower()
        return Token(Kind.BAD, pos, len(text), f"{reason} in the quoted text")
    return Token(kind, pos, end, text[pos:end], value)


def _regex(text: str, pos: int, *, standalone: bool) -> Token | None:
    """``/source/`` from *pos*; a backslash escapes the next character (``\\/`` is a slash).

    Standalone (not after ``~``), it must be followed by a space, ``)`` or the end, or it is not
    a regex but a word such as ``/api/v1``. None when it is not a regex.
    """
    i = pos + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "/":
            end = i + 1
            if standalone and end < len(text) and text[end] not in _SPACE + ")":
                return None
            return Token(Kind.REGEX, pos, end, text[pos:end], text[pos + 1 : i])
        i += 1
    if standalone:
        return None
    return Token(Kind.BAD, pos, len(text), "this /regex/ has no closing /")


def _value(text: str, pos: int, op: str) -> Token:
    """What follows an operator: a /regex/ after ``~``, a JSON literal, or a bare word."""
    ch = text[pos]
    if ch == "/" and op == "~":
        token = _regex(text, pos, standalone=False)
        assert token is not None
        return token
    if ch == '"':
        return _json_string(text, pos, Kind.VALUE)
    if ch in "[{":
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError):
            return Token(Kind.BAD, pos, len(text), "this JSON value is not complete or not valid")
        return Token(Kind.VALUE, pos, end, text[pos:end], value)
    word = _word(text, pos, _VALUE_END)
    return Token(Kind.BARE, word.start, word.end, word.text, bare_literal(word.text))


def bare_literal(word: str) -> object:
    """The JSON value of a bare word that is a JSON number, true, false or null; else the word."""
    if _LITERAL_START.match(word):
        try:
            return json.loads(word)
        except ValueError:
            pass
    return word


def read_path(text: str, pos: int) -> Token:
    """The field path ``.a.b[0]."odd key"["k"]`` from *pos* (at the first dot): a ``PATH`` token,
    or a ``BAD`` one saying why not. The one reader of paths, for filters and ``--columns``."""
    steps: list[Step] = []
    i = pos
    while i < len(text) and text[i] in ".[":
        if text[i] == "[":
            index = _INDEX.match(text, i)
            if index is not None:
                steps.append(int(index.group(1)))
                i = index.end()
                continue
            j = i + 1
            while j < len(text) and text[j] in _SPACE:
                j += 1
            key = _json_string(text, j, Kind.STRING) if text[j : j + 1] == '"' else None
            close = key.end if key is not None else j
            while close < len(text) and text[close] in _SPACE:
                close += 1
            if key is None or key.kind is Kind.BAD or text[close : close + 1] != "]":
                return Token(
                    Kind.BAD, i, i + 1, 'expected [number] or ["key"] in a field', PATH_ERROR
                )
            steps.append(str(key.value))
            i = close + 1
            continue
        i += 1  # the dot
        if text[i : i + 1] == "[":
            continue  # .[0] is the same as [0]
        if text[i : i + 1] == '"':
            key = _json_string(text, i, Kind.STRING)
            if key.kind is Kind.BAD:
                return Token(Kind.BAD, key.start, key.end, key.text, PATH_ERROR)
            steps.append(str(key.value))
            i = key.end
            continue
        name = _NAME.match(text, i)
        if name is None:
            return Token(Kind.BAD, i, i, "expected a field name after .", PATH_ERROR)
        steps.append(name.group())
        i = name.end()
    return Token(Kind.PATH, pos, i, text[pos:i], tuple(steps))
