"""What a filter's terms mean on a payload: its JSON, a field's value, comparisons, and marks.

A payload's JSON is parsed only when a field predicate asks for it, only when it can hold fields
(it starts with ``{`` or ``[``), and through a small cache keyed by the payload text: the
predicates of one evaluation, and a view re-filtering the lines it holds at each keystroke, parse
a payload once. Nothing here raises on any payload. :mod:`pgtail.core.filter_compile` puts the
terms together into one function per filter.
"""

from __future__ import annotations

import functools
import json
import json.scanner
import operator
import re
from collections.abc import Callable
from typing import Any

from pgtail.core.filter_syntax import (
    And,
    Compare,
    Field,
    Has,
    Literal,
    Node,
    Or,
    Pattern,
    Text,
)
from pgtail.core.filter_tokens import Step

ValueTest = Callable[[object], bool]


class _Missing:
    """Not JSON, or no such field."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: object = _Missing()

_JSON_SPACE = " \t\r\n"
#: Parsed payloads kept for re-filtering; about a screenful of scrollback's worth of recent ones.
CACHE_SIZE = 4096
#: The json module's own scanner (its C one), called without json.loads's wrapping.
_scan: Callable[[str, int], tuple[object, int]] = json.scanner.make_scanner(
    json.JSONDecoder()  # type: ignore[arg-type]
)


def document(payload: str) -> object:
    """The payload's JSON when it is an object or an array; :data:`MISSING` otherwise."""
    start = container_start(payload)
    return MISSING if start < 0 else decode_at(payload, start)


def cached_document(payload: str) -> object:
    """:func:`document`, remembered for the last :data:`CACHE_SIZE` payloads seen: for a view
    that filters the same lines again at each keystroke."""
    start = container_start(payload)
    return MISSING if start < 0 else _decode_cached(payload, start)


def container_start(payload: str) -> int:
    """Where the payload's object or array starts, or -1 when it cannot be one."""
    head = payload[:1]
    if head == "{" or head == "[":
        return 0
    if not head or head not in _JSON_SPACE:
        return -1
    start = len(payload) - len(payload.lstrip(_JSON_SPACE))
    return start if payload[start : start + 1] in ("{", "[") else -1


def decode_at(
    payload: str, start: int, scan: Callable[[str, int], tuple[object, int]] | None = None
) -> object:
    """The JSON value at *start*, if the rest is only whitespace (what json.loads accepts), read
    by *scan* (a scanner of the json module; this module's by default); :data:`MISSING`
    otherwise."""
    try:
        value, end = (scan or _scan)(payload, start)
    except (StopIteration, ValueError, RecursionError):
        return MISSING
    if end != len(payload) and payload[end:].strip(_JSON_SPACE):
        return MISSING
    return value


_decode_cached = functools.lru_cache(maxsize=CACHE_SIZE)(decode_at)


def value_text(op: str, literal: Literal) -> str | None:
    """Text that a payload holds, as written, when a field in it ``= literal`` (and the payload
    has no backslash): a string's JSON form, or ``true``, ``false``, ``null``. None for numbers,
    which JSON can write several ways (``1041``, ``1.041e3``)."""
    value = literal.value
    if op != "=" or is_number(value) or isinstance(value, list | dict):
        return None
    if isinstance(value, str):
        # A bare word is also its text ("1041"), but then its value is a number: not here.
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)  # true, false, null: also inside the string a bare word matches


def quoted_key(steps: tuple[Step, ...]) -> str | None:
    """The first key of *steps* as a JSON string, when it starts with one.

    A key that is in an object is in its text as that JSON string, or written otherwise
    (``"\\u0061"``) only with a backslash. So a payload holding neither lacks the field: two
    substring searches tell that far sooner than parsing the payload.
    """
    first = steps[0] if steps else None
    return json.dumps(first, ensure_ascii=False) if isinstance(first, str) else None


def lookup(doc: object, steps: tuple[Step, ...]) -> object:
    """The value at *steps* in *doc*, or :data:`MISSING`."""
    for step in steps:
        if isinstance(step, str):
            if type(doc) is not dict:
                return MISSING
            doc = doc.get(step, MISSING)
            if doc is MISSING:
                return MISSING
        else:
            if type(doc) is not list:
                return MISSING
            try:
                doc = doc[step]
            except IndexError:
                return MISSING
    return doc


def is_number(value: object) -> bool:
    # JSON gives int and float; bool is an int to Python but not a number here.
    return type(value) is int or type(value) is float


def json_equal(a: object, b: object) -> bool:
    """Equality of JSON values: numbers by value (1 = 1.0), true is not 1."""
    if is_number(a) and is_number(b):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return a == b


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def value_test(op: str, literal: Literal) -> ValueTest:
    """The test of a field's value for ``op literal``; false for :data:`MISSING`."""
    value, bare = literal.value, literal.bare
    if op == "~":
        assert literal.regex is not None
        search = literal.regex.search

        def matches(v: object) -> bool:
            if type(v) is str:
                return search(v) is not None
            if v is None or type(v) in (bool, int, float):
                return search(json.dumps(v)) is not None
            return False

        return matches
    if op in _ORDER:
        order = _ORDER[op]
        if is_number(value):
            return lambda v: is_number(v) and order(v, value)
        return lambda v: type(v) is str and order(v, value)
    equal = _equal_test(value, bare)
    if op == "!=":
        return lambda v: v is not MISSING and not equal(v)
    return equal


def _equal_test(value: object, bare: str | None) -> ValueTest:
    if is_number(value):
        if bare is not None:
            # A bare 1041 is the number, and also the text "1041".
            return lambda v: (is_number(v) and v == value) or v == bare
        return lambda v: is_number(v) and v == value
    if type(value) is str:
        return lambda v: type(v) is str and v == value
    if value is None or type(value) is bool:
        if bare is not None:
            return lambda v: v is value or (type(v) is str and v == bare)
        return lambda v: v is value
    return lambda v: json_equal(v, value)


# ---- what to highlight --------------------------------------------------------------------------

#: At most this many marks per line: enough to see, bounded for pathological payloads.
MAX_MARKS = 64


def marker(node: Node) -> Callable[[str], list[tuple[int, int]]]:
    """Where *node*'s wanted text occurs in a shown line: its texts, its patterns, and the quoted
    keys its fields end in. Parts under ``not`` are not marked (they are absent)."""
    needles: list[str] = []
    patterns: list[re.Pattern[str]] = []
    _collect(node, needles, patterns)
    needles = [n for n in dict.fromkeys(needles) if n]

    def marks(text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for needle in needles:
            start = text.find(needle)
            while start >= 0 and len(spans) < MAX_MARKS:
                spans.append((start, start + len(needle)))
                start = text.find(needle, start + len(needle))
        for pattern in patterns:
            for match in pattern.finditer(text):
                if len(spans) >= MAX_MARKS:
                    break
                if match.end() > match.start():
                    spans.append(match.span())
        return _merge(spans)

    return marks


def _collect(node: Node, needles: list[str], patterns: list[re.Pattern[str]]) -> None:
    if isinstance(node, Text):
        needles.append(node.needle)
    elif isinstance(node, Pattern):
        patterns.append(node.regex)
    elif isinstance(node, Compare | Has):
        subject = node.subject if isinstance(node, Compare) else node.field
        if isinstance(subject, Field):
            keys = [step for step in subject.steps if isinstance(step, str)]
            if keys:
                needles.append(json.dumps(keys[-1], ensure_ascii=False))
    elif isinstance(node, And | Or):
        for child in node.nodes:
            _collect(child, needles, patterns)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
