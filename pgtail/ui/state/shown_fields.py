"""What a log line shows of its payload when JSON fields are columns: each field's value, and
the rest of the payload, escaped for the screen.

Remembered for the last lines drawn: a frame redraws the same few dozen lines, and the log only
ever draws the lines on screen, so a flood parses no more payloads than fit the terminal.
No Textual here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pgtail.core.field_values import split_fields
from pgtail.core.filter_syntax import Field
from pgtail.core.text import escape

#: Payloads remembered with their fields: several screens' worth.
CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class ShownFields:
    values: tuple[str, ...]
    """Each field's value, escaped; empty where the field is missing (or not JSON)."""
    rest: str
    """The payload without those fields, escaped: the whole payload when it is not JSON or holds
    none of them."""


@functools.lru_cache(maxsize=CACHE_SIZE)
def shown_fields(payload: str, fields: tuple[Field, ...]) -> ShownFields:
    """*payload* split into *fields*' values and the rest."""
    values, rest = split_fields(payload, fields)
    return ShownFields(tuple("" if v is None else escape(v) for v in values), escape(rest))
