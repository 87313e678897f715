"""The filter language: what ``/`` in the UI and ``--filter`` take.

Plain text is searched for as typed in the channel or the payload, and ``/regex/`` is a regular
expression, as they always were. Text that uses a field (``.status = paid``, ``has .error``),
``channel =``, ``and`` / ``or`` / ``not``, or starts with ``(``, is an expression instead::

    .status = paid and .id > 1040
    channel ~ /^jobs:/ or (has .error and not .retry = true)
    timeout and .user.name ~ /^al/

In an expression, bare words are searched for as text (``user 42`` as written, spaces included),
and so is ``"quoted text"``; ``not`` binds tighter than ``and``, which binds tighter than ``or``.
Values are JSON literals or bare words; numbers compare as numbers, text as text. A field
predicate never matches a payload that is not JSON or lacks the field.

Tokens in :mod:`~pgtail.core.filter_tokens`, the tree and parser in
:mod:`~pgtail.core.filter_syntax`, what terms mean in :mod:`~pgtail.core.filter_eval`, and one
compiled function per filter from :mod:`~pgtail.core.filter_compile`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pgtail.core.filter_compile import Predicate, RawSelect, RawSelector, compile_test
from pgtail.core.filter_eval import marker
from pgtail.core.filter_syntax import FilterError, Node, parse
from pgtail.core.models import Notification, NotificationBatch
from pgtail.core.text import placeholders

__all__ = ["Filter", "FilterError", "describe_error", "parse_filter"]


@dataclass(frozen=True)
class Filter:
    """A parsed filter: the text the user wrote, its tree, and its compiled test."""

    text: str
    node: Node
    test: Predicate = field(compare=False, repr=False)
    """True when a notification with this channel and payload passes; never raises."""
    marks: Callable[[str], list[tuple[int, int]]] = field(compare=False, repr=False)
    """Where the filter's text and patterns (and the keys of its fields) occur in a shown line:
    ``(start, end)`` offsets, sorted and not overlapping."""
    select_raw: RawSelect = field(compare=False, repr=False)

    def matches(self, n: Notification) -> bool:
        return self.test(n.channel, n.payload)

    def select(self, items: Iterable[Notification]) -> list[Notification]:
        """The notifications that pass, in order."""
        test = self.test
        return [n for n in items if test(n.channel, n.payload)]

    def select_batch(self, batch: NotificationBatch) -> NotificationBatch:
        """The notifications of *batch* that pass, as a batch.

        A batch still in libpq's bytes stays so: each payload is decoded for the test only (and
        only when its channel leaves the answer open), without a :class:`Notification` per line,
        and what passes is still formatted straight from its bytes
        (:func:`pgtail.core.formats.format_json_batch`).
        """
        if batch.decoded:
            return NotificationBatch(self.select(batch.items))
        codec = batch.codec
        names = {name: name.decode(codec, "replace") for name in {n.relname for n in batch.raw}}
        kept = self.select_raw(batch.raw, names, codec)
        if len(kept) == len(batch.raw):
            return batch
        return NotificationBatch(raw=list(kept), codec=codec, received=batch.received)


def parse_filter(text: str) -> Filter | None:
    """The filter for *text* (None for empty text). Raises :class:`FilterError`."""
    if not text:
        return None
    node = parse(text)
    return Filter(text, node, compile_test(node), marker(node), RawSelector(node))


def describe_error(text: str, exc: FilterError) -> str:
    """The error, then the filter with a caret under the problem (for a terminal)."""
    shown = placeholders(text)
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in shown[: exc.offset])
    return f"{exc}\n  {shown}\n  {' ' * width}^"
