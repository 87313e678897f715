"""Placeholder until the full-screen UI lands: the terminal gets the plain output."""

from __future__ import annotations

from dataclasses import replace

from pgtail.settings import OutputMode, Settings


def run(settings: Settings) -> int:
    from pgtail.plain import run as run_pipe

    return run_pipe(replace(settings, mode=OutputMode.PLAIN))
