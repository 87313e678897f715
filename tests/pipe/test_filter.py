"""``--filter`` in pipe mode: the real command against a real server, exact lines out, every
notification recorded, and a malformed expression refused with its position."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.harness import PgServer
from tests.harness.cli import Running, run_pgtail

SENT = [
    ("pf:orders", '{"id": 1040, "status": "paid"}'),
    ("pf:orders", '{"id": 1041, "status": "new"}'),
    ("pf:jobs", '{"id": 1042, "status": "paid", "user": {"name": "al"}}'),
    ("pf:orders", "status = paid, id 2000 (not JSON)"),
    ("pf:orders", '{"id": "1043", "status": "paid"}'),
    ("pf:orders", '{"id": 1044, "status": "paid", "note": "café\\u0007", "error": null}'),
    ("pf:orders", '{"id": 1045, "status": "paid\\ttab"}'),
    ("pf:jobs", '{"id": 1046, "status": "paid", "last": true}'),
]
CHANNELS = ["-c", "pf:orders", "-c", "pf:jobs"]


@pytest.fixture
def started() -> Iterator[list[Running]]:
    procs: list[Running] = []
    yield procs
    for r in procs:
        if r.proc.poll() is None:
            r.proc.kill()
            r.proc.wait()


def _send_all(dsn: str) -> int:
    """Send SENT in order from one session; return its backend pid."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for channel, payload in SENT:
            conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))
        return conn.info.backend_pid


def _lines_until(r: Running, last: str) -> list[str]:
    lines = [r.stdout_line()]
    while last not in lines[-1]:
        lines.append(r.stdout_line())
    return lines


def test_plain_prints_exactly_the_matching_lines_and_records_all(
    pg: PgServer, started: list[Running], tmp_path: Path
) -> None:
    record = tmp_path / "all.jsonl"
    expr = ".status = paid and .id > 1040"
    r = Running("--plain", "--filter", expr, *CHANNELS, "--dsn", pg.dsn, "--record", str(record))
    started.append(r)
    r.wait_stderr("connected")
    pid = _send_all(pg.dsn)
    lines = _lines_until(r, '"last": true')
    time = r"\d\d:\d\d:\d\d\.\d{3}"
    expected = [
        ("pf:jobs", '{"id": 1042, "status": "paid", "user": {"name": "al"}}'),
        # "1043" is text, and > with a number compares numbers only.
        ("pf:orders", '{"id": 1044, "status": "paid", "note": "café\\u0007", "error": null}'),
        ("pf:jobs", '{"id": 1046, "status": "paid", "last": true}'),
    ]
    assert len(lines) == len(expected)
    for line, (channel, payload) in zip(lines, expected, strict=True):
        assert re.fullmatch(f"{time}  {re.escape(f'{channel}  {pid}  {payload}')}\n", line), line
    assert r.stop() == 0
    recorded = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert [(n["channel"], n["payload"]) for n in recorded] == SENT

    # The same filter over the recording prints the same lines.
    out = run_pgtail("--replay", str(record), "--plain", "--filter", expr)
    assert out.returncode == 0, out.stderr
    assert [line.split("  ", 1)[1] for line in out.stdout.splitlines(keepends=True)] == [
        line.split("  ", 1)[1] for line in lines
    ]


def test_json_with_channel_text_and_field_terms(pg: PgServer, started: list[Running]) -> None:
    expr = "channel ~ /^pf:j/ or (has .error and not new) or (JSON)"
    r = Running("--json", "--sender", "--filter", expr, *CHANNELS, "--dsn", pg.dsn)
    started.append(r)
    r.wait_stderr("connected")
    pid = _send_all(pg.dsn)
    lines = [json.loads(line) for line in _lines_until(r, '\\"last\\": true')]
    assert [(n["channel"], n["pid"], n["payload"]) for n in lines] == [
        ("pf:jobs", pid, SENT[2][1]),
        ("pf:orders", pid, SENT[3][1]),
        ("pf:orders", pid, SENT[5][1]),
        ("pf:jobs", pid, SENT[7][1]),
    ]
    assert all("sender" in n for n in lines)  # --sender's path is filtered the same way
    assert r.stop() == 0
    assert "Traceback" not in r.stderr


def test_a_filter_that_matches_nothing_prints_nothing(pg: PgServer, started: list[Running]) -> None:
    r = Running("--json", "--filter", ".id > 5000 or pf:nope", *CHANNELS, "--dsn", pg.dsn)
    started.append(r)
    r.wait_stderr("connected")
    _send_all(pg.dsn)
    with psycopg.connect(pg.dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_notify('pf:jobs', '{\"id\": 5001}')")
    assert json.loads(r.stdout_line())["payload"] == '{"id": 5001}'
    assert r.stop() == 0


@pytest.mark.parametrize(
    ("expr", "message", "caret"),
    [
        (".id >", "column 6: expected a value after >", "       ^"),
        ("(.a = 1", "column 1: this ( is never closed", "  ^"),
        ("/x/ or .n ~ /a(/", "column 15: invalid regular expression: missing )", " " * 16 + "^"),
    ],
)
def test_a_malformed_filter_exits_2_with_the_position(expr: str, message: str, caret: str) -> None:
    for mode in ["--plain", "--json"]:
        out = run_pgtail(mode, "--filter", expr, "-c", "x", "--dsn", "host=/nonexistent")
        assert out.returncode == 2
        assert out.stdout == ""
        lines = out.stderr.splitlines()
        assert lines[-3].startswith(f"pgtail: error: --filter: {message}")
        assert lines[-2:] == [f"  {expr}", caret]


def test_filter_does_not_go_with_to() -> None:
    out = run_pgtail("--replay", "x.jsonl", "--to", "host=/nonexistent", "--filter", "a")
    assert out.returncode == 2
    assert "--filter chooses what is shown: it does not go with --to" in out.stderr
