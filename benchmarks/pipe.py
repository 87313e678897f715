"""Pipe mode measured: ``pgtail --json`` and ``pgtail --plain`` as subprocesses, each one's
stdout a pipe this process counts.

Counting is one ``os.read`` of up to 1 MiB and one ``bytes.count`` per read, a few percent of
one core at these rates; pgtail itself writes each batch with a single ``write``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.cpu import TICKS_PER_SECOND, cpu_ticks
from benchmarks.report import Figure, Report, Target, rate
from benchmarks.sending import CHANNEL, Sender, timeout_for
from pgtail.demo.processes import terminate
from tests.harness.cli import collect_lines, pgtail_command, pgtail_env
from tests.harness.pgserver import PgServer
from tests.harness.wait import wait_until

__all__ = [
    "FLOOD_FILTER",
    "PIPE",
    "PIPE_FILTERED",
    "PIPE_VS_SENDER",
    "PLAIN",
    "PLAIN_VS_JSON",
    "PipeFlood",
    "measure_pipe",
    "measure_pipe_filtered",
    "measure_plain",
]

PIPE = Figure("pgtail --json (pipe)", Target(">=", 1.30, "x", decimals=2))
"""Its rate relative to the raw baseline's."""
PIPE_VS_SENDER = Figure("  time vs its sender's time", Target("<=", 1.25, "x", decimals=2))
PIPE_FILTERED = Figure("pgtail --json --filter (pipe)", Target(">=", 0.75, "x", decimals=2))
"""Its rate relative to the unfiltered pipe's, by the CPU time pgtail spent per line (on a busy
machine the wall-clock rates move far more than the filter costs): the filter may cost at most a
quarter."""
#: What ``--pipe-filter`` uses by default: a regular expression that every flood payload passes,
#: the costliest single term here (a field test rules these payloads out without parsing them).
FLOOD_FILTER = "/^[0-9]+$/"
PLAIN = Figure("pgtail --plain (pipe)", Target(">=", 1.30, "x", decimals=2))
"""Its rate relative to the raw baseline's, like ``--json``'s."""
PLAIN_VS_JSON = Figure("  CPU time vs --json's", Target("<=", 1.10, "x", decimals=2))
"""As fast as ``--json``: pgtail's CPU time for the same flood (clock ticks, which a busy machine
changes far less than wall-clock time), with the wall-clock ratio beside it."""


def measure_pipe(
    pg: PgServer,
    n: int,
    baseline: float,
    report: Report,
    checkout: Path,
    profile: str | None = None,
) -> PipeFlood | None:
    """``pgtail --json`` of *checkout* into a pipe, from the first NOTIFY to the N-th line.

    Returns what it took (None when it did not get all N), for :func:`measure_plain`."""
    flood = _flood_through("--json", pg, n, checkout, profile)
    report.counts["pipe"] = flood.count
    ratio = baseline / flood.seconds
    report.add(PIPE, rate(flood.count, flood.seconds), ratio=f"{ratio:.2f}x", measured=ratio)
    vs_sender = flood.seconds / flood.sender_seconds
    report.add(
        PIPE_VS_SENDER,
        f"{vs_sender:.2f}x (sender {flood.sender_seconds:.2f} s)",
        measured=vs_sender,
    )
    _check_json_lines(flood.first, flood.last, n)
    return flood if flood.count == n else None


def measure_pipe_filtered(
    pg: PgServer,
    n: int,
    unfiltered: PipeFlood | None,
    report: Report,
    checkout: Path,
    expr: str,
) -> None:
    """``pgtail --json --filter EXPR``, where *expr* lets every flood payload through, against
    the *unfiltered* pipe's run."""
    flood = _flood_through("--json", pg, n, checkout, extra=("--filter", expr))
    report.counts["pipe filtered"] = flood.count
    if unfiltered is None or flood.count != n:
        report.not_measured((PIPE_FILTERED,), "not all N were read")
        return
    if not flood.cpu_seconds or not unfiltered.cpu_seconds:
        report.not_measured((PIPE_FILTERED,), "too short to count CPU ticks")
        return
    per_line = unfiltered.cpu_seconds / unfiltered.count
    ratio = per_line / (flood.cpu_seconds / flood.count)
    value = (
        f"{rate(flood.count, flood.seconds)}; CPU {flood.cpu_seconds:.2f} s"
        f" vs {unfiltered.cpu_seconds:.2f} s"
    )
    report.add(PIPE_FILTERED, value, ratio=f"{ratio:.2f}x unfiltered", measured=ratio)


