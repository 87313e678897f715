"""One reader of Linux's ``/proc/PID/stat``, for the tests and the benchmark alike."""

from __future__ import annotations

from pathlib import Path

__all__ = ["stat_fields"]


def stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` from the third on (the state, ``R``/``S``/``Z``...;
    ``man 5 proc`` numbers it 3), or None once the process is gone. The command name before them
    is in parentheses and may hold spaces: the fields are counted after its last ``)``."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()
