"""The package as users install it: the wheel carries the styles, and both entry points run."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.harness.cli import pgtail_env

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_the_stylesheet_and_every_package(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for wanted in [
        "pgtail/ui/pgtail.tcss",
        "pgtail/ui/widgets/__init__.py",
        "pgtail/core/listener.py",
        "pgtail/demo/server.py",
    ]:
        assert wanted in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "pgtail = pgtail.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_python_dash_m_runs_the_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pgtail", "--version"],
        capture_output=True,
        text=True,
        env=pgtail_env(),
        check=True,
    )
    assert out.stdout.startswith("pgtail ")