def measure_plain(
    pg: PgServer,
    n: int,
    baseline: float,
    json_flood: PipeFlood | None,
    report: Report,
    checkout: Path,
) -> None:
    """``pgtail --plain`` the same way, compared with the baseline and with ``--json``."""
    flood = _flood_through("--plain", pg, n, checkout)
    report.counts["plain"] = flood.count
    ratio = baseline / flood.seconds
    report.add(PLAIN, rate(flood.count, flood.seconds), ratio=f"{ratio:.2f}x", measured=ratio)
    if json_flood is None or flood.count != n:
        report.not_measured((PLAIN_VS_JSON,), "not all N were read")
    elif not json_flood.cpu_seconds or not flood.cpu_seconds:
        report.not_measured((PLAIN_VS_JSON,), "too short to count CPU ticks")
    else:
        cpu = flood.cpu_seconds / json_flood.cpu_seconds
        wall = flood.seconds / json_flood.seconds
        report.add(
            PLAIN_VS_JSON,
            f"{cpu:.2f}x (CPU {flood.cpu_seconds:.2f} s vs {json_flood.cpu_seconds:.2f} s;"
            f" wall clock {wall:.2f}x)",
            measured=cpu,
        )
    _check_plain_lines(flood.first, flood.last, n)


@dataclass
class PipeFlood:
    """One flood read through pgtail in pipe mode."""

    count: int
    """Lines read."""
    seconds: float
    """From the first NOTIFY sent to the last line read."""
    cpu_seconds: float
    """pgtail's CPU time (user and system) over the same span."""
    sender_seconds: float
    first: bytes
    last: bytes
    """The first and the last line read."""


def _flood_through(
    mode: str,
    pg: PgServer,
    n: int,
    checkout: Path,
    profile: str | None = None,
    extra: tuple[str, ...] = (),
) -> PipeFlood:
    """Send N while ``pgtail MODE [EXTRA...]`` prints them into a pipe this process counts."""
    proc = subprocess.Popen(
        pgtail_command(mode, "--dsn", pg.dsn, "-c", CHANNEL, *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=pgtail_env(checkout),
        cwd=checkout,  # ``-m`` puts the working directory first on sys.path
    )
    spy = None
    try:
        assert proc.stdout is not None
        _wait_stderr(proc, b"connected to", 15)
        if profile:
            # Collapsed stacks of the pgtail process, for flamegraph.pl or speedscope.
            spy_args = ["record", "--nonblocking", "--format", "raw", "--rate", "250"]
            spy = subprocess.Popen(
                ["py-spy", *spy_args, "-o", profile, "--pid", str(proc.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)  # py-spy gives no sign once it has attached
        sender = Sender(pg.dsn, n)
        ticks = cpu_ticks(proc.pid) or 0
        sender.start()
        fd = proc.stdout.fileno()
        count = 0
        first = last = b""
        deadline = time.monotonic() + timeout_for(n)
        while count < n and time.monotonic() < deadline:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            if not first:
                first = chunk[: chunk.find(b"\n") + 1]
            count += chunk.count(b"\n")
            last = chunk
        end = time.monotonic()
        cpu = ((cpu_ticks(proc.pid) or ticks) - ticks) / TICKS_PER_SECOND
        sender.finish()
        last_line = last.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        return PipeFlood(count, end - sender.start_at, cpu, sender.seconds, first, last_line)
    finally:
        if proc.poll() is None:
            terminate(proc, signal.SIGTERM, timeout=5)
        if spy is not None:
            spy.wait(30)


def _wait_stderr(proc: subprocess.Popen[bytes], pattern: bytes, timeout: float) -> list[bytes]:
    """Wait until a line of stderr contains *pattern*; stderr is read (to the end) by a thread."""
    assert proc.stderr is not None
    seen: list[bytes] = []
    collect_lines(proc.stderr, seen)
    wait_until(
        lambda: any(pattern in line for line in seen) or proc.poll() is not None,
        timeout=timeout,
        what=f"pgtail to report {pattern!r}",
        seen=lambda: b"".join(seen).decode(errors="replace"),
    )
    if not any(pattern in line for line in seen):
        raise RuntimeError(f"pgtail exited: {b''.join(seen).decode(errors='replace')}")
    return seen


def _check_json_lines(first: bytes, last: bytes, n: int) -> None:
    if n and (json.loads(first)["payload"] != "1" or json.loads(last)["payload"] != str(n)):
        raise RuntimeError(f"unexpected output: first {first!r}, last {last!r}")


def _check_plain_lines(first: bytes, last: bytes, n: int) -> None:
    """``HH:MM:SS.mmm  channel  pid  payload``: the payload is the last field."""
    if n and (first.split()[-1] != b"1" or last.split()[-1] != str(n).encode()):
        raise RuntimeError(f"unexpected output: first {first!r}, last {last!r}")
