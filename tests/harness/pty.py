"""The real ``python -m pgtail`` on a pseudo-terminal, for the tests and the benchmark.

Every byte pgtail writes is kept and fed to pyte (a terminal emulator) to see the screen; callers
wait on conditions of the screen text, with a deadline. Reading can be stopped, like a terminal
behind a stalled SSH link, to show that pgtail keeps draining the server meanwhile. Listeners
hear of every chunk of output with its arrival time, which is how the benchmark times latency.
The screen is brought up to date when it is looked at, not by the reader: pyte takes
milliseconds per frame, which would hold up reading the next chunk and skew arrival times.
"""

from __future__ import annotations

import array
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyte

from tests.harness.cli import ROOT, pgtail_command, pgtail_env
from tests.harness.wait import timed_out

__all__ = ["PtyPgtail"]


class PtyPgtail:
    """One pgtail process on a pty of a fixed size.

    *checkout* is the source tree whose pgtail runs (this one by default); *env* adds variables
    to a ``PG*``-free environment. *command*, when given, runs instead of ``pgtail *args`` (the
    benchmark runs pgtail through ``ssh``).
    """

    def __init__(
        self,
        *args: str,
        cols: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
        checkout: str | Path = ROOT,
        command: list[str] | None = None,
    ) -> None:
        self.cols, self.rows = cols, rows
        master, slave = os.openpty()
        # The size is set before pgtail starts, so its first frame already has it.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = pgtail_env(checkout)
        full_env.pop("COLUMNS", None)
        full_env.pop("LINES", None)
        full_env["TERM"] = "xterm-256color"
        full_env.update(env or {})  # may set TERM too (xterm: 16 colours)
        self.started = time.monotonic()
        """When pgtail was started (``time.monotonic()``)."""
        self.proc = subprocess.Popen(
            command or pgtail_command(*args),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=checkout,  # ``-m`` puts the working directory first on sys.path
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        """Every byte pgtail wrote to the terminal."""
        self.closed = False
        """True once the terminal has hung up (pgtail and its output are gone)."""
        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._fed = 0
        self._arrived = self.started
        """When the newest chunk of output arrived."""
        self._shown_at = self.started
        """When the newest chunk parsed into the screen arrived."""
        self._changed = threading.Condition()
        self._listeners: list[Callable[[float], None]] = []
        self._reading = threading.Event()
        self._reading.set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ output

    def _read(self) -> None:
        while not self._stop.is_set():
            self._reading.wait()
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready or not self._reading.is_set():
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""  # the child is gone and the pty closed
            now = time.monotonic()
            with self._changed:
                if not data:
                    self.closed = True
                    self._changed.notify_all()
                    return
                self.output += data
                self._arrived = now
                for listener in self._listeners:
                    listener(now)
                self._changed.notify_all()

    def on_update(self, listener: Callable[[float], None]) -> None:
        """Call *listener(arrival time)* after every chunk of output (on the reader thread: the
        new bytes are in :attr:`output`; :meth:`screen` shows them, at the cost of parsing)."""
        with self._changed:
            self._listeners.append(listener)

    def stop_reading(self) -> None:
        """Like a stalled terminal: nothing is read, so pgtail's writes soon block."""
        self._reading.clear()

    def resume_reading(self) -> None:
        self._reading.set()

    def screen(self) -> str:
        with self._changed:
            if self._fed < len(self.output):
                self._stream.feed(bytes(self.output[self._fed :]))
                self._fed = len(self.output)
                self._shown_at = self._arrived
            return "\n".join(self._screen.display)

    def cells(self) -> list[list[pyte.screens.Char]]:
        """The screen's cells, row by row: each a character with its colours (``fg``, ``bg``:
        a colour name such as ``red`` or ``brightred`` in 16 colours, hex digits in more)."""
        with self._changed:
            buffer = self._screen.buffer
            return [[buffer[y][x] for x in range(self.cols)] for y in range(self.rows)]

    def unread(self) -> int:
        """How many bytes pgtail wrote that the terminal has not read yet (FIONREAD)."""
        count = array.array("i", [0])
        fcntl.ioctl(self.master, termios.FIONREAD, count)
        return count[0]

    def wait_until(self, condition: Callable[[str], bool], timeout: float) -> float | None:
        """When *condition(screen text)* first held (``time.monotonic()``: when the output that
        made it hold arrived, not when it was parsed), or None if it did not within *timeout* s
        or the terminal hung up first."""
        held = self._wait(condition, timeout)
        return None if held is None else held[0]

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        """Wait until *condition(screen text)* holds and return that screen; fail naming *what*
        and showing the screen."""
        held = self._wait(condition, timeout)
        if held is None:
            raise AssertionError(timed_out(condition, timeout, what, self._describe))
        return held[1]

    def _wait(self, condition: Callable[[str], bool], timeout: float) -> tuple[float, str] | None:
        """(when, screen text) once *condition* holds; looked at again after every chunk of
        output (not polled), so the time is when the screen changed, for the benchmark."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                screen = self.screen()
                if condition(screen):
                    return self._shown_at, screen
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self._changed.wait(min(left, 0.2))

    def _describe(self) -> str:
        gone = "(the terminal hung up: pgtail has exited)\n" if self.closed else ""
        return gone + self.screen()

    # ------------------------------------------------------------------ input

    def type(self, text: str | bytes) -> None:
        os.write(self.master, text.encode() if isinstance(text, str) else text)

    def click(self, x: int, y: int) -> None:
        """A left click at column *x*, row *y* (0-based), as an SGR mouse report."""
        self.type(f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m")

    # ------------------------------------------------------------------ the process

    def _status_kib(self, field: str) -> int | None:
        """A ``kB`` field of /proc/<pid>/status (VmRSS, VmHWM) while pgtail runs."""
        try:
            lines = Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
        except OSError:
            return None
        for line in lines:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        return None

    def rss_mb(self) -> float:
        """The process's resident memory now, in MiB (0 once it is gone)."""
        return (self._status_kib("VmRSS") or 0) / 1024

    def peak_rss_kib(self) -> int | None:
        """The process's peak resident memory so far (VmHWM), in KiB."""
        return self._status_kib("VmHWM")

    def wait_exit(self, timeout: float = 15) -> int:
        return self.proc.wait(timeout)

    def close(self) -> None:
        """End pgtail (SIGTERM, then SIGKILL), take what it wrote last, and close the pty."""
        if self._stop.is_set():
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        # The reader takes what is left (the terminal reset on exit) and ends at the hangup.
        self.resume_reading()
        self._thread.join(2)
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
