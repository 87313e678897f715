"""A filter's tree compiled into plain Python functions, for floods.

Evaluated as nested closures, a filter of three terms costs a dozen Python calls per notification,
and pipe mode with ``--filter`` would spend more time filtering than receiving. Two things make it
cheap instead:

- The tree is written out as one Python expression and compiled once, the way :mod:`dataclasses`
  and :func:`collections.namedtuple` build their methods. The source holds only names made here
  (``k0``, ``k1``...), Python's operators and keywords: every value from the filter text (words,
  regexes, field paths) is bound to such a name in the function's namespace, never written into
  the source, so no filter text is ever read as code.
- A flood comes on a few channels. For each channel the tree is first simplified with what the
  channel alone decides (``channel = orders``, a text found in the channel's name): often the
  answer is known without looking at any payload, and otherwise what remains reads the payload
  only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from pgtail.core.filter_eval import (
    MISSING,
    cached_document,
    document,
    lookup,
    quoted_key,
    value_test,
    value_text,
)
from pgtail.core.filter_syntax import (
    And,
    Channel,
    Compare,
    FilterError,
    Has,
    Node,
    Not,
    Or,
    Pattern,
    Text,
)
from pgtail.core.filter_tokens import Step
from pgtail.core.models import RawNotify

Predicate = Callable[[str, str], bool]
"""A test of a notification's channel and payload."""
PayloadTest = Callable[[str], bool]
"""A test of a payload, for notifications on one channel."""
PayloadSelect = Callable[[Sequence[RawNotify], str], list[RawNotify]]
"""The raw notifications (on one channel) that pass, given the payload codec."""
RawSelect = Callable[[Sequence[RawNotify], dict[bytes, str], str], Sequence[RawNotify]]
"""The raw notifications that pass, given their channels' names decoded and the payload codec."""

