"""CPU time of a process from ``/proc/PID/stat``: clock ticks, which do not depend on how busy
the rest of the machine is (unlike wall-clock rates), so an idle figure taken on a shared machine
is still the process's own."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["TICKS_PER_SECOND", "cpu_ticks"]

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int | None:
    """User plus system time of *pid* so far, in clock ticks; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count after it.
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
