"""pgtail's flood benchmark: one command, one throw-away server, one table of figures.

``python -m benchmarks.run [--n 1000000]`` starts a PostgreSQL cluster with the test harness
(``tests/harness``), then measures in one run:

- the sender alone: N ``pg_notify`` calls in batched transactions, nobody listening;
- the raw baseline: a bare psycopg async ``notifies()`` loop that only counts;
- ``pgtail --json`` and ``pgtail --plain`` as subprocesses, stdout to a pipe whose lines this
  process counts;
- the full-screen UI in a pseudo-terminal read through ``pyte`` (throughput to the status line's
  count, key -> screen latency under a flood, idle CPU, NOTIFY -> screen latency at a low and a
  steady rate, terminal bytes/s, peak RSS, start -> drawn). Without a UI that shows a count these
  rows say "n/a";
- the same UI through ``ssh`` on loopback (a throw-away sshd), in 80x24: bytes/s during a flood.

Every receiver is timed from the first NOTIFY sent to the last one received, while the sender
runs concurrently, so each rate includes the sender's pace: the ratios compare like with like.
It reports; it never fails on a slow figure. The measurements live in ``baseline``, ``pipe``,
``tui`` and ``ssh`` (with ``cpu`` for CPU ticks); the table and the targets in ``report``.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path

from benchmarks.baseline import measure_baseline, measure_sender
from benchmarks.pipe import FLOOD_FILTER, measure_pipe, measure_pipe_filtered, measure_plain
from benchmarks.report import Report
from benchmarks.ssh import SSH_COLS, SSH_ROWS, measure_ssh
from benchmarks.tui import COUNT_RE, conditions, measure_tui
from pgtail.demo.signals import stop_signals_interrupt
from tests.harness.cli import ROOT
from tests.harness.pgserver import PgServer, reap_stale_temp_dirs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1_000_000, help="notifications per flood (1,000,000)")
    p.add_argument(
        "--skip-tui", action="store_true", help="only the sender, baseline and pipe mode"
    )
    p.add_argument("--skip-ssh", action="store_true", help="leave out the UI over ssh")
    p.add_argument("--pgtail-path", metavar="DIR", help="measure the pgtail of this checkout")
    p.add_argument("--profile-pipe", metavar="FILE", help="record pgtail --json with py-spy")
    p.add_argument(
        "--pipe-filter",
        metavar="EXPR",
        nargs="?",
        const=FLOOD_FILTER,
        help=f"also measure pgtail --json --filter EXPR ({FLOOD_FILTER}); EXPR must pass all",
    )
    p.add_argument("--count-regex", default=COUNT_RE, help="how the UI's status line shows a count")
    p.add_argument("--key", default="?", help="key whose effect is timed during the flood (?)")
    p.add_argument("--key-expect", default="command palette", help="regex the key shows")
    p.add_argument("--key-close", default="\x1b", help="key that undoes it (escape)")
    p.add_argument("--key-presses", type=int, default=5)
    p.add_argument("--flood-rate", type=int, default=50_000)
    p.add_argument("--latency-rate", type=float, default=100.0)
    p.add_argument("--latency-seconds", type=float, default=5.0)
    p.add_argument("--low-latency-rate", type=float, default=10.0)
    p.add_argument("--low-latency-seconds", type=float, default=10.0)
    p.add_argument("--ssh-seconds", type=float, default=10.0, help="the flood over ssh (10)")
    p.add_argument(
        "--idle-seconds",
        type=float,
        default=60.0,
        help="how long the idle UI's CPU time is counted (60; shorter for quick runs)",
    )
    return p.parse_args(argv)


def run(argv: list[str] | None = None) -> Report:
    opts = parse_args(argv)
    checkout = Path(os.path.abspath(opts.pgtail_path or ROOT))
    n = opts.n
    heading = f"N = {n:,}, {os.cpu_count()} CPUs"
    if not opts.skip_tui:
        heading += f"; {conditions(opts)}"
    if not opts.skip_tui and not opts.skip_ssh:
        heading += f"; over ssh in {SSH_COLS}x{SSH_ROWS} during the flood"
    report = Report(heading)
    print(f"pgtail benchmark: {heading}", file=sys.stderr, flush=True)
    with PgServer() as pg:
        measure_sender(pg, n, report)
        baseline = measure_baseline(pg, n, report)
        json_flood = measure_pipe(pg, n, baseline, report, checkout, opts.profile_pipe)
        measure_plain(pg, n, baseline, json_flood, report, checkout)
        if opts.pipe_filter:
            measure_pipe_filtered(pg, n, json_flood, report, checkout, opts.pipe_filter)
        if not opts.skip_tui:
            measure_tui(pg, n, baseline, opts, report, checkout)
        if not opts.skip_tui and not opts.skip_ssh:
            count_re = re.compile(opts.count_regex)
            measure_ssh(pg, opts.flood_rate, opts.ssh_seconds, count_re, report, checkout)
    return report


def main() -> None:
    # As an interrupt, SIGTERM (``timeout``) still stops the server and any pgtail started.
    with stop_signals_interrupt((signal.SIGTERM,)):
        reap_stale_temp_dirs()
        report = run()
    print(report.table())


if __name__ == "__main__":
    main()
