"""The full-screen UI asks Textual for up to 120 screen updates a second unless TEXTUAL_FPS says
otherwise, which only works if Textual is not imported before the UI is started."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.harness.cli import ROOT

_PROBE = """
import os, sys
from pgtail import cli
settings = cli.settings_from_args(["--dsn", "host=nowhere", "-c", "orders"])
assert "textual" not in sys.modules, "textual imported before the UI starts"
cli._faster_frames()
import textual.constants
print(textual.constants.MAX_FPS, cli._default_fps())
"""


def _probe(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_textual_updates_up_to_120_times_a_second_and_floods_stay_at_4() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    assert _probe(env) == ["120", "4"]


def test_textual_fps_from_the_environment_wins() -> None:
    env = {**os.environ, "TEXTUAL_FPS": "30"}
    assert _probe(env) == ["30", "4"]
