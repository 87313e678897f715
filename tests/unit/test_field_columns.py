"""JSON fields as columns, without a server: ``--columns`` read by the filter language's path
reader, paths written back, the values a payload holds and what is left of it, ``--plain`` lines
with columns, and the log's columns made of them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from pgtail.core.field_paths import field_text, leaf_paths, parse_fields
from pgtail.core.field_values import field_values, read_document, split_fields
from pgtail.core.filter_lang import parse_filter
from pgtail.core.filter_syntax import Field, FilterError
from pgtail.core.filter_tokens import Step
from pgtail.core.formats import format_plain, plain_format
from pgtail.core.models import Notification
from pgtail.core.stamps import TimeMode
from pgtail.ui.state.log_columns import FIELD_MIN, field_cap, plan_columns, rest_min
from pgtail.ui.state.shown_fields import shown_fields

FIXED = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def fields(text: str) -> tuple[Field, ...]:
    return parse_fields(text)


# ---- paths --------------------------------------------------------------------------------------


def test_a_list_of_paths_as_the_filter_language_writes_them() -> None:
    assert [f.steps for f in fields(".id,.status,.user.name")] == [
        ("id",),
        ("status",),
        ("user", "name"),
    ]
    assert [f.steps for f in fields(' .items[0].sku , ."odd key",.a["b c"][-1] ')] == [
        ("items", 0, "sku"),
        ("odd key",),
        ("a", "b c", -1),
    ]
    assert [f.text for f in fields('.a["b"],.[0]')] == [".a.b", ".[0]"]  # written one way
    assert fields(".id,.id, .id") == fields(".id")  # each once
    assert fields("") == () and fields("  ") == ()


@pytest.mark.parametrize(
    ("text", "offset", "reason"),
    [
        ("id", 0, "expected a field such as .id"),
        (".id .status", 4, "expected , between fields"),
        (".id,", 4, "expected a field after ,"),
        (".id,,.x", 4, "expected a field such as .id"),
        (".a[", 2, 'expected [number] or ["key"] in a field'),
        ('."open', 1, "unterminated string in the quoted text"),
        (".", 1, "expected a field name after ."),
    ],
)
def test_a_bad_list_says_where(text: str, offset: int, reason: str) -> None:
    with pytest.raises(FilterError) as error:
        parse_fields(text)
    assert (error.value.offset, error.value.reason) == (offset, reason)


_STEP = st.one_of(st.integers(-5, 50), st.text(max_size=8))


@FIXED
@given(st.lists(_STEP, min_size=1, max_size=4))
def test_a_path_written_back_reads_as_the_same_path(steps: list[Step]) -> None:
    text = field_text(tuple(steps))
    (field,) = parse_fields(text)
    assert field.steps == tuple(steps) and field.text == text
    # ...also in a filter, the language the paths come from.
    node = parse_filter(f"has {text}")
    assert node is not None and getattr(node.node, "field", None) == Field(tuple(steps), text)


def test_paths_are_written_plainly_when_they_can_be() -> None:
    assert field_text(("user", "name")) == ".user.name"
    assert field_text(("items", 0, "sku")) == ".items[0].sku"
    assert field_text(("odd key", "1", "a.b", "")) == '."odd key"."1"."a.b".""'
    assert field_text((0, "名前")) == ".[0].名前"


def test_the_leaves_of_a_payload_in_its_order() -> None:
    doc = read_document(
        '{"id": 1, "user": {"name": "al", "roles": ["a", "b"]}, "items": [{"sku": "A"}, 7],'
        ' "empty": {}, "none": []}'
    )
    assert [field_text(p) for p in leaf_paths(doc)] == [
        ".id",
        ".user.name",
        ".user.roles",  # an array of scalars reads best whole
        ".items[0].sku",
        ".items[1]",
        ".empty",
        ".none",
    ]
    assert len(leaf_paths(read_document("[" + ",".join(["[1]"] * 500) + "]"))) == 200
    assert leaf_paths(read_document("not json")) == []


# ---- values and the rest ------------------------------------------------------------------------

ORDER = (
    '{"id": 1041, "status": "paid", "total": 10.50, "big": 12345678901234567890, "n": 1e3,'
    ' "user": {"name": "al", "id": 7}, "items": [{"sku": "A-1"}, {"sku": "B-2"}],'
    ' "ok": true, "note": null}'
)


def test_values_are_shown_as_sent() -> None:
    assert field_values(ORDER, fields(".id,.status,.total,.big,.n,.ok,.note,.user,.items[-1]")) == (
        "1041",
        "paid",
        "10.50",
        "12345678901234567890",
        "1e3",
        "true",
        "null",
        '{"name": "al", "id": 7}',
        '{"sku": "B-2"}',
    )
    assert field_values(ORDER, fields(".nope,.id.x,.items[9]")) == (None, None, None)
    assert field_values("paid 1041", fields(".id")) == (None,)
    assert field_values('{"id": 1} trailing', fields(".id")) == (None,)


def test_the_rest_is_the_payload_without_the_shown_fields() -> None:
    values, rest = split_fields(ORDER, fields(".id,.user.name,.items[0].sku,.items[1]"))
    assert values == ("1041", "al", "A-1", '{"sku": "B-2"}')
    # Objects and arrays left empty go too; numbers stay as written.
    assert rest == (
        '{"status": "paid", "total": 10.50, "big": 12345678901234567890, "n": 1e3,'
        ' "user": {"id": 7}, "ok": true, "note": null}'
    )
    # Array items are counted as they were, whichever is taken out first.
    assert split_fields("[1, 2, 3]", fields(".[0],.[1]")) == (("1", "2"), "[3]")
    assert split_fields('{"a": {}, "b": 1}', fields(".b")) == (("1",), '{"a": {}}')
    assert split_fields('{"a": 1}', fields(".a")) == (("1",), "")


def test_a_payload_without_the_fields_is_left_whole() -> None:
    compact = '{"id":1,  "x":[1,2]}'
    assert split_fields(compact, fields(".nope")) == ((None,), compact)
    assert split_fields("not json {", fields(".id")) == ((None,), "not json {")
    assert split_fields("", fields(".id")) == ((None,), "")


@FIXED
@given(st.text(max_size=60), st.lists(_STEP, min_size=1, max_size=3))
def test_never_raises_on_any_payload(payload: str, steps: list[Step]) -> None:
    chosen = (Field(tuple(steps), field_text(tuple(steps))),)
    split_fields(payload, chosen)
    split_fields("{" + payload, chosen)
    field_values(payload, chosen)


def test_what_the_log_shows_is_escaped() -> None:
    payload = '{"who": "\\u001b]0;owned\\u0007al\\u202e", "x": "\\t"}'
    shown = shown_fields(payload, fields(".who"))
    assert shown.values == ("\\x1b]0;owned\\x07al\\u202e",)
    assert shown.rest == '{"x": "\\t"}'  # JSON's own escape, as the payload wrote it
    assert shown_fields("[@click=app.quit]", fields(".a")).rest == "[@click=app.quit]"


# ---- --plain ------------------------------------------------------------------------------------

T0 = 1_700_000_000.25


def _n(payload: str, at: float = T0, channel: str = "orders") -> Notification:
    return Notification(channel, payload, 4242, at)


def test_plain_lines_with_columns() -> None:
    lines = plain_format(fields(".id,.status,.who"))(
        [
            _n('{"id": 1041, "status": "paid", "who": "a\\tb\\u001b"}'),
            _n('{"id": 1042}'),
            _n("not JSON\x1b", channel="x\x07"),
        ]
    )
    stamp = format_plain([_n("")]).split("  ")[0]
    assert lines == (
        f"{stamp}  orders  4242\t1041\tpaid\ta\\tb\\x1b\n"  # a tab in a value: escaped
        f"{stamp}  orders  4242\t1042\t\t\n"
        f"{stamp}  x\\x07  4242\t\t\t\n"
    )


def test_plain_lines_with_relative_times_remember_the_last_line() -> None:
    relative = plain_format(time=TimeMode.RELATIVE)
    first = relative([_n("a"), _n("b", T0 + 0.012)])
    later = relative([_n("c", T0 + 63.5)])
    anchor = format_plain([_n("a")]).split("  ")[0]  # the first line: its clock time
    assert first == f"{anchor}  orders  4242  a\n+0.012s  orders  4242  b\n"
    assert later == "+1m03s  orders  4242  c\n"
    assert plain_format() is format_plain  # the default keeps its fast path


# ---- the log's columns --------------------------------------------------------------------------


def test_field_columns_are_capped_and_the_payload_keeps_room_at_80_columns() -> None:
    # 80 columns: the log is 77 cells; jobs:insert is the widest channel.
    columns = plan_columns(77, 11, fields=[4, 7, 40, 30])
    assert all(FIELD_MIN <= w <= field_cap(77) for w in columns.fields)
    assert columns.payload >= rest_min(77) == 19
    assert columns.payload_x + columns.payload == 77
    # Narrow values keep their own width; a field with no value takes no room.
    assert plan_columns(117, 11, fields=[4, 0, 9]).fields == (4, 0, 9)


def test_field_columns_give_way_before_the_payload() -> None:
    many = plan_columns(77, 11, fields=[12] * 8)
    assert many.payload >= rest_min(77)
    assert 0 in many.fields and many.fields[0] >= FIELD_MIN  # the last ones are left out
    pane = plan_columns(40, 41, fields=[10, 10])
    assert pane.payload >= 12 and pane.channel >= 4
    assert plan_columns(10, 41, fields=[10]).payload >= 1


@pytest.mark.parametrize(
    ("time", "wide", "narrow"),
    [(TimeMode.ABSOLUTE, 12, 8), (TimeMode.RELATIVE, 8, 8), (TimeMode.DATE, 23, 14)],
)
def test_the_time_column_fits_its_mode(time: TimeMode, wide: int, narrow: int) -> None:
    assert plan_columns(117, 6, time=time).time == wide
    small = plan_columns(77, 6, time=time)
    assert small.time == narrow and small.short_time
    assert plan_columns(117, 6, time=time).short_time is (time is TimeMode.RELATIVE)
    assert small.payload >= 77 - narrow - 2 - 6 - 2 - 1  # and nothing else is taken


def test_cells_not_characters() -> None:
    shown = shown_fields('{"name": "注文の確認", "x": 1}', fields(".name"))
    assert cell_len(shown.values[0]) == 10
