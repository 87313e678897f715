"""The package stays in small modules: none over 400 lines."""

from __future__ import annotations

from pathlib import Path

import pgtail

MAX_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    root = Path(pgtail.__file__).parent
    long = {
        str(path.relative_to(root)): lines
        for path in root.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"
