"""The detail view's JSON: re-indented token for token, validated against RFC 8259, and safe."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pgtail.core.models import MAX_PAYLOAD_BYTES
from pgtail.core.text import is_safe
from pgtail.ui.state.json_layout import KEY, NUMBER, PUNCT, SPACE, STRING, NotJson, layout, reindent
from pgtail.ui.state.payload_views import CONTROL, payload_form, plain_text

EXAMPLE = '{"amount": 10.50, "qty": 1.0, "a": 1, "a": 2, "f": 1e3, "s": "caf\\u00e9", "nan": NaN}'


def compact(text: str) -> str:
    """*text* without the whitespace between tokens."""
    # The layout writes a colon as ": "; only that punctuation is compacted, never a string.
    return "".join(
        piece.strip() if kind == PUNCT else piece for piece, kind in layout(text) if kind != SPACE
    )


# --------------------------------------------------------------------------- tokens unchanged


def test_every_token_is_kept_as_written() -> None:
    text = EXAMPLE.replace(', "nan": NaN', "")
    assert reindent(text) == (
        "{\n"
        '  "amount": 10.50,\n'
        '  "qty": 1.0,\n'
        '  "a": 1,\n'
        '  "a": 2,\n'
        '  "f": 1e3,\n'
        '  "s": "caf\\u00e9"\n'
        "}"
    )


@pytest.mark.parametrize(
    "number", ["0", "-0", "1E+2", "1e-2", "0.10", "-12.500e+010", "123456789012345678901234567890"]
)
def test_numbers_are_kept_as_written(number: str) -> None:
    assert reindent(f"[{number}]") == f"[\n  {number}\n]"
    assert reindent(number) == number
    assert ((number, NUMBER)) in layout(f'{{"n":{number}}}')


@pytest.mark.parametrize(
    "string",
    [
        r'""',
        r'"\""',
        r'"say \"hi\""',
        r'"back\\slash"',
        r'"\/\b\f\n\r\t"',
        r'"\u00e9\u00E9\ud83d\ude00"',
        r'"\ud800"',  # a lone surrogate escape is grammatical (RFC 8259 section 8.2)
        '"caf\u00e9 \U0001f600"',
        '"[@click=app.quit]x"',
        r'"\u001b[2J"',
    ],
)
def test_strings_are_kept_as_written(string: str) -> None:
    assert reindent(string) == string
    assert reindent(f"{{{string}: {string}}}") == f"{{\n  {string}: {string}\n}}"
    kinds = [kind for piece, kind in layout(f"[{string}, {{{string}: 1}}]") if piece == string]
    assert kinds == [STRING, KEY]


def test_nesting_and_empty_containers() -> None:
    text = '{"a":{"b":[1,[2,[]],{}]},"c":[],"d":{},"e":[{"f":null}]}'
    assert reindent(text) == (
        "{\n"
        '  "a": {\n'
        '    "b": [\n'
        "      1,\n"
        "      [\n"
        "        2,\n"
        "        []\n"
        "      ],\n"
        "      {}\n"
        "    ]\n"
        "  },\n"
        '  "c": [],\n'
        '  "d": {},\n'
        '  "e": [\n'
        "    {\n"
        '      "f": null\n'
        "    }\n"
        "  ]\n"
        "}"
    )
    assert reindent("{}") == "{}" and reindent("[]") == "[]" and reindent(" [ ] ") == "[]"
    assert reindent("[[[[]]]]") == "[\n  [\n    [\n      []\n    ]\n  ]\n]"


def test_existing_whitespace_is_replaced() -> None:
    text = ' \r\n\t{ "a" :\n[ true ,false,  null ] }\n '
    assert reindent(text) == '{\n  "a": [\n    true,\n    false,\n    null\n  ]\n}'


def test_deep_nesting_needs_no_recursion() -> None:
    depth = 5000
    text = "[" * depth + "]" * depth
    assert compact(text) == text
    assert reindent(text).count("\n") == 2 * (depth - 1)


def test_a_largest_payload_lays_out_at_once() -> None:
    records = []
    text = "[]"
    while True:
        n = len(records)
        records.append({"id": n, "price": f"{n}.50", "tags": ["a", "b"], "ok": n % 2 == 0})
        candidate = json.dumps(records)
        if len(candidate) > MAX_PAYLOAD_BYTES:
            break
        text = candidate
    started = time.perf_counter()
    for _ in range(10):
        layout(text)
    per_layout = (time.perf_counter() - started) / 10
    # About 2 ms on an idle machine; generous for a loaded one.
    assert per_layout < 0.1
    assert reindent(text) == json.dumps(json.loads(text), indent=2)


# --------------------------------------------------------------------------- not JSON


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (EXAMPLE, "NaN is not a JSON value (offset 81)"),
        ("[Infinity]", "Infinity is not a JSON value"),
        ("[-Infinity]", "-Infinity is not a JSON value"),
        ("[1, 2,]", "trailing comma"),
        ('{"a": 1,}', "trailing comma"),
        ("{'a': 1}", "strings need double quotes"),
        ("['a']", "strings need double quotes"),
        ("01", "leading zero"),
        ("[-01]", "leading zero"),
        ("[1.]", "invalid number"),
        ("[.5]", "invalid number"),
        ("[+1]", "invalid number"),
        ("[1e]", "invalid number"),
        ("[0x10]", "invalid number"),
        ('"abc', "unterminated string"),
        ('{"a": "b}', "unterminated string"),
        ('["a\tb"]', "control character in a string"),
        ('["a\nb"]', "control character in a string"),
        (r'["\x41"]', "invalid escape"),
        (r'["\u12"]', "invalid escape"),
        ("{} {}", "more than one value"),
        ('{"a": 1} [2]', "more than one value"),
        ("[1] x", "unexpected character 'x'"),
        ('{"a": 1}}', "unexpected '}'"),
        ("", "empty"),
        (" \n ", "empty"),
        ("[", "'[' not closed"),
        ('{"a": [1, 2}', "expected ',' or ']'"),
        ('{"a" 1}', "expected ':'"),
        ("{1: 2}", "expected a key"),
        ('{"a": }', "unexpected '}'"),
        ("[1 2]", "expected ',' or ']'"),
        ("[true false]", "expected ',' or ']'"),
        ("[nul]", "unexpected character 'n'"),
        ("[True]", "unexpected character 'T'"),
        ("\ufeff[]", "unexpected character"),  # a byte order mark is not whitespace
        ("[1,\u00a0 2]", "unexpected character"),  # nor is a no-break space
        ("[\u0661]", "unexpected character"),  # Arabic-Indic digit one
    ],
)
def test_not_json_says_why(text: str, reason: str) -> None:
    with pytest.raises(NotJson, match=re.escape(reason)):
        layout(text)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet="{}[]:,\"\\ 0123456789.eE+-truefalsnNIfiy'\tu\x01", max_size=24))
def test_accepts_exactly_what_a_strict_parser_accepts(text: str) -> None:
    def no_constants(word: str) -> Any:
        raise ValueError(word)

    try:
        json.loads(text, parse_constant=no_constants)
        valid = True
    except ValueError:
        valid = False
    try:
        layout(text)
        assert valid, f"accepted {text!r}"
    except NotJson:
        assert not valid, f"rejected {text!r}"


# --------------------------------------------------------------------------- property

json_data = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(json_data, st.booleans())
@example({": ": None}, False)  # a key holding the colon-and-space the layout writes
def test_reindenting_changes_only_whitespace(data: object, ensure_ascii: bool) -> None:
    text = json.dumps(data, ensure_ascii=ensure_ascii)
    assert compact(text) == json.dumps(data, ensure_ascii=ensure_ascii, separators=(",", ":"))
    assert reindent(text) == json.dumps(data, ensure_ascii=ensure_ascii, indent=2)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "\u00e9"]), st.integers(-5, 5)), max_size=6))
def test_duplicate_keys_stay_in_order(pairs: list[tuple[str, int]]) -> None:
    text = "{" + ",".join(f'"{k}":{v}' for k, v in pairs) + "}"
    keys = [piece for piece, kind in layout(text) if kind == KEY]
    assert keys == [f'"{k}"' for k, _ in pairs]
    assert compact(text) == text


# --------------------------------------------------------------------------- what the view gets


def test_the_example_is_shown_as_text_and_says_why() -> None:
    form = payload_form(EXAMPLE)
    assert form.json is None
    assert form.label == "text, not valid JSON: NaN is not a JSON value (offset 81)"
    assert plain_text(EXAMPLE) == EXAMPLE  # shown exactly as received


def test_labels() -> None:
    assert payload_form('{"a": 1}').label == "JSON"
    assert payload_form('  [1, "x"]\n').label == "JSON"
    assert payload_form("hello").label == "text"
    assert payload_form("").label == "text"
    # Scalars are valid JSON but read as text: nothing to indent.
    assert payload_form("42").label == "text" and payload_form('"x"').label == "text"
    assert payload_form("[1,]").label == "text, not valid JSON: trailing comma (offset 3)"


def test_invisible_characters_in_strings_become_marked_escapes() -> None:
    payload = '{"k\u202e": "a\x1b]0;t\x07b\x7f\u200b", "n": 1}'  # raw ESC is not valid JSON
    assert payload_form(payload).json is None
    assert payload_form(payload).label.startswith("text, not valid JSON: control character")
    payload = '{"k\u202e": "a\x7f\x85b\u200b", "x": "\\\\"}'  # DEL, C1 and format characters are
    form = payload_form(payload)
    assert form.json is not None
    assert all(is_safe(piece) for piece, kind in form.json if kind != SPACE)
    assert ("\\u202e", CONTROL) in form.json and ("\\x7f\\x85", CONTROL) in form.json
    assert ("\\u200b", CONTROL) in form.json
    # The written escape stays as written: a marked span tells it from an escaped character.
    assert ('"\\\\"', STRING) in form.json
    shown = "".join(piece for piece, _ in form.json)
    assert shown == '{\n  "k\\u202e": "a\\x7f\\x85b\\u200b",\n  "x": "\\\\"\n}'


def test_reasons_never_carry_raw_control_characters() -> None:
    form = payload_form("[\x1b]")
    assert form.json is None and is_safe(form.label) and "\\x1b" in form.label
    form = payload_form("[\u202e]")
    assert is_safe(form.label) and "\\u202e" in form.label
