"""The UI's garbage-collection settings apply to a process pgtail owns, never to a headless app
(the tests run many apps in one process). Each case runs in a fresh interpreter: the settings are
process-wide."""

from __future__ import annotations

import subprocess
import sys

from tests.harness.cli import ROOT

_SHOW = (
    "import gc; from pgtail.ui.gc_pauses import fewer_gc_pauses; "
    "before = gc.get_threshold(); fewer_gc_pauses({headless}); "
    "print(before[2], gc.get_threshold()[2], gc.get_freeze_count() > 0)"
)


def _run(headless: bool) -> list[str]:
    code = _SHOW.format(headless=headless)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return out.stdout.split()


def test_an_owned_process_freezes_start_up_objects_and_collects_fully_less_often() -> None:
    default, after, frozen = _run(headless=False)
    assert (default, after, frozen) == ("10", "100", "True")


def test_a_headless_app_leaves_the_collector_alone() -> None:
    assert _run(headless=True) == ["10", "10", "False"]
