"""The NOTIFY bar's payload language: placeholders, escapes, and the ``*N@R`` burst suffix."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pgtail.core.notify_template import (
    MAX_COUNT,
    PLACEHOLDERS,
    Burst,
    Template,
    TemplateError,
    Values,
    parse_payload,
    parse_template,
    payload_bytes,
)

FIXED = Values(
    clock=lambda: 1_700_000_000.25,
    uuid4=lambda: uuid.UUID("12345678-1234-5678-1234-567812345678"),
    random=lambda: 0.5,
)


def expand(payload: str, n: int = 1) -> str:
    return parse_payload(payload).template.expand(n, FIXED)


# ---- placeholders ---------------------------------------------------------------------------


def test_each_placeholder_has_its_value() -> None:
    text = expand("{n}|{now}|{uuid}|{rand}", 7)
    n, now, uid, rand = text.split("|")
    assert n == "7"
    assert datetime.fromisoformat(now).timestamp() == 1_700_000_000.25
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", now)
    assert uid == "12345678-1234-5678-1234-567812345678"
    assert rand == "0.500000"


def test_a_placeholder_has_one_value_per_notification() -> None:
    template = parse_payload('{"id": "{uuid}", "key": "job:{uuid}", "r": [{rand}, {rand}]}')
    values = iter([0.25, 0.75])
    uuids = iter([uuid.uuid4(), uuid.uuid4()])
    live = Values(random=lambda: next(values), uuid4=lambda: next(uuids))
    first = json.loads(template.template.expand(1, live))
    second = json.loads(template.template.expand(2, live))
    assert first["key"] == f"job:{first['id']}" and first["r"] == [0.25, 0.25]
    assert second["r"] == [0.75, 0.75] and second["id"] != first["id"]


def test_a_tiny_random_number_is_not_written_in_scientific_notation() -> None:
    template = parse_payload("{rand}").template
    assert template.expand(1, Values(random=lambda: 1.2e-05)) == "0.000012"


def test_json_without_placeholders_is_sent_exactly_as_typed() -> None:
    for payload in ['{"id": 1}', '{"a": {"b": {"c": 1}}}', "{{x}}", "{x}", "{}", "{{", "}}}"]:
        burst = parse_payload(payload)
        assert burst == Burst(Template.plain(payload))
        assert burst.template.expand(1) == payload


def test_nested_json_with_a_placeholder_keeps_its_braces() -> None:
    assert expand('{"order": {"id": {n}}}', 41) == '{"order": {"id": 41}}'
    assert expand('{"a":{"b":[{n},{n}]}}', 2) == '{"a":{"b":[2,2]}}'
    assert expand("{{{{ {n} }}}}", 3) == "{{{{ 3 }}}}"


def test_doubled_braces_around_a_name_are_its_text() -> None:
    assert expand("{{n}}") == "{n}"  # alone: how to send the text {n}
    assert expand("{n} {{n}} {{now}} {{foo}}", 5) == "5 {n} {now} {foo}"
    assert expand("{{foo}}") == "{{foo}}"  # no placeholder at all: as typed


def test_an_unknown_placeholder_beside_a_known_one_is_an_error() -> None:
    with pytest.raises(TemplateError, match=r"\{foo\} is no placeholder.*\{\{foo\}\}"):
        parse_payload('{"id": {n}, "x": {foo}}')
    with pytest.raises(TemplateError, match=r"\{N\}"):
        parse_payload("{now} {N}")


def test_an_unknown_name_alone_is_text() -> None:
    assert expand("{foo} {N} {NOW}") == "{foo} {N} {NOW}"


# ---- bursts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "body", "count", "rate"),
    [
        ('{"id": 1} *200', '{"id": 1}', 200, None),
        ("{n} *5@50", "{n}", 5, 50.0),
        ("x *10@0.5", "x", 10, 0.5),
        ("x *10@.5", "x", 10, 0.5),
        ("x *3   ", "x", 3, None),  # spaces after the count are not the payload's
        ("*3", "", 3, None),  # an empty payload, three times
        ("x  *3", "x ", 3, None),
        ("hello *5 *1", "hello *5", 1, None),  # *1 sends a text that ends in *5 once
        (f"x *{MAX_COUNT}", "x", MAX_COUNT, None),
        ("x *007", "x", 7, None),
    ],
)
def test_a_trailing_star_asks_for_a_burst(
    payload: str, body: str, count: int, rate: float | None
) -> None:
    burst = parse_payload(payload)
    assert (burst.template, burst.count, burst.rate) == (parse_template(body), count, rate)
    assert burst.is_burst is (count > 1)


@pytest.mark.parametrize("payload", ["a*5", "glob *", "**bold**", "x **3", "2 * 3", "x *5 y"])
def test_a_star_that_is_not_a_trailing_word_is_text(payload: str) -> None:
    burst = parse_payload(payload)
    assert (burst.count, burst.template.expand(1)) == (1, payload)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("x *0", r"\*0: the count must be 1 to 10,000"),
        ("x *abc", r"\*abc: expected a count after \*"),
        ("x *5x", r"\*5x: expected a count"),
        ("x *-5", r"\*-5: expected a count"),
        ("x *10001", r"at most 10,000"),
        ("x *" + "9" * 5000, r"at most 10,000"),
        ("x *5@0", r"@0: the rate must be more than 0"),
        ("x *5@0.0", r"@0.0: the rate must be more than 0"),
        ("x *5@", r"@: expected a rate"),
        ("x *5@abc", r"@abc: expected a rate"),
        ("x *5@1e3", r"@1e3: expected a rate"),
        ("x *5@-1", r"@-1: expected a rate"),
        ("x *5@10001", r"at most 10,000 a second"),
        ("x *5@5@5", r"@5@5: expected a rate"),
        ("{n} {foo} *3", r"\{foo\} is no placeholder"),
    ],
)
def test_bad_bursts_say_what_is_wrong(payload: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_payload(payload)


def test_pacing_interval() -> None:
    assert parse_payload("x *5@50").interval() == pytest.approx(0.02)
    assert parse_payload("x *5").interval() == 0.0


# ---- sizes ----------------------------------------------------------------------------------


def test_the_size_is_that_of_the_longest_payload_of_the_burst() -> None:
    burst = parse_payload('{"id": {n}, "u": "{uuid}", "t": "{now}", "r": {rand}} *1000')
    longest = max(len(burst.template.expand(n, FIXED).encode()) for n in (1, 999, 1000))
    assert longest <= burst.max_bytes() <= longest + 3  # a zone offset may have seconds
    assert payload_bytes("café *3") == len("café".encode())
    assert payload_bytes("café *abc") == len("café *abc".encode())  # as typed until it parses


# ---- properties -----------------------------------------------------------------------------

#: Text that may hold braces, stars and names, but no placeholder of ours, escaped or not.
texts = st.text(alphabet=st.sampled_from(list('{}*@ "nowuidrafx01:,[]é\n')), max_size=40).filter(
    lambda t: not any(f"{{{name}}}" in t for name in PLACEHOLDERS)
)


@given(texts)
def test_text_without_placeholders_or_a_trailing_star_word_is_sent_as_typed(text: str) -> None:
    if re.search(r"(^| )\*[^*\s]\S* *$", text):
        return  # a burst suffix: checked by the tests above
    assert parse_payload(text).template.expand(1) == text


#: Text with braces but no ``{word}`` at all (so neither a placeholder nor an unknown name).
plain_texts = texts.filter(lambda t: not re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", t))


@given(plain_texts, plain_texts, st.sampled_from(PLACEHOLDERS), st.integers(1, MAX_COUNT))
def test_a_placeholder_changes_nothing_around_it(
    before: str, after: str, name: str, n: int
) -> None:
    if before.endswith("{") and after.startswith("}"):
        return  # {{n}}: the escape, tested above
    template = parse_payload(f"{before}{{{name}}}{after} *1").template
    value = parse_payload(f"{{{name}}}").template.expand(n, FIXED)
    assert template.expand(n, FIXED) == before + value + after


@given(st.integers(1, MAX_COUNT), st.one_of(st.none(), st.integers(1, 10_000)))
def test_every_valid_suffix_round_trips(count: int, rate: int | None) -> None:
    suffix = f"*{count}" + (f"@{rate}" if rate is not None else "")
    burst = parse_payload(f'{{"id": {{n}}}} {suffix}')
    assert (burst.count, burst.rate) == (count, None if rate is None else float(rate))
    assert burst.template.expand(count) == f'{{"id": {count}}}'
