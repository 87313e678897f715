"""``--columns`` and ``--time`` in pipe mode: the real command against a real server, exact lines
out, the same over a recording, and ``--json`` untouched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg

from tests.harness import PgServer
from tests.harness.cli import Running, run_pgtail

SENT = [
    ("pc:orders", '{"id": 1041, "status": "paid", "user": {"name": "alice"}, "total": 10.50}'),
    ("pc:orders", '{"id": 1042, "user": {"name": "b\\tob\\u001b]0;x\\u0007"}}'),
    ("pc:jobs", "not JSON at all"),
    ("pc:orders", '{"id": "1043", "status": null, "user": {"name": ["a", "b"]}, "last": 1}'),
]
CHANNELS = ["-c", "pc:orders", "-c", "pc:jobs"]
COLUMNS = ".id,.status,.user.name"
#: What each line holds after time, channel and pid: the fields' values, each after a tab.
VALUES = [
    "\t1041\tpaid\talice",
    "\t1042\t\tb\\tob\\x1b]0;x\\x07",  # a missing field is empty; control characters escaped
    "\t\t\t",
    '\t1043\tnull\t["a", "b"]',
]


def _send_all(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for channel, payload in SENT:
            conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))
        return conn.info.backend_pid


def _lines(r: Running, count: int) -> list[str]:
    return [r.stdout_line() for _ in range(count)]


def test_plain_prints_the_columns_instead_of_the_payload(
    pg: PgServer, running_pgtail: list[Running], tmp_path: Path
) -> None:
    record = tmp_path / "all.jsonl"
    r = Running(
        "--plain", "--columns", COLUMNS, *CHANNELS, "--dsn", pg.dsn, "--record", str(record)
    )
    running_pgtail.append(r)
    r.wait_stderr("connected")
    pid = _send_all(pg.dsn)
    lines = _lines(r, len(SENT))
    assert r.stop() == 0
    time = r"\d\d:\d\d:\d\d\.\d{3}"
    for line, (channel, _), values in zip(lines, SENT, VALUES, strict=True):
        assert re.fullmatch(f"{time}  {re.escape(f'{channel}  {pid}{values}')}\n", line), line
    # The recording has every payload whole; printed again it gives the same columns.
    recorded = [json.loads(line)["payload"] for line in record.read_text().splitlines()]
    assert recorded == [payload for _, payload in SENT]
    out = run_pgtail("--replay", str(record), "--plain", "--columns", COLUMNS)
    assert out.returncode == 0, out.stderr
    assert [line.split("  ", 1)[1] for line in out.stdout.splitlines(keepends=True)] == [
        line.split("  ", 1)[1] for line in lines
    ]


def test_relative_and_dated_times_in_plain_lines(
    pg: PgServer, running_pgtail: list[Running]
) -> None:
    relative = Running("--plain", "--time", "relative", "--filter", "has .id", *CHANNELS,
                       "--dsn", pg.dsn)  # fmt: skip
    dated = Running("--plain", "--time", "date", "--columns", ".id", "-c", "pc:orders",
                    "--dsn", pg.dsn)  # fmt: skip
    running_pgtail.extend([relative, dated])
    relative.wait_stderr("connected")
    dated.wait_stderr("connected")
    pid = _send_all(pg.dsn)
    # The first line has its clock time; the next ones the time since the line printed before.
    first, *rest = _lines(relative, 3)
    assert re.fullmatch(
        rf"\d\d:\d\d:\d\d\.\d{{3}}  pc:orders  {pid}  {re.escape(SENT[0][1])}\n", first
    )
    for line, (channel, payload) in zip(rest, [SENT[1], SENT[3]], strict=True):
        expected = rf"\+\d+\.\d{{3}}s  {re.escape(f'{channel}  {pid}  {payload}')}\n"
        assert re.fullmatch(expected, line), line
    for line, value in zip(_lines(dated, 3), ["1041", "1042", "1043"], strict=True):
        expected = rf"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{{3}}  pc:orders  {pid}\t{value}\n"
        assert re.fullmatch(expected, line), line
    assert relative.stop() == 0 and dated.stop() == 0


def test_json_is_never_changed_by_columns_from_a_profile(
    pg: PgServer, running_pgtail: list[Running], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('columns = [".id"]\ntime = "relative"\n')
    r = Running("--json", "--config", str(config), *CHANNELS, "--dsn", pg.dsn)
    running_pgtail.append(r)
    r.wait_stderr("connected")
    _send_all(pg.dsn)
    lines = [json.loads(line) for line in _lines(r, len(SENT))]
    assert [(n["channel"], n["payload"]) for n in lines] == SENT
    assert all(re.fullmatch(r"\d{4}-.*T.*[+-]\d\d:\d\d", n["time"]) for n in lines)
    assert r.stop() == 0


def test_a_bad_columns_option_exits_2_with_the_position() -> None:
    out = run_pgtail("--plain", "--columns", ".id,,.x", "-c", "x", "--dsn", "host=/nonexistent")
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.splitlines()
    assert lines[-3:] == [
        "pgtail: error: --columns: column 5: expected a field such as .id",
        "  .id,,.x",
        "      ^",
    ]
    out = run_pgtail("--json", "--time", "relative", "-c", "x")
    assert out.returncode == 2
    assert "--time shapes the UI and --plain lines: leave out --json" in out.stderr
