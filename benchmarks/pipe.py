"""Pipe mode measured: ``pgtail --json`` as a subprocess, its stdout a pipe this process counts.

Counting is one ``os.read`` of up to 1 MiB and one ``bytes.count`` per read, a few percent of
one core at these rates; pgtail itself writes each batch with a single ``write``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from benchmarks.report import Figure, Report, Target, rate
from benchmarks.sending import CHANNEL, Sender, timeout_for
from pgtail.demo.processes import terminate
from tests.harness.cli import collect_lines, pgtail_command, pgtail_env
from tests.harness.pgserver import PgServer
from tests.harness.wait import wait_until

__all__ = ["PIPE", "PIPE_FILTERED", "PIPE_VS_SENDER", "measure_pipe", "measure_pipe_filtered"]

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


def measure_pipe(
    pg: PgServer,
    n: int,
    baseline: float,
    report: Report,
    checkout: Path,
    profile: str | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[int, float, float]:
    """``pgtail --json`` of *checkout* into a pipe, from the first NOTIFY to the N-th line: the
    lines counted, the seconds taken and the CPU seconds pgtail spent meanwhile. With *extra*
    arguments it only measures (then :func:`measure_pipe_filtered` reports)."""
    proc = subprocess.Popen(
        pgtail_command("--json", "--dsn", pg.dsn, "-c", CHANNEL, *extra),
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
        cpu_before = _cpu_seconds(proc.pid)
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
        cpu = _cpu_seconds(proc.pid) - cpu_before
        sender.finish()
        seconds = end - sender.start_at
        if extra:
            report.counts["pipe filtered"] = count
            return count, seconds, cpu
        report.counts["pipe"] = count
        ratio = baseline / seconds
        report.add(PIPE, rate(count, seconds), ratio=f"{ratio:.2f}x", measured=ratio)
        vs_sender = seconds / sender.seconds
        report.add(
            PIPE_VS_SENDER,
            f"{vs_sender:.2f}x (sender {sender.seconds:.2f} s)",
            measured=vs_sender,
        )
        _check_json_lines(first, last.rstrip(b"\n").rsplit(b"\n", 1)[-1], n)
        return count, seconds, cpu
    finally:
        if proc.poll() is None:
            terminate(proc, signal.SIGTERM, timeout=5)
        if spy is not None:
            spy.wait(30)


def measure_pipe_filtered(
    pg: PgServer,
    n: int,
    unfiltered: tuple[int, float, float],
    report: Report,
    checkout: Path,
    expr: str,
) -> None:
    """``pgtail --json --filter EXPR``, where *expr* lets every flood payload through, against
    the *unfiltered* pipe's run (lines, seconds, CPU seconds)."""
    count, seconds, cpu = measure_pipe(pg, n, 0.0, report, checkout, extra=("--filter", expr))
    lines, _, cpu_unfiltered = unfiltered
    ratio = (cpu_unfiltered / lines) / (cpu / count) if cpu and count else 0.0
    value = f"{rate(count, seconds)}; CPU {cpu:.2f} s vs {cpu_unfiltered:.2f} s"
    report.add(PIPE_FILTERED, value, ratio=f"{ratio:.2f}x unfiltered", measured=ratio)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process *pid* so far (Linux's /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
