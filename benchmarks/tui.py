"""The full-screen UI measured in a pseudo-terminal read through pyte.

Throughput to the status line's count, bytes written to the terminal, peak RSS, start -> drawn,
key -> screen during a paced flood, CPU used while connected with nothing arriving, and NOTIFY ->
screen at a low and at a steady rate. The terminal is the tests' own driver
(``tests.harness.pty``). Every row is always there: a UI that shows no count
gets ``n/a`` in each, and so does a figure that could not be taken.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

from benchmarks.cpu import TICKS_PER_SECOND, cpu_ticks
from benchmarks.report import Figure, Report, Target, rate
from benchmarks.sending import CHANNEL, Sender, timeout_for
from tests.harness.flood import send_paced
from tests.harness.pgserver import PgServer
from tests.harness.pty import PtyPgtail

__all__ = ["COLS", "COUNT_RE", "FIGURES", "ROWS", "measure_idle", "measure_tui"]

#: The terminal's size.
COLS, ROWS = 120, 30
#: What a status line showing a count looks like ("1,234 received", "received: 1234").
COUNT_RE = r"(\d[\d,]*)\s+(?:received|notifications)\b|\breceived:?\s+(\d[\d,]*)"

START = Figure("TUI start -> connected and drawn", Target("<", 1, " s"))
THROUGHPUT = Figure("TUI throughput to status line", Target(">=", 0.50, "x", decimals=2))
"""Its rate relative to the raw baseline's."""
OUTPUT = Figure("TUI terminal output during flood", Target("<=", 48, " KiB/s"))
PEAK_RSS = Figure("TUI peak RSS after the flood", Target("<", 150, " MB"))
KEY = Figure("TUI key -> screen during paced flood", Target("<", 100, " ms", statistic="max"))
NOTIFY = Figure("TUI NOTIFY -> screen at steady rate", Target("<", 50, " ms", statistic="p99"))
NOTIFY_LOW = Figure("TUI NOTIFY -> screen at low rate", Target("<", 20, " ms", statistic="p50"))
IDLE = Figure("TUI idle CPU, connected, nothing arriving", Target("<", 0.3, " %", decimals=1))
"""Percent of one core, from the process's CPU ticks (not wall-clock rates: a busy machine does
not change it much)."""
FIGURES = (START, THROUGHPUT, OUTPUT, PEAK_RSS, KEY, IDLE, NOTIFY_LOW, NOTIFY)
#: After drawing, how long the UI is left to settle (the delivery check, the first queue poll)
#: before its idle CPU is counted.
IDLE_SETTLE = 3.0


def conditions(opts: argparse.Namespace) -> str:
    """The TUI rows' conditions, for the report's heading."""
    return (
        f"TUI in {COLS}x{ROWS}, key {opts.key!r} during a {opts.flood_rate:,}/s flood, "
        f"idle over {opts.idle_seconds:g} s, "
        f"NOTIFY at {opts.low_latency_rate:g}/s and {opts.latency_rate:g}/s"
    )


def shown_count(text: str, count_re: re.Pattern[str]) -> int | None:
    """The largest count the status line shows, or None."""
    best = None
    for m in count_re.finditer(text):
        digits = (m.group(1) or m.group(2) or "").replace(",", "")
        if digits.isdigit():
            best = max(best or 0, int(digits))
    return best


@contextlib.contextmanager
def terminal(pg: PgServer, checkout: Path) -> Iterator[PtyPgtail]:
    term = PtyPgtail("--dsn", pg.dsn, "-c", CHANNEL, cols=COLS, rows=ROWS, checkout=checkout)
    try:
        yield term
    finally:
        term.close()


def measure_tui(
    pg: PgServer,
    n: int,
    baseline: float,
    opts: argparse.Namespace,
    report: Report,
    checkout: Path,
) -> None:
    count_re = re.compile(opts.count_regex)
    with terminal(pg, checkout) as term:
        # Start -> connected and drawn: the screen shows a count (0 at first).
        drawn = term.wait_until(lambda t: shown_count(t, count_re) is not None, 10)
        if drawn is None:
            # A UI that shows no count yet: say so, leave the rows in the table.
            screen = term.screen().rstrip()
            print(f"  no count on the screen; it shows:\n{screen}", file=sys.stderr)
            report.not_measured(FIGURES, "TUI not available")
            return
        start_s = drawn - term.started
        report.add(START, f"{start_s:.2f} s", measured=start_s)
        _throughput(pg, n, baseline, term, count_re, report)
        _key_latency(pg, term, opts, report)
    with terminal(pg, checkout) as term:
        if term.wait_until(lambda t: shown_count(t, count_re) is not None, 10) is None:
            report.not_measured((IDLE, NOTIFY_LOW, NOTIFY), "TUI not available")
        else:
            measure_idle(term, opts.idle_seconds, report)
            low = (opts.low_latency_rate, opts.low_latency_seconds)
            _notify_latency(pg, term, NOTIFY_LOW, *low, "slow", report)
            steady = (opts.latency_rate, opts.latency_seconds)
            _notify_latency(pg, term, NOTIFY, *steady, "lat", report)


