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
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.cpu import TICKS_PER_SECOND, cpu_ticks
from benchmarks.report import Figure, Report, Target, rate
from benchmarks.sending import CHANNEL, Sender, timeout_for
from pgtail.demo.processes import terminate
from tests.harness.cli import pgtail_command, pgtail_env
from tests.harness.pgserver import PgServer

__all__ = [
    "PIPE",
    "PIPE_VS_SENDER",
    "PLAIN",
    "PLAIN_VS_JSON",
    "PipeFlood",
    "measure_pipe",
    "measure_plain",
]

PIPE = Figure("pgtail --json (pipe)", Target(">=", 1.30, "x", decimals=2))
"""Its rate relative to the raw baseline's."""
PIPE_VS_SENDER = Figure("  time vs its sender's time", Target("<=", 1.25, "x", decimals=2))
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
    mode: str, pg: PgServer, n: int, checkout: Path, profile: str | None = None
) -> PipeFlood:
    """Send N while ``pgtail MODE`` prints them into a pipe this process counts."""
    proc = subprocess.Popen(
        pgtail_command(mode, "--dsn", pg.dsn, "-c", CHANNEL),
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
            time.sleep(1.0)
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
    """Read stderr lines until one contains *pattern*; the rest is drained by a thread."""
    assert proc.stderr is not None
    seen: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if pattern in line:
            threading.Thread(
                target=seen.extend, args=(iter(proc.stderr.readline, b""),), daemon=True
            ).start()
            return seen
    raise RuntimeError(
        f"pgtail did not report {pattern!r}: {b''.join(seen).decode(errors='replace')}"
    )


def _check_json_lines(first: bytes, last: bytes, n: int) -> None:
    if n and (json.loads(first)["payload"] != "1" or json.loads(last)["payload"] != str(n)):
        raise RuntimeError(f"unexpected output: first {first!r}, last {last!r}")


def _check_plain_lines(first: bytes, last: bytes, n: int) -> None:
    """``HH:MM:SS.mmm  channel  pid  payload``: the payload is the last field."""
    if n and (first.split()[-1] != b"1" or last.split()[-1] != str(n).encode()):
        raise RuntimeError(f"unexpected output: first {first!r}, last {last!r}")
