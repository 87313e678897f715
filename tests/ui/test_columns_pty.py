"""JSON fields as columns in a real terminal: the real ``pgtail --columns`` on an 80×24
pseudo-terminal (read through pyte) against a real server. The columns are capped, measured in
cells (a CJK value shifts nothing), and the rest of the payload keeps its room."""

from __future__ import annotations

import re

from tests.harness import PgServer, notify
from tests.harness.pty import PtyPgtail

COLS, ROWS = 80, 24
LONG = (
    '{"id": 1041, "status": "paid", "customer": {"name": "margaret hamilton"},'
    ' "items": [1, 2, 3], "note": "leave it by the door!!"}'
)
WIDE = '{"id": 1042, "status": "new", "customer": {"name": "注文の確認"}, "note": "short"}'
PLAIN = "over-ssh-payload"


def _cells_of(term: PtyPgtail, text: str) -> tuple[int, str]:
    """The row holding *text*, as one string with a character per cell (the second cell of a
    wide character is ``\\0``), and that row's index."""
    for y, row in enumerate(term.cells()):
        line = "".join(c.data or "\0" for c in row)
        if text in line.replace("\0", ""):
            return y, line
    raise AssertionError(f"{text!r} is not on screen:\n{term.screen()}")


def test_columns_and_the_rest_of_the_payload_at_80x24(
    pg: PgServer, terminals: list[PtyPgtail]
) -> None:
    term = PtyPgtail(
        "--dsn", pg.dsn, "-c", "orders", "--columns", ".id,.status,.customer.name",
        cols=COLS, rows=ROWS,
    )  # fmt: skip
    terminals.append(term)
    term.wait_for(lambda s: "1 listening" in s, "listening")
    for payload in (LONG, WIDE, PLAIN):
        notify(pg, "orders", payload)
    screen = term.wait_for(
        lambda s: PLAIN in s and "注文の確認" in s and "margaret" in s, "the three lines"
    )
    assert "log · all channels · .id .status .customer.name" in screen

    _, long_row = _cells_of(term, "margaret")
    _, wide_row = _cells_of(term, "注文の確認")
    _, plain_row = _cells_of(term, PLAIN)
    # The name column is capped (a sixth of the log: 13 cells at 80 columns) and cut with …;
    # the CJK name takes 10 cells, padded like any other value.
    assert re.search(r"  orders  1041  paid  margaret ham…  \{", long_row), long_row
    assert re.search("  orders  1042  new   注\0文\0の\0確\0認\0     \\{", wide_row), wide_row
    # The rest of each payload starts in the same cell, whatever the values' widths.
    rest_x = long_row.index('{"items"')
    assert wide_row.index('{"note"') == rest_x == plain_row.index(PLAIN)
    rest = long_row[rest_x:].rstrip(" │")
    assert rest == '{"items": [1, 2, 3], "note": "le…', rest  # 33 cells, cut with …
    assert wide_row[rest_x:].rstrip(" │") == '{"note": "short"}'
    assert all(len(row) == COLS for row in (long_row, wide_row, plain_row))

    # T: times since the line before, in the same 8 cells; the columns stay where they were.
    term.type("T")
    screen = term.wait_for(lambda s: re.search(r"│\+\d\.\d{3}s +orders", s) is not None, "T")
    _, plain_row = _cells_of(term, PLAIN)
    assert plain_row.index(PLAIN) == rest_x
