"""pgtail's flood benchmark: one command, one throw-away server, one table of figures.

``python -m benchmarks.run [--n 1000000]`` starts a PostgreSQL cluster with the test harness
(``tests/harness``), then measures in one run:

- the sender alone: N ``pg_notify`` calls in batched transactions, nobody listening;
- the raw baseline: a bare psycopg async ``notifies()`` loop that only counts;
- ``pgtail --json`` as a subprocess, stdout to a pipe whose lines this process counts;
- the full-screen UI in a pseudo-terminal read through ``pyte`` (throughput to the status line's
  count, key -> screen latency under a flood, NOTIFY -> screen latency, terminal bytes/s, peak
  RSS, start -> drawn). Without a UI that shows a count these rows say "n/a".

Every receiver is timed from the first NOTIFY sent to the last one received, while the sender
runs concurrently, so each rate includes the sender's pace: the ratios compare like with like.
It reports; it never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.harness.pgserver import PgServer, reap_stale_temp_dirs

ROOT = Path(__file__).resolve().parent.parent

CHANNEL = "bench"
#: Notifications per sending transaction: big enough that commits are not the cost.
CHUNK = 10_000
#: How long a receiver may take before the run gives up on it (seconds per million).
TIMEOUT_PER_MILLION = 120.0
#: What a status line showing a count looks like ("1,234 received", "received: 1234").
COUNT_RE = r"(\d[\d,]*)\s+(?:received|notifications)\b|\breceived:?\s+(\d[\d,]*)"


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    """One line of the table: a figure, its unit, its ratio to the baseline and its target."""

    name: str
    value: str
    ratio: str = ""
    target: str = ""
    ok: bool | None = None


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Exact counts received by each measured receiver (the smoke test checks these)."""

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.name}: {row.value} {row.ratio}".rstrip(), file=sys.stderr, flush=True)

    def table(self) -> str:
        header = ("figure", "value", "vs baseline", "target", "")
        cells = [header] + [
            (r.name, r.value, r.ratio, r.target, {None: "", True: "ok", False: "MISS"}[r.ok])
            for r in self.rows
        ]
        widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
        lines = [
            "  ".join(c[i].ljust(widths[i]) for i in range(len(header))).rstrip() for c in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s ({seconds:.2f} s)"


# --------------------------------------------------------------------------- sending


def send(conninfo: str, n: int, channel: str = CHANNEL, chunk: int = CHUNK) -> tuple[float, float]:
    """Send payloads 1..n in transactions of *chunk*; returns (start, end) monotonic times."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        start = time.monotonic()
        for lo in range(1, n + 1, chunk):
            hi = min(n, lo + chunk - 1)
            conn.execute(
                "SELECT count(pg_notify(%s, i::text)) FROM generate_series(%s::int, %s::int) i",
                (channel, lo, hi),
            )
        return start, time.monotonic()


def send_paced(
    conninfo: str, per_second: int, seconds: float, stop: threading.Event, chunk: int = 1000
) -> int:
    """Send at about *per_second* for *seconds* (or until *stop*); returns how many were sent."""
    sent = 0
    with psycopg.connect(conninfo, autocommit=True) as conn:
        start = time.monotonic()
        while not stop.is_set() and time.monotonic() - start < seconds:
            due = int((time.monotonic() - start) * per_second)
            if due > sent:
                k = min(chunk, due - sent)
                conn.execute(
                    "SELECT count(pg_notify(%s, i::text)) FROM generate_series(%s::int, %s::int) i",
                    (CHANNEL, sent + 1, sent + k),
                )
                sent += k
            else:
                time.sleep(0.002)
    return sent


class Sender(threading.Thread):
    """Runs :func:`send` in a thread and keeps its times."""

    def __init__(self, conninfo: str, n: int) -> None:
        super().__init__(daemon=True)
        self.conninfo, self.n = conninfo, n
        self.start_at = self.end_at = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.start_at, self.end_at = send(self.conninfo, self.n)
        except BaseException as exc:
            self.error = exc

    @property
    def seconds(self) -> float:
        return self.end_at - self.start_at


# --------------------------------------------------------------------------- baseline


async def _baseline(conninfo: str, n: int) -> tuple[int, float, float]:
    conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
    try:
        await conn.execute(f"LISTEN {CHANNEL}")
        sender = Sender(conninfo, n)
        sender.start()
        count = 0
        async for _ in conn.notifies(timeout=TIMEOUT_PER_MILLION * max(1.0, n / 1e6)):
            count += 1
            if count == n:
                break
        end = time.monotonic()
        await asyncio.to_thread(sender.join)
        if sender.error:
            raise sender.error
        return count, end - sender.start_at, sender.seconds
    finally:
        await conn.close()


def measure_sender(pg: PgServer, n: int, report: Report) -> float:
    start, end = send(pg.dsn, n)
    report.add(Row("sender alone (nobody listening)", rate(n, end - start)))
    return end - start


def measure_baseline(pg: PgServer, n: int, report: Report) -> float:
    count, seconds, send_seconds = asyncio.run(_baseline(pg.dsn, n))
    report.counts["baseline"] = count
    report.add(Row("raw baseline: psycopg notifies() loop", rate(count, seconds), "1.00x"))
    report.add(Row("  sender during baseline", rate(n, send_seconds)))
    return seconds


# --------------------------------------------------------------------------- pipe mode


#: The checkout whose pgtail is measured (``--pgtail-path``); this one by default.
PGTAIL_PATH = str(ROOT)


def pgtail_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PYTHONPATH"] = PGTAIL_PATH
    env.update(extra)
    return env


def pgtail_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pgtail", *args]


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


def measure_pipe(
    pg: PgServer, n: int, baseline: float, report: Report, profile: str | None = None
) -> None:
    """``pgtail --json`` into a pipe; this process counts newlines with large reads.

    Counting is one ``os.read`` of up to 1 MiB and one ``bytes.count`` per read, a few percent of
    one core at these rates; pgtail itself writes each batch with a single ``write``.
    """
    proc = subprocess.Popen(
        pgtail_command("--json", "--dsn", pg.dsn, "-c", CHANNEL),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=pgtail_env(),
        cwd=PGTAIL_PATH,  # ``-m`` puts the working directory first on sys.path
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
        sender.start()
        fd = proc.stdout.fileno()
        count = 0
        first = last = b""
        deadline = time.monotonic() + TIMEOUT_PER_MILLION * max(1.0, n / 1e6)
        while count < n and time.monotonic() < deadline:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            if not first:
                first = chunk[: chunk.find(b"\n") + 1]
            count += chunk.count(b"\n")
            last = chunk
        end = time.monotonic()
        sender.join()
        if sender.error:
            raise sender.error
        report.counts["pipe"] = count
        seconds = end - sender.start_at
        ratio = baseline / seconds
        report.add(
            Row(
                "pgtail --json (pipe)",
                rate(count, seconds),
                f"{ratio:.2f}x",
                ">= 1.30x",
                ratio >= 1.3,
            )
        )
        vs_sender = seconds / sender.seconds
        report.add(
            Row(
                "  time vs its sender's time",
                f"{vs_sender:.2f}x (sender {sender.seconds:.2f} s)",
                "",
                "<= 1.25x",
                vs_sender <= 1.25,
            )
        )
        _check_json_lines(first, last.rstrip(b"\n").rsplit(b"\n", 1)[-1], n)
    finally:
        _stop(proc)
        if spy is not None:
            spy.wait(30)


def _check_json_lines(first: bytes, last: bytes, n: int) -> None:
    import json

    if n and (json.loads(first)["payload"] != "1" or json.loads(last)["payload"] != str(n)):
        raise RuntimeError(f"unexpected output: first {first!r}, last {last!r}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- the UI in a pty


class Terminal:
    """``pgtail`` in a pseudo-terminal of a fixed size, its screen kept by ``pyte``.

    A thread reads the pty, counts the bytes and feeds the emulator; callers wait on conditions
    of the screen text.
    """

    def __init__(
        self, args: list[str], cols: int = 120, rows: int = 30, env: dict[str, str] | None = None
    ) -> None:
        import pyte

        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes = 0
        self.lock = threading.Condition()
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become pgtail
            full_env = pgtail_env(
                TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows), **(env or {})
            )
            os.chdir(PGTAIL_PATH)  # ``-m`` puts the working directory first on sys.path
            os.execve(sys.executable, pgtail_command(*args), full_env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.pid, self.fd = pid, fd
        self.closed = False
        self._listeners: list[Callable[[float], None]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.5)
                if not ready:
                    continue
                data = os.read(self.fd, 1 << 16)
            except OSError:
                data = b""
            if not data:
                with self.lock:
                    self.closed = True
                    self.lock.notify_all()
                return
            now = time.monotonic()
            with self.lock:
                self.bytes += len(data)
                self.stream.feed(data)
                for listener in self._listeners:
                    listener(now)
                self.lock.notify_all()

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def on_update(self, fn: Callable[[float], None]) -> None:
        """Call *fn(time)* with the lock held after every chunk of output."""
        with self.lock:
            self._listeners.append(fn)

    def wait_for(self, test: Callable[[str], bool], timeout: float) -> float | None:
        """Wait until *test(screen text)* holds; returns when it first did, or None."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                if test(self.text()):
                    return time.monotonic()
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self.lock.wait(min(left, 0.2))

    def press(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def rss_peak_kib(self) -> int | None:
        """The child's peak resident set (VmHWM), while it runs."""
        with contextlib.suppress(OSError), open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)


def shown_count(text: str, count_re: re.Pattern[str]) -> int | None:
    """The largest count the status line shows, or None."""
    best = None
    for m in count_re.finditer(text):
        digits = (m.group(1) or m.group(2) or "").replace(",", "")
        if digits.isdigit():
            best = max(best or 0, int(digits))
    return best


@contextlib.contextmanager
def terminal(pg: PgServer, args: list[str], **env: str) -> Iterator[Terminal]:
    term = Terminal(["--dsn", pg.dsn, "-c", CHANNEL, *args], env=env)
    try:
        yield term
    finally:
        term.close()


def measure_tui(
    pg: PgServer, n: int, baseline: float, opts: argparse.Namespace, report: Report
) -> None:
    count_re = re.compile(opts.count_regex)
    na = "n/a (TUI not available)"
    with terminal(pg, []) as term:
        # Start -> connected and drawn: the screen shows a count (0 at first).
        drawn = term.wait_for(lambda t: shown_count(t, count_re) is not None, 10)
        if drawn is None:
            # A UI that shows no count yet: say so, leave the rows in the table.
            screen = term.text().rstrip()
            print(f"  no count on the screen; it shows:\n{screen}", file=sys.stderr)
            for name in (
                "TUI start -> connected and drawn",
                "TUI throughput to status line",
                "TUI key -> screen during 50k/s flood",
                "TUI NOTIFY -> screen at 100/s",
                "TUI terminal output during flood",
                "TUI peak RSS after N",
            ):
                report.add(Row(name, na))
            return
        start_s = drawn - term.started
        report.add(
            Row("TUI start -> connected and drawn", f"{start_s:.2f} s", "", "< 1 s", start_s < 1)
        )

        # Throughput: from the first NOTIFY until the status line shows all N.
        sender = Sender(pg.dsn, n)
        bytes_before = term.bytes
        sender.start()
        timeout = TIMEOUT_PER_MILLION * max(1.0, n / 1e6)
        done = term.wait_for(lambda t: (shown_count(t, count_re) or 0) >= n, timeout)
        sender.join()
        shown = shown_count(term.text(), count_re) or 0
        report.counts["tui"] = shown
        if done is None:
            report.add(
                Row("TUI throughput to status line", f"incomplete: {shown:,} of {n:,} shown")
            )
        else:
            seconds = done - sender.start_at
            ratio = baseline / seconds
            report.add(
                Row(
                    "TUI throughput to status line",
                    rate(n, seconds),
                    f"{ratio:.2f}x",
                    ">= 0.50x",
                    ratio >= 0.5,
                )
            )
            out_rate = (term.bytes - bytes_before) / seconds / 1024
            report.add(
                Row(
                    "TUI terminal output during flood (120x30)",
                    f"{out_rate:,.1f} KiB/s",
                    "",
                    "<= 64 KiB/s",
                    out_rate <= 64,
                )
            )
        rss = term.rss_peak_kib()
        if rss is not None:
            mib = rss / 1024
            report.add(
                Row(
                    f"TUI peak RSS after {n:,}",
                    f"{mib:.0f} MiB",
                    "",
                    "< 150 MB",
                    mib * 1.048576 < 150,
                )
            )

        _key_latency(pg, term, opts, report)
    with terminal(pg, []) as term:
        if term.wait_for(lambda t: shown_count(t, count_re) is not None, 10) is not None:
            _notify_latency(pg, term, opts, report)


def _key_latency(pg: PgServer, term: Terminal, opts: argparse.Namespace, report: Report) -> None:
    """Press the key during a sustained 50k/s flood and time until its effect is on screen."""
    expect = re.compile(opts.key_expect)
    stop = threading.Event()
    flood = threading.Thread(
        target=send_paced, args=(pg.dsn, opts.flood_rate, 60.0, stop), daemon=True
    )
    flood.start()
    samples = []
    try:
        time.sleep(1.0)  # let the flood reach its pace
        for _ in range(opts.key_presses):
            if expect.search(term.text()):
                term.press(opts.key_close.encode())
                term.wait_for(lambda t: not expect.search(t), 2)
            pressed = time.monotonic()
            term.press(opts.key.encode())
            seen = term.wait_for(lambda t: bool(expect.search(t)), 5)
            if seen is None:
                break
            samples.append(seen - pressed)
            term.press(opts.key_close.encode())
            term.wait_for(lambda t: not expect.search(t), 2)
            time.sleep(0.3)
    finally:
        stop.set()
        flood.join()
    name = f"TUI key {opts.key!r} -> screen during {opts.flood_rate:,}/s flood"
    if not samples:
        report.add(Row(name, f"n/a (no screen change matching {opts.key_expect!r})"))
        return
    worst = max(samples)
    report.add(
        Row(
            name,
            f"p50 {statistics.median(samples) * 1000:.0f} ms, max {worst * 1000:.0f} ms",
            "",
            "< 100 ms",
            worst < 0.1,
        )
    )


def _notify_latency(pg: PgServer, term: Terminal, opts: argparse.Namespace, report: Report) -> None:
    """Send ``lat-<seq>`` payloads at 100/s; time each from commit to first on screen."""
    sent_at: dict[int, float] = {}
    seen_at: dict[int, float] = {}
    marker = re.compile(r"lat-(\d+)\b")

    def on_update(now: float) -> None:
        for m in marker.finditer(term.text()):
            seq = int(m.group(1))
            if seq not in seen_at:
                seen_at[seq] = now

    term.on_update(on_update)
    total = int(opts.latency_rate * opts.latency_seconds)
    with psycopg.connect(pg.dsn, autocommit=True) as conn:
        start = time.monotonic()
        for seq in range(total):
            due = start + seq / opts.latency_rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            before = time.monotonic()
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"lat-{seq}"))
            # The NOTIFY is delivered at commit: take the midpoint of the round trip.
            sent_at[seq] = (before + time.monotonic()) / 2
    time.sleep(0.5)
    with term.lock:
        latencies = sorted(seen_at[s] - sent_at[s] for s in sent_at if s in seen_at)
    name = f"TUI NOTIFY -> screen at {opts.latency_rate:g}/s"
    if not latencies:
        report.add(Row(name, "n/a (payloads never shown)"))
        return
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    report.add(
        Row(
            name,
            f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms ({len(latencies)}/{total} seen)",
            "",
            "p99 < 50 ms",
            p99 < 0.05,
        )
    )


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1_000_000, help="notifications per flood (1,000,000)")
    p.add_argument(
        "--skip-tui", action="store_true", help="only the sender, baseline and pipe mode"
    )
    p.add_argument("--pgtail-path", metavar="DIR", help="measure the pgtail of this checkout")
    p.add_argument("--profile-pipe", metavar="FILE", help="record pgtail --json with py-spy")
    p.add_argument("--count-regex", default=COUNT_RE, help="how the UI's status line shows a count")
    p.add_argument("--key", default="?", help="key whose effect is timed during the flood (?)")
    p.add_argument("--key-expect", default="command palette", help="regex the key shows")
    p.add_argument("--key-close", default="\x1b", help="key that undoes it (escape)")
    p.add_argument("--key-presses", type=int, default=5)
    p.add_argument("--flood-rate", type=int, default=50_000)
    p.add_argument("--latency-rate", type=float, default=100.0)
    p.add_argument("--latency-seconds", type=float, default=5.0)
    return p.parse_args(argv)


def run(argv: list[str] | None = None) -> Report:
    global PGTAIL_PATH
    opts = parse_args(argv)
    PGTAIL_PATH = os.path.abspath(opts.pgtail_path or ROOT)
    report = Report()
    n = opts.n
    print(f"pgtail benchmark: N = {n:,}, {os.cpu_count()} CPUs", file=sys.stderr, flush=True)
    with PgServer() as pg:
        measure_sender(pg, n, report)
        baseline = measure_baseline(pg, n, report)
        measure_pipe(pg, n, baseline, report, opts.profile_pipe)
        if not opts.skip_tui:
            measure_tui(pg, n, baseline, opts, report)
    return report


def _sigterm_to_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    # As an interrupt, SIGTERM (``timeout``) still stops the server and any pgtail started.
    signal.signal(signal.SIGTERM, _sigterm_to_interrupt)
    reap_stale_temp_dirs()
    report = run()
    print(report.table())


if __name__ == "__main__":
    main()
