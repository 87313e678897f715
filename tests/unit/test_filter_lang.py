"""The filter language: parsing, precedence, errors with positions, and evaluation on payloads
that are JSON, are not, or lack the field."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from psycopg.pq import PGnotify

from pgtail.core import filter_eval
from pgtail.core.filter_lang import Filter, FilterError, describe_error, parse_filter
from pgtail.core.filter_syntax import (
    And,
    Channel,
    Compare,
    Field,
    Has,
    Literal,
    Not,
    Or,
    Pattern,
    Text,
)
from pgtail.core.models import Notification, NotificationBatch


def _n(payload: str, channel: str = "orders") -> Notification:
    return Notification(channel, payload, 1, 1_700_000_000.0)


def _parse(text: str) -> Filter:
    f = parse_filter(text)
    assert f is not None
    return f


def _matches(text: str, payload: str, channel: str = "orders") -> bool:
    return _parse(text).matches(_n(payload, channel))


# ---- parsing ------------------------------------------------------------------------------------


def test_the_examples_parse_to_their_trees() -> None:
    assert _parse(".status = paid").node == Compare(
        Field(("status",), ".status"), "=", Literal("paid", "paid")
    )
    assert _parse(".id > 1040").node == Compare(Field(("id",), ".id"), ">", Literal(1040, "1040"))
    node = _parse(".user.name ~ /^al/").node
    assert isinstance(node, Compare) and node.subject == Field(("user", "name"), ".user.name")
    assert node.literal.regex is not None and node.literal.regex.pattern == "^al"
    assert _parse('.items[0].sku = "A-1"').node == Compare(
        Field(("items", 0, "sku"), ".items[0].sku"), "=", Literal("A-1")
    )
    assert _parse("has .error").node == Has(Field(("error",), ".error"))
    assert _parse("channel = orders").node == Compare(Channel(), "=", Literal("orders", "orders"))
    node = _parse("channel ~ /^jobs:/").node
    assert isinstance(node, Compare) and node.subject == Channel() and node.op == "~"


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        (".a.b.c", ("a", "b", "c")),
        (".a[0][-1]", ("a", 0, -1)),
        (".[2]", (2,)),
        ('."odd key".x', ("odd key", "x")),
        ('.a["b c"]', ("a", "b c")),
        (".user-id", ("user-id",)),
        (".名前", ("名前",)),
        (".a_1.$b", ("a_1", "$b")),
    ],
)
def test_field_paths(text: str, steps: tuple[object, ...]) -> None:
    node = _parse(f"has {text}").node
    assert node == Has(Field(steps, text))  # type: ignore[arg-type]


def test_values_are_json_literals_or_bare_words() -> None:
    def literal(text: str) -> Literal:
        node = _parse(f".x = {text}").node
        assert isinstance(node, Compare)
        return node.literal

    assert literal("1041") == Literal(1041, "1041")
    assert literal("-2.5e3") == Literal(-2500.0, "-2.5e3")
    assert literal("true") == Literal(True, "true")
    assert literal("null") == Literal(None, "null")
    assert literal('"1041"') == Literal("1041")
    assert literal('"a \\" b"') == Literal('a " b')
    assert literal("[1, 2]") == Literal([1, 2])
    assert literal('{"a": 1}') == Literal({"a": 1})
    assert literal("paid") == Literal("paid", "paid")
    assert literal("10abc") == Literal("10abc", "10abc")
    assert literal("and") == Literal("and", "and")  # a value, not the keyword


def test_operators_with_and_without_spaces() -> None:
    for op in ["=", "!=", ">", ">=", "<", "<=", "~"]:
        spaced = _parse(f".id {op} 5").node
        tight = _parse(f".id{op}5").node
        assert isinstance(spaced, Compare) and spaced.op == op
        assert isinstance(tight, Compare) and tight.op == op
    assert _parse("channel=orders").node == Compare(Channel(), "=", Literal("orders", "orders"))


def test_precedence_not_then_and_then_or() -> None:
    a, b, c = Text("a"), Text("b"), Text("c")
    assert _parse("a or b and c").node == Or((a, And((b, c))))
    assert _parse("a and b or c").node == Or((And((a, b)), c))
    assert _parse("not a and b").node == And((Not(a), b))
    assert _parse("not not a").node == Not(Not(a))
    assert _parse("(a or b) and c").node == And((Or((a, b)), c))
    assert _parse("a or b or c").node == Or((a, b, c))
    assert _parse("not (a or b)").node == Not(Or((a, b)))


def test_words_side_by_side_are_one_text_with_their_spaces() -> None:
    assert _parse("error and user  42").node == And((Text("error"), Text("user  42")))
    assert _parse('"rock and roll" or jazz').node == Or((Text("rock and roll"), Text("jazz")))


def test_text_without_the_language_is_searched_for_as_typed() -> None:
    for text in [
        "apple pie",
        '"id": 7',
        "a = b",
        "id=5",
        "/api/v1",
        "/abc",
        "a/b",
        "foo(1)",
        "error (timeout)",
        "[",
        "user has left",
        "my channel = x",
        ".5 off",
        " padded ",
        'say "hi',
        "/ab/ cd",
    ]:
        assert _parse(text).node == Text(text), text


def test_regex_as_the_whole_text_or_a_term() -> None:
    for text, source in [
        ("/^ba|veg$/", "^ba|veg$"),
        ("//", ""),
        ("/a b/", "a b"),
        ("/a/b/", "a/b"),
    ]:
        node = _parse(text).node
        assert isinstance(node, Pattern) and node.regex.pattern == source
    node = _parse(r"/err/ or /a\/b/").node
    assert isinstance(node, Or)
    assert [p.regex.pattern for p in node.nodes if isinstance(p, Pattern)] == ["err", r"a\/b"]


def test_has_and_channel_are_words_where_they_are_not_keywords() -> None:
    assert _parse("has and channel").node == And((Text("has"), Text("channel")))


# ---- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset", "reason"),
    [
        (".status", 7, "expected = != > >= < <= or ~ after .status"),
        (".status =", 9, "expected a value after ="),
        (".status = )", 10, "expected a value after ="),
        (".a = 1 and", 10, "expected a condition after and"),
        ("(a or b", 0, "this ( is never closed"),
        ("a or b)", 6, "unexpected ')': expected and, or, or the end"),
        ("(.a = 1 .b = 2)", 8, "unexpected '.b': expected and, or, or )"),
        (
            "user not found",
            5,
            "unexpected 'not': expected and, or, or the end; quote text to search for it as typed",
        ),
        ("not", 3, "expected a condition after not"),
        ("() or a", 1, "unexpected ')': expected a condition"),
        ("= 5 or a", 0, "= needs a .field or channel on its left"),
        (".a > true", 5, "> compares numbers or text"),
        (".a < [1]", 5, "< compares numbers or text"),
        (".a ~ [1]", 5, "~ takes a /regex/ or text"),
        ("channel = [1]", 10, "channel is compared with text"),
        (".a ~ /x(/", 7, "invalid regular expression: missing ), unterminated subpattern"),
        (".a ~ /abc", 5, "this /regex/ has no closing /"),
        ('.a = "abc', 5, "unterminated string in the quoted text"),
        (".a = [1, 2", 5, "this JSON value is not complete or not valid"),
        (".a[x] = 1", 2, 'expected [number] or ["key"] in a field'),
        (".a. = 1", 3, "expected a field name after ."),
        ("/[/", 1, "invalid regular expression: unterminated character set"),
        ("/a{2,1}/", 3, "invalid regular expression: min repeat greater than max repeat"),
        ("a or /(/", 6, "invalid regular expression: missing ), unterminated subpattern"),
    ],
)
def test_errors_say_what_and_where(text: str, offset: int, reason: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter(text)
    assert (caught.value.offset, caught.value.reason) == (offset, reason)
    assert str(caught.value) == f"column {offset + 1}: {reason}"


def test_a_filter_error_is_a_value_error_and_points_with_a_caret() -> None:
    with pytest.raises(ValueError, match="column 10: expected a value after =") as caught:
        parse_filter(".status =")
    assert isinstance(caught.value, FilterError)
    assert describe_error(".status =", caught.value).splitlines() == [
        "column 10: expected a value after =",
        "  .status =",
        "           ^",
    ]


def test_the_caret_counts_wide_characters_and_shows_controls_as_one_cell() -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter('.名前 = "\x1b')
    assert describe_error('.名前 = "\x1b', caught.value).splitlines()[1:] == [
        '  .名前 = "␛',
        "          ^",
    ]


def test_empty_text_is_no_filter() -> None:
    assert parse_filter("") is None


# ---- evaluation ---------------------------------------------------------------------------------

ORDER = '{"id": 1041, "status": "paid", "user": {"name": "alice"}, "items": [{"sku": "A-1"}]}'


@pytest.mark.parametrize(
    ("text", "payload", "expected"),
    [
        (".status = paid", ORDER, True),
        (".status = new", ORDER, False),
        (".status != new", ORDER, True),
        (".id > 1040", ORDER, True),
        (".id >= 1041", ORDER, True),
        (".id < 1041", ORDER, False),
        (".id <= 1041.0", ORDER, True),
        (".id = 1041", ORDER, True),
        (".id = 1041.0", ORDER, True),
        (".user.name ~ /^al/", ORDER, True),
        (".user.name ~ ^bo", ORDER, False),
        ('.items[0].sku = "A-1"', ORDER, True),
        (".items[-1].sku = A-1", ORDER, True),
        (".items[1].sku = A-1", ORDER, False),
        ("has .user.name", ORDER, True),
        ("has .user.age", ORDER, False),
        ("has .error", '{"error": null}', True),
        (".error = null", '{"error": null}', True),
        (".ok = true", '{"ok": true}', True),
        (".ok = 1", '{"ok": true}', False),
        (".n = true", '{"n": 1}', False),
        (".tags = [1, 2]", '{"tags": [1, 2.0]}', True),
        (".tags = [1, 2]", '{"tags": [1, true]}', False),
        (".id ~ /^10/", ORDER, True),
        (".user ~ /alice/", ORDER, False),  # objects are not text
        ("channel = orders", ORDER, True),
        ("channel != orders", ORDER, False),
        ("channel ~ /^ord/", ORDER, True),
        ("channel > ora", ORDER, True),
        (".status = paid and channel = orders", ORDER, True),
        (".status = paid and not has .error", ORDER, True),
        (".status = new or alice", ORDER, True),
        (".[0] = 1", "[1, 2]", True),
        (".a = 1", '  \n {"a": 1}', True),
    ],
)
def test_field_predicates(text: str, payload: str, expected: bool) -> None:
    assert _matches(text, payload) is expected


def test_numbers_compare_as_numbers_and_text_as_text() -> None:
    assert _matches(".n > 9", '{"n": 10}')  # as text, "10" < "9"
    assert not _matches(".n > 9", '{"n": "10"}')  # a number against text: no match
    assert _matches('.n > "9"', '{"n": "a"}')
    assert not _matches('.n > "9"', '{"n": 10}')
    assert _matches(".n = 10", '{"n": "10"}')  # a bare 10 is also the text "10"
    assert not _matches('.n = "10"', '{"n": 10}')  # a quoted "10" is text only
    assert _matches(".day >= 2024-03-01", '{"day": "2024-03-02"}')  # ISO dates order as text
    assert not _matches(".n = 1e400", '{"n": "x"}')  # inf: compares, matches nothing here


@pytest.mark.parametrize(
    "payload",
    ["", "plain text", "1041", '"paid"', "null", "{not json", '{"id": 1041', "[1, 2", "{}", "[]"],
)
def test_payloads_without_the_field_never_match_a_field_predicate(payload: str) -> None:
    for text in [".id = 1041", ".id != 1041", ".status ~ /./", "has .id", ".id > 0", ".id < 0"]:
        assert not _matches(text, payload), (text, payload)
    # ...so their negation does.
    assert _matches("not has .id", payload)


def test_wrong_shapes_along_a_path_never_match() -> None:
    assert not _matches(".a.b = 1", '{"a": [1]}')
    assert not _matches(".a[0] = 1", '{"a": {"0": 1}}')
    assert not _matches(".a[5] = 1", '{"a": [1]}')
    assert not _matches(".a.b = 1", '{"a": "b"}')


def test_text_and_regex_match_channel_or_payload_separately() -> None:
    assert _matches("ord", "x", "orders")
    assert _matches("new order", "a new order", "x")
    assert not _matches("ab", "b", "a")
    assert _matches("/^orders$/", "x", "orders")
    assert not _matches("/(?i)ORDER/ and not x", "x", "orders")
    assert _matches("/(?i)ORDER/ and not y", "x", "orders")


def test_a_payload_is_parsed_once_per_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    f = _parse(".a = 1 and has .b and .c ~ /x/ and .d != 2")
    payload = '{"a": 1, "b": 0, "c": "x", "d": 3, "unique": "' + str(id(f)) + '"}'
    scans: list[str] = []
    scan = filter_eval._scan

    def counting(text: str, start: int) -> tuple[object, int]:
        scans.append(text)
        return scan(text, start)

    monkeypatch.setattr(filter_eval, "_scan", counting)
    assert f.matches(_n(payload))
    assert scans == [payload]
    # Evaluated again (a view re-filtering its lines), it is not parsed again.
    assert f.matches(_n(payload))
    assert scans == [payload]
    # Pipe mode's path: once per notification, however many fields the filter reads.
    raw = [PGnotify(b"orders", 1, payload.encode()), PGnotify(b"orders", 2, b'{"a": 2}')]
    kept = f.select_batch(NotificationBatch(raw=raw, received=1.0))
    assert [n.be_pid for n in kept.raw] == [1]
    assert scans == [payload, payload, '{"a": 2}']


def test_text_only_filters_never_parse_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filter_eval, "_scan", None)  # would raise if called
    assert _parse("paid or /x/ or channel = orders").matches(_n('{"status": "paid", "k": 9}'))
    # Nor do field filters, for payloads that cannot hold the field.
    assert not _parse(".status = paid").matches(_n('{"state": "paid"}'))
    assert not _parse("has .a").matches(_n("[1, 2]"))


def test_select_keeps_order() -> None:
    items = [_n(json.dumps({"id": i})) for i in range(10)]
    assert [json.loads(n.payload)["id"] for n in _parse(".id >= 7").select(items)] == [7, 8, 9]


# ---- marks --------------------------------------------------------------------------------------


def test_marks_are_the_texts_patterns_and_field_keys_to_look_at() -> None:
    line = '{"status": "paid", "id": 12} paid'
    assert _parse("paid").marks(line) == [(12, 16), (29, 33)]
    assert _parse('/"i./').marks(line) == [(19, 22)]
    assert _parse(".status = paid").marks(line) == [(1, 9)]
    assert _parse(".status = paid or /st/").marks(line) == [(1, 9)]  # merged
    assert _parse("not paid and .id > 1").marks(line) == [(19, 23)]  # not "paid"
    assert _parse("//").marks(line) == []


# ---- never raises ------------------------------------------------------------------------------

FILTERS = [
    ".status = paid",
    ".id > 1040",
    ".id <= -1.5",
    ".user.name ~ /^al/",
    '.items[0].sku = "A-1"',
    ".a[-1][0].b != null",
    ".x = [1, {}]",
    "has .error",
    "channel ~ /^jobs:/ or not has .a.b",
    ".n ~ /1/ and x",
    "/./",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.text() | json_values.map(json.dumps) | st.text(alphabet='{}[]":,0123456789ae ', max_size=30)
)
@example("[" * 100_000)
@example('{"id": ' + "9" * 5000 + "}")
@example("\x00\udcff")
def test_evaluation_never_raises_on_any_payload(payload: str) -> None:
    for text in FILTERS:
        f = _parse(text)
        assert f.matches(_n(payload, payload[:5])) in (True, False)
        f.marks(payload)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet='.ab[]0-1"\\/()=!<>~ andorthsc\tlé', max_size=24) | st.text(max_size=12))
def test_parsing_raises_only_filter_errors_that_point_into_the_text(text: str) -> None:
    try:
        f = parse_filter(text)
    except FilterError as exc:
        assert 0 <= exc.offset <= len(text)
        return
    if f is not None:
        assert f.matches(_n('{"a": {"b": [1]}}')) in (True, False)
        assert f.matches(_n(text)) in (True, False)


def test_regex_special_text_in_values_is_literal_for_equality() -> None:
    assert _matches(".p = a.b*", '{"p": "a.b*"}')
    assert not _matches(".p = a.b*", '{"p": "axbbb"}')
    assert re.escape("a.b*") != "a.b*"
