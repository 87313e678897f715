"""The filter language's syntax: a small tree of dataclasses, and the parser that builds it.

See :mod:`pgtail.core.filter_lang` for the language itself. Errors carry the offset of the problem
in the filter text, so the UI and ``--filter`` can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgtail.core.filter_tokens import PATH_ERROR, Kind, Step, Token, tokenize


class FilterError(ValueError):
    """The filter text cannot be used; :attr:`offset` is where the problem is."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(f"column {offset + 1}: {reason}")
        self.reason = reason
        self.offset = offset
        """0-based offset in the filter text."""


# ---- the syntax tree ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A substring of the channel or the payload."""

    needle: str


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression searched for in the channel or the payload."""

    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Field:
    """A place in the payload's JSON, such as ``.items[0].sku``."""

    steps: tuple[Step, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Channel:
    """The notification's channel, as the left side of a comparison."""


@dataclass(frozen=True, slots=True)
class Literal:
    """The right side of a comparison: a JSON value, and the word as typed when it was bare
    (``1041`` is the number 1041, and also the text "1041")."""

    value: object
    bare: str | None = None
    regex: re.Pattern[str] | None = None
    """For ``~``: the compiled pattern."""


@dataclass(frozen=True, slots=True)
class Compare:
    subject: Field | Channel
    op: str
    """One of ``= != > >= < <= ~``."""
    literal: Literal


@dataclass(frozen=True, slots=True)
class Has:
    """The payload's JSON has this field (even when it is null)."""

    field: Field


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple[Node, ...]


Node = Text | Pattern | Compare | Has | Not | And | Or


def parse(text: str) -> Node:
    """The syntax tree of *text* (not empty). Raises :class:`FilterError`."""
    tokens = tokenize(text)
    if not _is_expression(tokens):
        if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
            return Pattern(compile_regex(text[1:-1], 1))
        return Text(text)
    return _Parser(text, tokens).parse()


def _is_expression(tokens: list[Token]) -> bool:
    """Does the text use the language? Otherwise it is searched for as typed."""
    if tokens and tokens[0].kind is Kind.LPAREN:
        return True
    signals = {Kind.PATH, Kind.AND, Kind.OR, Kind.NOT, Kind.HAS, Kind.CHANNEL}
    return any(t.kind in signals or t.value is PATH_ERROR for t in tokens)


def compile_regex(source: str, offset: int) -> re.Pattern[str]:
    """*source* compiled; an error points into the filter text (*source* starts at *offset*)."""
    try:
        return re.compile(source)
    except re.error as exc:
        raise FilterError(
            f"invalid regular expression: {exc.msg}", offset + (exc.pos or 0)
        ) from None
    except (OverflowError, RecursionError, ValueError) as exc:
        raise FilterError(f"invalid regular expression: {exc}", offset) from None


# ---- the parser --------------------------------------------------------------------------------

_VALUE_KINDS = (Kind.VALUE, Kind.BARE, Kind.REGEX)
#: How deep parentheses and ``not`` may nest.
MAX_DEPTH = 32
_ORDERING = (">", ">=", "<", "<=")


class _Parser:
    """Recursive descent: ``or`` of ``and`` of (``not``) terms."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        """Open parentheses and nots: bounded, so that no filter exhausts the stack."""

    def parse(self) -> Node:
        node = self._or()
        token = self._peek()
        if token is not None:
            raise self._unexpected(token, "expected and, or, or the end")
        return node

    def _peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def _at(self, kind: Kind) -> bool:
        token = self._peek()
        return token is not None and token.kind is kind

    def _or(self) -> Node:
        nodes = [self._and()]
        while self._at(Kind.OR):
            self._take()
            nodes.append(self._and())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def _and(self) -> Node:
        nodes = [self._not()]
        while self._at(Kind.AND):
            self._take()
            nodes.append(self._not())
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def _not(self) -> Node:
        if self._at(Kind.NOT):
            self._nest(self._take())
            node = Not(self._not())
            self.depth -= 1
            return node
        return self._term()

    def _nest(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError(f"nested more than {MAX_DEPTH} deep", token.start)

    def _term(self) -> Node:
        token = self._peek()
        if token is None:
            what = f"after {self.tokens[-1].text}" if self.tokens else "here"
            raise FilterError(f"expected a condition {what}", len(self.text))
        kind = token.kind
        if kind is Kind.LPAREN:
            self._nest(self._take())
            node = self._or()
            self.depth -= 1
            if not self._at(Kind.RPAREN):
                found = self._peek()
                if found is None:
                    raise FilterError("this ( is never closed", token.start)
                raise self._unexpected(found, "expected and, or, or )")
            self._take()
            return node
        if kind is Kind.HAS:
            self._take()
            return Has(self._field(self._take()))
        if kind is Kind.PATH:
            return self._compare(self._field(self._take()))
        if kind is Kind.CHANNEL:
            self._take()
            return self._compare(Channel())
        if kind is Kind.REGEX:
            self._take()
            return Pattern(compile_regex(str(token.value), token.start + 1))
        if kind is Kind.STRING:
            self._take()
            return Text(str(token.value))
        if kind is Kind.WORD:
            return self._phrase()
        if kind is Kind.OP:
            raise FilterError(f"{token.text} needs a .field or channel on its left", token.start)
        raise self._unexpected(token, "expected a condition")

    def _phrase(self) -> Text:
        """Words side by side: one text, with the spaces between them as typed."""
        first = last = self._take()
        while self._at(Kind.WORD):
            last = self._take()
        return Text(self.text[first.start : last.end])

    def _field(self, token: Token) -> Field:
        assert isinstance(token.value, tuple)
        return Field(token.value, token.text)

    def _compare(self, subject: Field | Channel) -> Compare:
        left = self.tokens[self.i - 1]
        op = self._peek()
        if op is None or op.kind is not Kind.OP:
            at = op.start if op is not None else len(self.text)
            raise FilterError(f"expected = != > >= < <= or ~ after {left.text}", at)
        self._take()
        token = self._peek()
        if token is None or token.kind not in _VALUE_KINDS:
            if token is not None and token.kind is Kind.BAD:
                raise FilterError(token.text, token.start)
            at = token.start if token is not None else len(self.text)
            raise FilterError(f"expected a value after {op.text}", at)
        self._take()
        literal = self._literal(op, token)
        if isinstance(subject, Channel) and literal.bare is None and type(literal.value) is not str:
            raise FilterError("channel is compared with text", token.start)
        return Compare(subject, op.text, literal)

    def _literal(self, op: Token, token: Token) -> Literal:
        bare = token.text if token.kind is Kind.BARE else None
        if op.text == "~":
            if token.kind is Kind.REGEX:
                return Literal(token.value, None, compile_regex(str(token.value), token.start + 1))
            source = bare if bare is not None else token.value
            if not isinstance(source, str):
                raise FilterError("~ takes a /regex/ or text", token.start)
            offset = token.start if bare is not None else token.start + 1
            return Literal(source, bare, compile_regex(source, offset))
        value = token.value
        if op.text in _ORDERING and not (isinstance(value, str) or type(value) in (int, float)):
            raise FilterError(f"{op.text} compares numbers or text", token.start)
        return Literal(value, bare)

    def _unexpected(self, token: Token, expected: str) -> FilterError:
        if token.kind is Kind.BAD:
            return FilterError(token.text, token.start)
        hint = ""
        if token.kind in (Kind.WORD, Kind.NOT, Kind.STRING, Kind.REGEX):
            hint = "; quote text to search for it as typed"
        return FilterError(f"unexpected '{token.text}': {expected}{hint}", token.start)
