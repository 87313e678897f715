"""CPU time of a process from ``/proc/PID/stat``: clock ticks, which do not depend on how busy
the rest of the machine is (unlike wall-clock rates), so an idle figure taken on a shared machine
is still the process's own."""

from __future__ import annotations

import os

from tests.harness.proc_stat import stat_fields

__all__ = ["TICKS_PER_SECOND", "cpu_ticks"]

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int | None:
    """User plus system time of *pid* so far, in clock ticks; None once it is gone."""
    fields = stat_fields(pid)
    if fields is None:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
