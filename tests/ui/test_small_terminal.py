"""The real ``pgtail`` command in a real terminal (tmux) at 80×24, 100×30 and 120×40, against a
real server: the screen text tmux shows gives the payload the widths promised in the README."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.harness import PgServer, notify
from tests.harness.cli import pgtail_command, pgtail_env
from tests.harness.wait import wait_until
from tests.ui.payload_widths import LONG, LONG_NAME, SHORT, SIZES, shown_of

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Tmux:
    """One tmux server of our own (its own socket), running pgtail in a window of a fixed size."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        command = ["tmux", "-S", str(self.socket), "-f", "/dev/null", *args]
        done = subprocess.run(command, capture_output=True, text=True, env=pgtail_env(), check=True)
        return done.stdout

    def start(self, cols: int, rows: int, *pgtail_args: str) -> None:
        line = shlex.join(pgtail_command(*pgtail_args))
        self.run("new-session", "-d", "-s", "pgtail", "-x", str(cols), "-y", str(rows), line)
        # Keep the window when pgtail exits, so a failure shows its last screen.
        self.run("set-option", "-t", "pgtail", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "pgtail")

    def wait_screen(self, condition: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        """The screen text, once *condition* holds for it."""

        def shown() -> str | None:
            text = self.screen()
            return text if condition(text) else None

        result = wait_until(shown, timeout=timeout, what=what, seen=self.screen)
        assert result is not None
        return result

    def stop(self) -> None:
        subprocess.run(
            ["tmux", "-S", str(self.socket), "kill-server"], capture_output=True, check=False
        )


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    term = Tmux(tmp_path / "tmux.sock")
    try:
        yield term
    finally:
        term.stop()


def _listening(*names: str) -> Callable[[str], bool]:
    return lambda text: all(f"● {name}" in text for name in names)


@pytest.mark.parametrize(("size", "least"), SIZES)
def test_payload_widths_in_a_real_terminal(
    pg: PgServer, tmux: Tmux, size: tuple[int, int], least: int
) -> None:
    cols, rows = size
    tmux.start(cols, rows, "--dsn", pg.dsn, "-c", "orders", "-c", "jobs:insert")
    tmux.wait_screen(_listening("orders", "jobs:insert"), "both channels listening")
    for i in range(rows):  # more lines than fit: the scrollbar shows
        notify(pg, "jobs:insert" if i % 2 else "orders", f"filler {i}")
    notify(pg, "orders", LONG)
    notify(pg, "jobs:insert", SHORT)
    # Waited for as a whole: tmux may be read between two writes of one frame.
    text = tmux.wait_screen(
        lambda s: SHORT in s and LONG[:12] in s and shown_of(s, LONG)[0] >= least,
        f"the two payloads, {least} characters of the long one",
    )
    count, after = shown_of(text, LONG)
    assert count >= least and after == "…", text
    assert shown_of(text, SHORT) == (16, " "), text
    assert all(len(row) <= cols for row in text.splitlines())


def test_a_long_channel_name_in_a_real_terminal(pg: PgServer, tmux: Tmux) -> None:
    tmux.start(80, 24, "--dsn", pg.dsn, "-c", "orders", "-c", "jobs:insert", "-c", LONG_NAME)
    tmux.wait_screen(_listening("orders", "jobs:insert", "graphile"), "channels listening")
    notify(pg, LONG_NAME, LONG)
    text = tmux.wait_screen(
        lambda s: LONG[:12] in s and shown_of(s, LONG)[0] >= 30, "30 characters of the payload"
    )
    count, after = shown_of(text, LONG)
    assert count >= 30 and after == "…", text
