"""The real ``python -m pgtail`` on a pseudo-terminal: every byte it writes is kept, and read
through pyte (a terminal emulator) to see the screen. Reading can be stopped, like a terminal
behind a stalled SSH link, to show that pgtail keeps draining the server meanwhile."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent.parent


class PtyPgtail:
    """One pgtail process on a pty of a fixed size."""

    def __init__(
        self, *args: str, cols: int = 120, rows: int = 40, env: dict[str, str] | None = None
    ) -> None:
        self.cols, self.rows = cols, rows
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        base = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        base.pop("COLUMNS", None)
        base.pop("LINES", None)
        base.update(TERM="xterm-256color", PYTHONPATH=str(ROOT))
        base.update(env or {})  # may set TERM too (xterm: 16 colours)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pgtail", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=base,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        """Every byte pgtail wrote to the terminal."""
        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._lock = threading.Lock()
        self._reading = threading.Event()
        self._reading.set()
        self._closed = False
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._closed:
            self._reading.wait()
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready or not self._reading.is_set():
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return  # the child is gone and the pty closed
            if not data:
                return
            with self._lock:
                self.output += data
                self._stream.feed(data)

    def stop_reading(self) -> None:
        """Like a stalled terminal: nothing is read, so pgtail's writes soon block."""
        self._reading.clear()

    def resume_reading(self) -> None:
        self._reading.set()

    def screen(self) -> str:
        with self._lock:
            return "\n".join(self._screen.display)

    def cells(self) -> list[list[pyte.screens.Char]]:
        """The screen's cells, row by row: each a character with its colours (``fg``, ``bg``:
        a colour name such as ``red`` or ``brightred`` in 16 colours, hex digits in more)."""
        with self._lock:
            buffer = self._screen.buffer
            return [[buffer[y][x] for x in range(self.cols)] for y in range(self.rows)]

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline or (self.proc.poll() is not None and text):
                if condition(self.screen()):
                    return self.screen()
                raise AssertionError(f"timed out waiting for {what}; screen:\n{text}")
            time.sleep(0.05)

    def type(self, text: str | bytes) -> None:
        os.write(self.master, text.encode() if isinstance(text, str) else text)

    def click(self, x: int, y: int) -> None:
        """A left click at column *x*, row *y* (0-based), as an SGR mouse report."""
        self.type(f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m")

    def rss_mb(self) -> float:
        """The process's resident memory, from /proc."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def wait_exit(self, timeout: float = 15) -> int:
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self._closed:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        # Let the reader take what is left (the terminal reset on exit), then stop it.
        self.resume_reading()
        time.sleep(0.1)
        self._closed = True
        self._thread.join(2)
        os.close(self.master)
