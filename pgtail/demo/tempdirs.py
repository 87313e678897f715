"""Private temporary directories for servers, and the removal of those a killed run left behind.

Each directory records the pid of the process that made it, so a later run can tell a leftover
(its owner is gone) from a directory in use. As root, the directory is handed to the run user
and nothing outside it is changed.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import tempfile
import time

from pgtail.demo.processes import RunUser, pid_alive

__all__ = ["make_temp_dir", "reap_stale_temp_dirs"]

#: Unix socket paths are limited to 107 bytes; ``/.s.PGSQL.65535`` takes 16 of them.
_MAX_SOCKET_DIR = 90


def make_temp_dir(prefix: str, owner: RunUser | None, owner_file: str, mode: int = 0o700) -> str:
    """A new temporary directory, recording our pid, handed to *owner* when we are root.

    As root the base is ``/tmp`` (always traversable, unlike e.g. ``/root/tmp``). A ``$TMPDIR``
    so long that a unix socket path inside it would not fit also falls back to ``/tmp``.
    """
    base: str | None = None
    if owner is not None or len(tempfile.gettempdir()) > _MAX_SOCKET_DIR - 30:
        base = "/tmp"
    path = tempfile.mkdtemp(prefix=prefix, dir=base)
    with open(os.path.join(path, owner_file), "w", encoding="ascii") as fh:
        fh.write(f"{os.getpid()}\n")
    os.chmod(path, mode)
    if owner is not None:
        owner.chown(path)
    return path


def reap_stale_temp_dirs(
    prefixes: tuple[str, ...], pidfiles: tuple[str, ...], owner_file: str
) -> list[str]:
    """Remove temp dirs left by runs that died without cleaning up (SIGKILL, a crash).

    Only a directory with one of our prefixes whose owner process is gone is touched; a daemon
    (found through one of *pidfiles*, relative to the directory) is killed only if its command
    line names that directory, so a reused pid is safe. Returns the directories removed.
    """
    removed: list[str] = []
    for base in {"/tmp", tempfile.gettempdir()}:
        for prefix in prefixes:
            for path in glob.glob(os.path.join(base, prefix + "*")):
                try:
                    with open(os.path.join(path, owner_file), encoding="ascii") as fh:
                        owner = int(fh.read().strip())
                except (OSError, ValueError):
                    continue
                if pid_alive(owner):
                    continue
                for pidfile in pidfiles:
                    _kill_daemon_of(path, os.path.join(path, pidfile))
                shutil.rmtree(path, ignore_errors=True)
                if not os.path.exists(path):
                    removed.append(path)
    return removed


def _kill_daemon_of(base_dir: str, pidfile: str) -> None:
    try:
        with open(pidfile, encoding="ascii") as fh:
            pid = int(fh.readline().strip())
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read().decode(errors="replace")
    except (OSError, ValueError):
        return
    if base_dir not in cmdline:
        return
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        with contextlib.suppress(OSError):
            os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and pid_alive(pid):
            time.sleep(0.05)
        if not pid_alive(pid):
            return
