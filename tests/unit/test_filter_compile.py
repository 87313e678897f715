"""The compiled filter: simplified per channel, selecting raw notifications exactly as the
decoded ones would be selected, and never reading filter text as code."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.pq import PGnotify

from pgtail.core.filter_compile import specialize
from pgtail.core.filter_eval import lookup, value_test
from pgtail.core.filter_lang import Filter, FilterError, parse_filter
from pgtail.core.filter_syntax import MAX_DEPTH, And, Compare, Field, Literal, Not, Or, Text, parse
from pgtail.core.models import Notification, NotificationBatch


def _parse(text: str) -> Filter:
    f = parse_filter(text)
    assert f is not None
    return f


def test_the_channel_decides_what_it_can() -> None:
    assert specialize(parse("channel = orders and .id > 1"), "jobs") is False
    assert specialize(parse("channel = orders and .id > 1"), "orders") == Compare(
        Field(("id",), ".id"), ">", Literal(1, "1")
    )
    assert specialize(parse("channel = orders or .id > 1"), "orders") is True
    assert specialize(parse("ord or /^x/"), "orders") is True
    assert specialize(parse("ord and (jo or /^x/)"), "orders") == Or((Text("jo"), parse("/^x/")))
    assert specialize(parse("not channel ~ /^j/ and a and b"), "orders") == And(
        (Text("a"), Text("b"))
    )
    assert specialize(parse("not (jobs or ord)"), "jobs") is False
    assert specialize(parse("not has .a"), "x") == Not(parse("has .a"))


def test_a_channel_only_filter_reads_no_payload() -> None:
    f = _parse("channel = a or channel ~ /^b/")
    raw = [PGnotify(b"a", 1, b"\xff"), PGnotify(b"c", 2, b"x"), PGnotify(b"bb", 3, b"y")]
    batch = NotificationBatch(raw=raw, received=1.0)
    kept = f.select_batch(batch)
    assert not kept.decoded  # still bytes: formatted with the fast path
    assert [n.be_pid for n in kept.raw] == [1, 3]
    # Everything passing gives the batch back as it is.
    assert _parse("channel != z").select_batch(batch) is batch


def test_filter_text_is_never_code() -> None:
    for text in ['") or True or ("', "__import__('os')", "k0 or k1", ".a = k0 or payload"]:
        f = _parse(text)
        assert not f.matches(Notification("c", "payload", 1, 0.0)) or "payload" in text
    f = _parse('"\\") or True or (\\"" or channel = k1')
    assert not f.matches(Notification("c", "x", 1, 0.0))
    assert f.matches(Notification("k1", "x", 1, 0.0))


def test_escaped_keys_are_still_found() -> None:
    # The quick "key not in the text" check gives way to any backslash.
    assert _parse(".status = paid").matches(Notification("c", '{"st\\u0061tus": "paid"}', 1, 0))
    assert not _parse(".status = paid").matches(Notification("c", '{"state": "paid"}', 1, 0))


def test_nesting_is_bounded() -> None:
    assert _parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH).matches(Notification("a", "", 1, 0))
    with pytest.raises(FilterError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_filter("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(FilterError, match="nested more than"):
        parse_filter("not " * 5000 + "a")
    with pytest.raises(FilterError, match="nested more than"):
        parse_filter("(" * 100_000)
    # Long flat filters are fine.
    assert _parse(" or ".join(f".k{i} = {i}" for i in range(2000))).matches(
        Notification("c", '{"k1999": 1999}', 1, 0)
    )


FILTERS = [
    "channel = a and .id > 1",
    "channel ~ /^b/ or ab",
    "not a and (channel != c or .s = x)",
    "/é|\\d{2}/ or has .e",
    ".s = x or .s = y",
    "b",
]
payload_bytes = st.one_of(
    st.binary(max_size=12),
    st.sampled_from(
        [b'{"id": 2, "s": "x"}', b'{"id": 0}', b'{"e": null}', b"ab", "é12".encode(), b"\xff"]
    ),
)
raw_notifies = st.builds(
    PGnotify,
    st.sampled_from([b"a", b"b", b"c", b"ab", b"\xff"]),
    st.integers(1, 9),
    payload_bytes,
)


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(raw_notifies, max_size=10), st.sampled_from(["utf-8", "latin-1"]))
def test_raw_selection_equals_decoded_selection(raw: list[PGnotify], codec: str) -> None:
    for text in FILTERS:
        f = _parse(text)
        expected = f.select(NotificationBatch(raw=raw, codec=codec, received=1.0).items)
        selected = f.select_batch(NotificationBatch(raw=raw, codec=codec, received=1.0))
        assert selected.items == expected, text


keys = st.sampled_from(["a", "é", 'q"uote', "b\\s", "\u2028"])
values = st.one_of(
    st.sampled_from(["x", "é", "paid", 'q"', "\\", "true", "1", "/"]),
    st.sampled_from([True, False, None, 1, 1.0, -2, 1e3]),
)
documents = st.dictionaries(keys, values | st.dictionaries(keys, values, max_size=2), max_size=3)
LITERALS = ["x", '"é"', "paid", '"q\\""', '"\\\\"', "true", "null", "1", "1000", '"/"', "false"]


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(documents, st.booleans(), st.sampled_from(LITERALS), keys, st.sampled_from(["=", "!="]))
def test_the_quick_checks_before_parsing_change_no_answer(
    doc: dict[str, object], ascii_only: bool, literal: str, key: str, op: str
) -> None:
    """Payloads ruled out without parsing are exactly those a parse would rule out."""
    payload = json.dumps(doc, ensure_ascii=ascii_only)
    expr = f".{json.dumps(key)} {op} {literal}"
    node = parse(expr)
    assert isinstance(node, Compare) and isinstance(node.subject, Field)
    expected = value_test(node.op, node.literal)(lookup(json.loads(payload), node.subject.steps))
    f = _parse(expr)
    assert f.matches(Notification("c", payload, 1, 0)) is expected, (expr, payload)
    raw = [PGnotify(b"c", 1, payload.encode())]
    kept = f.select_batch(NotificationBatch(raw=raw, received=1.0))
    assert len(kept) == int(expected), (expr, payload)