def _throughput(
    pg: PgServer,
    n: int,
    baseline: float,
    term: PtyPgtail,
    count_re: re.Pattern[str],
    report: Report,
) -> None:
    """From the first NOTIFY until the status line shows all N; terminal bytes; peak RSS."""
    sender = Sender(pg.dsn, n)
    bytes_before = len(term.output)
    sender.start()
    done = term.wait_until(lambda t: (shown_count(t, count_re) or 0) >= n, timeout_for(n))
    sender.join()
    shown = shown_count(term.screen(), count_re) or 0
    report.counts["tui"] = shown
    if done is None:
        report.add(THROUGHPUT, f"incomplete: {shown:,} of {n:,} shown")
        report.not_measured((OUTPUT,), "the flood was not shown in full")
    else:
        seconds = done - sender.start_at
        ratio = baseline / seconds
        report.add(THROUGHPUT, rate(n, seconds), ratio=f"{ratio:.2f}x", measured=ratio)
        out_rate = (len(term.output) - bytes_before) / seconds / 1024
        report.add(OUTPUT, f"{out_rate:,.1f} KiB/s", measured=out_rate)
    rss = term.peak_rss_kib()
    if rss is None:
        report.not_measured((PEAK_RSS,), "pgtail is gone")
    else:
        mib = rss / 1024
        report.add(PEAK_RSS, f"{mib:.0f} MiB", measured=mib * 1.048576)


def _key_latency(pg: PgServer, term: PtyPgtail, opts: argparse.Namespace, report: Report) -> None:
    """Press the key during a sustained flood and time until its effect is on screen."""
    expect = re.compile(opts.key_expect)
    stop = threading.Event()
    flood = threading.Thread(
        target=send_paced, args=(pg.dsn, CHANNEL, opts.flood_rate, 60.0, stop), daemon=True
    )
    flood.start()
    samples = []
    try:
        time.sleep(1.0)  # let the flood reach its pace
        for _ in range(opts.key_presses):
            if expect.search(term.screen()):
                term.type(opts.key_close)
                term.wait_until(lambda t: not expect.search(t), 2)
            pressed = time.monotonic()
            term.type(opts.key)
            seen = term.wait_until(lambda t: bool(expect.search(t)), 5)
            if seen is None:
                break
            samples.append(seen - pressed)
            term.type(opts.key_close)
            term.wait_until(lambda t: not expect.search(t), 2)
            time.sleep(0.3)  # the samples are spaced, each press in the flood's steady state
    finally:
        stop.set()
        flood.join()
    if not samples:
        report.not_measured((KEY,), f"no screen change matching {opts.key_expect!r}")
        return
    worst = max(samples)
    report.add(
        KEY,
        f"p50 {statistics.median(samples) * 1000:.0f} ms, max {worst * 1000:.0f} ms",
        measured=worst * 1000,
    )


def measure_idle(term: PtyPgtail, seconds: float, report: Report) -> None:
    """CPU ticks of the connected UI over *seconds* with nothing arriving, as % of one core."""
    time.sleep(IDLE_SETTLE)
    pid = term.proc.pid
    before, began = cpu_ticks(pid), time.monotonic()
    written = len(term.output)
    time.sleep(seconds)
    after, ended = cpu_ticks(pid), time.monotonic()
    if before is None or after is None:
        report.not_measured((IDLE,), "pgtail is gone")
        return
    ticks, elapsed = after - before, ended - began
    percent = ticks / TICKS_PER_SECOND / elapsed * 100
    out = (len(term.output) - written) / elapsed
    report.add(
        IDLE,
        f"{percent:.2f} % ({ticks} ticks in {elapsed:.0f} s; {out:,.0f} B/s to the terminal)",
        measured=percent,
    )


def _notify_latency(
    pg: PgServer,
    term: PtyPgtail,
    figure: Figure,
    per_second: float,
    seconds: float,
    prefix: str,
    report: Report,
) -> None:
    """Send ``<prefix>-<seq>`` payloads at *per_second*; time each from commit to the arrival
    of the first frame that shows it. The figure's target says which statistic it is checked on
    (p50 or p99).

    The payloads are looked for in the bytes as they arrive, not on pyte's screen: parsing a
    frame takes the terminal emulator of this process milliseconds that pgtail did not spend."""
    sent_at: dict[int, float] = {}
    seen_at: dict[int, float] = {}
    seen_lock = threading.Lock()
    # Something other than a digit must follow: "lat-12" ending a chunk may be "lat-123" cut short.
    marker = re.compile(prefix.encode() + rb"-(\d+)(?=\D)")
    searched = len(term.output)
    watching = True

    def on_update(now: float) -> None:
        nonlocal searched
        if not watching:
            return
        with seen_lock:
            # From a little before the new bytes: a payload may be cut across two chunks.
            for m in marker.finditer(term.output, max(0, searched - 32)):
                seen_at.setdefault(int(m.group(1)), now)
            searched = len(term.output)
            if total - 1 in seen_at:
                last_seen.set()

    total = int(per_second * seconds)
    last_seen = threading.Event()
    term.on_update(on_update)
    with psycopg.connect(pg.dsn, autocommit=True) as conn:
        start = time.monotonic()
        for seq in range(total):
            due = start + seq / per_second
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{prefix}-{seq}"))
            # The NOTIFY leaves at the end of the commit, just before its answer: timed from
            # the answer. (The midpoint of the round trip counted half of a slow commit, such
            # as one that trims the server's notification queue after a flood: 200-700 ms.)
            sent_at[seq] = time.monotonic()
    # Until the last one is on screen (or 5 s): earlier ones not seen by then count as lost.
    # Not with term.wait_until: parsing the screen holds the reader back (the whole run's
    # output at once: up to a second), and the last chunks would be timed late.
    last_seen.wait(5)
    with seen_lock:
        watching = False
        latencies = sorted(seen_at[s] - sent_at[s] for s in sent_at if s in seen_at)
    if not latencies:
        report.not_measured((figure,), "payloads never shown")
        return
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    statistic = {"p50": p50, "p99": p99}[figure.target.statistic if figure.target else "p99"]
    report.add(
        figure,
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms ({len(latencies)}/{total} seen)",
        measured=statistic * 1000,
    )