#: Channel comparisons as Python operators; the filter's operator picks one, never writes one.
_CHANNEL_OPS = {"=": "==", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
#: Payload tests kept per channel name; more channels than this start the cache afresh.
MAX_CHANNELS = 256


#: One payload test, and the same test as a loop over raw notifications.
_PAYLOAD_SOURCE = """\
def test(payload):
    {reset}
    return {expr}

def select(raw, codec):
    kept = []
    keep = kept.append
    for n in raw:
        payload = n.extra.decode(codec, "replace")
        {reset}
        if {expr}:
            keep(n)
    return kept
"""
#: The payload's JSON in a payload filter: parsed at the first field that asks, kept in ``doc``
#: for the next (``UNPARSED`` is never a JSON value, so a parse that found none is kept too).
_LAZY_DOCUMENT = "(doc if doc is not UNPARSED else (doc := document(payload)))"
_UNPARSED = object()


class PayloadFilter:
    """A filter simplified for one channel (:func:`specialize`), compiled: it reads payloads
    only."""

    def __init__(self, node: Node) -> None:
        namespace = _compile(_PAYLOAD_SOURCE, node, payload_only=True)
        self.test = cast(PayloadTest, namespace["test"])
        self.select = cast(PayloadSelect, namespace["select"])
        """The raw notifications (all on the channel) whose payload, decoded, passes."""


def compile_test(node: Node) -> Predicate:
    """The test of a notification's channel and payload for *node*."""
    source = "def test(channel, payload):\n    return {expr}\n"
    return cast(Predicate, _compile(source, node, payload_only=False)["test"])


def _compile(source: str, node: Node, *, payload_only: bool) -> dict[str, object]:
    names: dict[str, object] = {
        "MISSING": MISSING,
        "UNPARSED": _UNPARSED,
        "lookup": lookup,
        "document": document,
        "cached_document": cached_document,
    }
    expr = _expression(node, names, payload_only)
    namespace: dict[str, object] = {"__builtins__": {}, **names}
    try:
        # ``doc`` starts unparsed for each payload, when the filter reads fields at all.
        reset = "doc = UNPARSED" if _LAZY_DOCUMENT in expr else "pass"
        exec(source.format(expr=expr, reset=reset), namespace)
    except (SyntaxError, RecursionError, MemoryError):
        # Only for sizes the parser lets through and Python's compiler does not.
        raise FilterError("this filter is too large", 0) from None
    return namespace


def _expression(node: Node, names: dict[str, object], payload_only: bool) -> str:
    """*node* as a Python expression; *payload_only*: its texts and patterns are known not to be
    in the channel (see :func:`specialize`), and it has no channel comparison."""

    # One parse per evaluation: kept in a local by payload filters (one notification after
    # another), or remembered by payload for a view that filters the same lines again.
    doc = _LAZY_DOCUMENT if payload_only else "cached_document(payload)"

    def bind(value: object) -> str:
        name = f"k{len(names)}"
        names[name] = value
        return name

    if isinstance(node, Text):
        k = bind(node.needle)
        return f"({k} in payload)" if payload_only else f"({k} in channel or {k} in payload)"
    if isinstance(node, Pattern):
        search = bind(node.regex.search)
        if payload_only:
            return f"({search}(payload) is not None)"
        return f"({search}(channel) is not None or {search}(payload) is not None)"
    if isinstance(node, Compare):
        literal = node.literal
        if isinstance(node.subject, Channel):
            assert not payload_only
            if node.op == "~":
                assert literal.regex is not None
                return f"({bind(literal.regex.search)}(channel) is not None)"
            text = literal.bare if literal.bare is not None else str(literal.value)
            return f"(channel {_CHANNEL_OPS[node.op]} {bind(text)})"
        value = f"lookup({doc}, {bind(node.subject.steps)})"
        guard = _guard(node.subject.steps, bind, value_text(node.op, literal))
        return f"({guard}{bind(value_test(node.op, literal))}({value}))"
    if isinstance(node, Has):
        value = f"lookup({doc}, {bind(node.field.steps)})"
        return f"({_guard(node.field.steps, bind)}{value} is not MISSING)"
    if isinstance(node, Not):
        return f"(not {_expression(node.node, names, payload_only)})"
    joiner = " and " if isinstance(node, And) else " or "
    return "(" + joiner.join(_expression(child, names, payload_only) for child in node.nodes) + ")"


def _guard(steps: tuple[Step, ...], bind: Callable[[object], str], text: str | None = None) -> str:
    """What rules a payload out before parsing it, and-ed in front: a payload without a backslash
    holds the field's first key (and the text *text* of the value sought) as written (see
    :func:`~pgtail.core.filter_eval.quoted_key`)."""
    needles = [needle for needle in (quoted_key(steps), text) if needle is not None]
    if not needles:
        return ""
    present = " and ".join(f"{bind(needle)} in payload" for needle in needles)
    return f"({present} or {bind(chr(92))} in payload) and "


def specialize(node: Node, channel: str) -> Node | bool:
    """*node* for notifications on *channel*: True or False when the channel decides, otherwise
    what is left to ask of the payload (its texts and patterns then are not in the channel)."""
    if isinstance(node, Text):
        return True if node.needle in channel else node
    if isinstance(node, Pattern):
        return True if node.regex.search(channel) is not None else node
    if isinstance(node, Compare) and isinstance(node.subject, Channel):
        return compile_test(node)(channel, "")
    if isinstance(node, Compare | Has):
        return node
    if isinstance(node, Not):
        inner = specialize(node.node, channel)
        return (not inner) if isinstance(inner, bool) else Not(inner)
    decisive = isinstance(node, Or)  # True decides an or, False an and
    rest: list[Node] = []
    for child in node.nodes:
        part = specialize(child, channel)
        if part is decisive:
            return decisive
        if not isinstance(part, bool):
            rest.append(part)
    if not rest:
        return not decisive
    if len(rest) == 1:
        return rest[0]
    return Or(tuple(rest)) if decisive else And(tuple(rest))


class RawSelector:
    """Selects raw notifications with a payload filter per channel (see :func:`specialize`)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._filters: dict[str, PayloadFilter | bool] = {}

    def for_channel(self, channel: str) -> PayloadFilter | bool:
        found = self._filters.get(channel)
        if found is None:
            if len(self._filters) >= MAX_CHANNELS:
                self._filters.clear()
            part = specialize(self.node, channel)
            found = part if isinstance(part, bool) else PayloadFilter(part)
            self._filters[channel] = found
        return found

    def __call__(
        self, raw: Sequence[RawNotify], names: dict[bytes, str], codec: str
    ) -> Sequence[RawNotify]:
        filters = {relname: self.for_channel(channel) for relname, channel in names.items()}
        distinct = set(filters.values())
        if distinct == {True}:
            return raw
        if distinct == {False}:
            return []
        if len(distinct) == 1:
            # One filter for the whole batch (usually: one channel): its own loop.
            (only,) = distinct
            assert isinstance(only, PayloadFilter)
            return only.select(raw, codec)
        kept = []
        for n in raw:
            found = filters[n.relname]
            if found is True or (
                found is not False and found.test(n.extra.decode(codec, "replace"))
            ):
                kept.append(n)
        return kept
