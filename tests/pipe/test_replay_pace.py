"""``pgtail --replay FILE --speed X`` as a real process: the recorded gaps kept in pipe mode, and
``--speed`` refused where it means nothing.

Only lower bounds on elapsed time are asserted (a line can be late on a busy machine, never
early), with a wide margin where one is measured from a line read rather than from the start;
the upper bound is there to catch a hang.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from pgtail.core.formats import format_json, format_plain
from pgtail.core.models import Notification
from tests.harness.cli import pgtail_command, pgtail_env, run_pgtail

START = 1_700_000_000.0
#: Seconds after the first line: a recording 1.2 s long, pausing in the middle and before the
#: end (longer than pgtail takes to start, so that a replay not kept to its pace is seen).
OFFSETS = [0.0, 0.05, 0.05, 0.3, 1.2]


def _recording(path: Path) -> list[Notification]:
    notes = [
        Notification(f"ch{i % 2}", f"p{i}", 10 + i, START + dt) for i, dt in enumerate(OFFSETS)
    ]
    path.write_text(format_json(notes), encoding="utf-8")
    return notes


def _timed_lines(*args: str) -> tuple[float, list[tuple[float, str]], int]:
    """Run pgtail; (when it was started, each stdout line with when it was read, exit status)."""
    env = pgtail_env()
    env.pop("PYTHONUNBUFFERED", None)  # stdout buffered, as for anyone: pgtail flushes itself
    started = time.monotonic()
    proc = subprocess.Popen(
        pgtail_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines = [(time.monotonic(), line) for line in proc.stdout]
    return started, lines, proc.wait(timeout=60)


def test_speed_one_keeps_the_recorded_gaps(tmp_path: Path) -> None:
    path = tmp_path / "paced.jsonl"
    notes = _recording(path)
    started, lines, status = _timed_lines("--replay", str(path), "--plain", "--speed", "1")
    assert status == 0
    # Every line, in the recorded order, with its recorded time.
    assert [line for _, line in lines] == format_plain(notes).splitlines(keepends=True)
    # No line came before its time: the gaps are kept (counted from before the start).
    for (read_at, line), offset in zip(lines, OFFSETS, strict=True):
        assert read_at - started >= offset, f"{line!r} read {read_at - started:.3f} s in"
    # Nor were the lines held back and written together at the end: the first one is read well
    # before the last one is due (1.2 s apart as recorded; 0.7 s of margin for a slow read).
    assert lines[-1][0] - lines[0][0] >= 0.5
    assert lines[-1][0] - started < 60


def test_speed_ten_is_ten_times_faster_and_json_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "paced.jsonl"
    _recording(path)
    started, lines, status = _timed_lines("--replay", str(path), "--json", "--speed", "10")
    assert status == 0
    assert "".join(line for _, line in lines) == path.read_text(encoding="utf-8")
    assert lines[-1][0] - started >= OFFSETS[-1] / 10


def test_speed_zero_is_the_default(tmp_path: Path) -> None:
    path = tmp_path / "paced.jsonl"
    _recording(path)
    default = run_pgtail("--replay", str(path), "--json")
    instant = run_pgtail("--replay", str(path), "--json", "--speed", "0")
    assert default.returncode == instant.returncode == 0
    assert default.stdout == instant.stdout == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--speed", "1", "--plain"], "--speed paces a replay: add --replay FILE"),
        (
            ["--replay", "r.jsonl", "--speed", "-1"],
            "must be a number of at least 0 (0: as fast as possible)",
        ),
        (["--replay", "r.jsonl", "--speed", "fast"], "not a number: 'fast'"),
        (["--replay", "r.jsonl", "--speed", "2", "--to", "dbname=x"], "does not go with --to"),
    ],
)
def test_speed_is_an_argument_error_where_it_means_nothing(args: list[str], message: str) -> None:
    out = run_pgtail(*args)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
