"""The real command in a real terminal: tmux runs ``pgtail``, keys go in, the screen comes out."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.harness import PgServer, notify
from tests.harness.wait import wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TMUX = shutil.which("tmux") or "/usr/bin/tmux"

pytestmark = pytest.mark.skipif(not os.path.exists(TMUX), reason="tmux is not installed")


class Terminal:
    """One tmux server (own socket) with one 120x40 window."""

    def __init__(self) -> None:
        self.socket = f"pgtail-test-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TMUX, "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )

    def start(self, command: list[str]) -> None:
        env = f"-u COLUMNS -u LINES PYTHONPATH={shlex.quote(ROOT)} TERM=xterm-256color"
        line = f"env {env} {shlex.join(command)}; echo exit=$?; sleep 30"
        self.tmux(
            "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", line
        ).check_returncode()
        # Without an attached client some tmux versions keep 80x24 unless told again.
        self.tmux("resize-window", "-x", "120", "-y", "40")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p").stdout

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        """Wait until *condition(screen text)* holds and return that screen."""

        def matching() -> str:
            text = self.screen()  # never empty: one line per row of the window
            return text if condition(text) else ""

        return wait_until(matching, timeout=timeout, what=what, seen=self.screen, interval=0.1)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", *(["-l"] if literal else []), *keys).check_returncode()

    def kill(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal()
    try:
        yield term
    finally:
        term.kill()


def test_pgtail_in_tmux_sends_and_shows(pg: PgServer, terminal: Terminal) -> None:
    terminal.start([sys.executable, "-m", "pgtail", "--dsn", pg.dsn, "-c", "tmux:chan"])
    screen = terminal.wait_for(lambda s: "connected since" in s, "connected")
    assert "postgres@127.0.0.1" in screen

    notify(pg, "tmux:chan", "from outside")
    terminal.wait_for(lambda s: "from outside" in s, "an outside notification")

    terminal.keys("n")
    # Focus moves on the next turn of the event loop; keys sent before then would go to the log.
    # With the bar focused, the footer hides the one-letter keys the input would type.
    terminal.wait_for(lambda s: " q Quit" not in s, "the NOTIFY bar to take focus")
    terminal.keys("tmux:chan typed in the bar", literal=True)
    terminal.keys("Enter")
    # The bar clears after sending, so the text on screen is the log's line.
    screen = terminal.wait_for(
        lambda s: "typed in the bar" in s and "tmux:chan typed" not in s, "the sent line"
    )
    assert "↑ typed in the bar" in screen  # marked as sent by this pgtail
    terminal.wait_for(lambda s: "2 received" in s, "the count on the status line")

    terminal.keys("Escape")
    # A lone ESC is told apart from an Alt+key sequence by a pause: only once the footer is back
    # (the ESC was read as Escape) may the next key follow.
    terminal.wait_for(lambda s: " q Quit" in s, "the footer of the log")
    terminal.keys("q")
    terminal.wait_for(lambda s: "exit=0" in s, "a clean exit")
