"""The values of chosen fields in a JSON payload, and what is left of the payload without them.

A column shows what was sent: a string as its text, a number as written (``10.50``, ``1e3`` and
``12345678901234567890`` stay so), ``true``, ``false`` and ``null`` as such, an object or array as
compact JSON. The payload column beside the columns shows the rest: the JSON without the shown
fields (an object or array left empty by that goes too). A payload that is not JSON, or holds none
of the fields, is left whole. Nothing here raises on any payload; the text returned is not escaped
(callers do that, as for any payload).
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Sequence

from pgtail.core.filter_eval import MISSING, container_start, decode_at, lookup
from pgtail.core.filter_syntax import Field
from pgtail.core.filter_tokens import Step


class _Number(str):
    """A JSON number (or ``NaN``/``Infinity``, which Python's reader takes), as written."""

    __slots__ = ()


#: Numbers are kept as their text: a column shows ``10.50``, not ``10.5``.
_DECODER = json.JSONDecoder(parse_float=_Number, parse_int=_Number, parse_constant=_Number)
_scan: Callable[[str, int], tuple[object, int]] = json.scanner.make_scanner(
    _DECODER  # type: ignore[arg-type]
)


class _Gone:
    """Where a shown field was: left out of the rest."""


_GONE = _Gone()


def read_document(payload: str) -> object:
    """The payload's JSON object or array, numbers kept as written; MISSING otherwise."""
    start = container_start(payload)
    return MISSING if start < 0 else decode_at(payload, start, _scan)


def value_text(value: object) -> str | None:
    """A field's value as a column shows it; None for a missing field."""
    if value is MISSING:
        return None
    if type(value) is str:
        return value
    return _write(value)


def field_values(payload: str, fields: Sequence[Field]) -> tuple[str | None, ...]:
    """The value of each field in *payload* (None where it is missing, or not JSON)."""
    doc = read_document(payload)
    if doc is MISSING:
        return (None,) * len(fields)
    return tuple([value_text(lookup(doc, field.steps)) for field in fields])


def split_fields(payload: str, fields: Sequence[Field]) -> tuple[tuple[str | None, ...], str]:
    """The value of each field, and the payload without the fields found in it."""
    doc = read_document(payload)
    if doc is MISSING:
        return (None,) * len(fields), payload
    values = tuple(value_text(lookup(doc, field.steps)) for field in fields)
    if all(value is None for value in values):
        return values, payload
    for field in fields:
        _take_out(doc, field.steps)
    return values, _write(doc) or ""


def _take_out(doc: object, steps: tuple[Step, ...]) -> None:
    """Mark the value at *steps* as gone (marked, not deleted: a later path may count array
    items as they were)."""
    if not steps:
        return
    parent = lookup(doc, steps[:-1])
    last = steps[-1]
    if type(parent) is dict and isinstance(last, str):
        if last in parent:
            parent[last] = _GONE
    elif type(parent) is list and isinstance(last, int) and -len(parent) <= last < len(parent):
        parent[last] = _GONE


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _write(node: object) -> str:
    """Compact JSON for *node*; the empty string for what is gone (or left empty by that)."""
    if isinstance(node, _Number):
        return str(node)
    if isinstance(node, str):
        return _string(node)
    if node is True or node is False or node is None:
        return json.dumps(node)
    if isinstance(node, dict):
        parts = [f"{_string(k)}: {text}" for k, v in node.items() if (text := _write(v))]
        return "{" + ", ".join(parts) + "}" if parts or not node else ""
    if isinstance(node, list):
        parts = [text for item in node if (text := _write(item))]
        return "[" + ", ".join(parts) + "]" if parts or not node else ""
    return ""  # _GONE
