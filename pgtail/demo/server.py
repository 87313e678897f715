"""The private, throw-away PostgreSQL server of ``pgtail --demo``.

It lives entirely in one temporary directory (data, unix socket, log) and listens on that
socket only, never on a network interface. As root it runs as an existing unprivileged account
and only the temporary directory is handed to it; no system user, group or permission outside
that directory is changed. The lifecycle is :class:`~pgtail.demo.postmaster.Postmaster`'s.
"""

from __future__ import annotations

import os
import signal

from pgtail.demo import tempdirs
from pgtail.demo.binaries import reachable_bindir
from pgtail.demo.postmaster import Postmaster, ServerError

__all__ = ["OWNER_FILE", "TEMP_PREFIX", "DemoServer", "ServerError", "reap_stale_temp_dirs"]

#: Prefix of every demo temp dir, so leftovers (and tests) can find them.
TEMP_PREFIX = "pgtail-demo-"
#: Written into every temp dir: the pid of the process that owns it.
OWNER_FILE = "owner.pid"

#: Fast and disposable: nothing here needs to survive a crash.
_SETTINGS: dict[str, str] = {
    "listen_addresses": "''",
    "unix_socket_permissions": "0700",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "20",
    "shared_buffers": "16MB",
    "log_min_messages": "warning",
}


def reap_stale_temp_dirs() -> list[str]:
    """Remove demo directories (and servers) left by runs that were killed outright."""
    return tempdirs.reap_stale_temp_dirs((TEMP_PREFIX,), ("data/postmaster.pid",), OWNER_FILE)


class DemoServer(Postmaster):
    """One PostgreSQL cluster in a temporary directory, reachable only over its unix socket."""

    temp_prefix = TEMP_PREFIX
    owner_file = OWNER_FILE
    # Fast shutdown: pgtail's connection is told the server is going away.
    cleanup_signal = signal.SIGINT
    log_tail_lines = 20
    dbname = "postgres"
    port = 5432  # only names the socket file; the directory is private, so it cannot clash

    @property
    def dsn(self) -> str:
        return (
            f"host={self.base_dir} port={self.port} user={self.user} dbname={self.dbname} "
            "application_name=pgtail"
        )

    def start(self, timeout: float = 30) -> DemoServer:
        """Create the cluster and start it; on any failure everything made so far is removed."""
        try:
            self.make_base_dir()
            self.bindir = reachable_bindir(self.bindir, self.run_as, self.base_dir)
            self._initdb()
            self.spawn(timeout)
        except BaseException:
            self.cleanup()
            raise
        return self

    def _initdb(self) -> None:
        args = [self.bin("initdb"), "-D", self.data_dir, "-U", self.user, "-E", "UTF8"]
        args += ["--locale=C", "--auth=trust", "--no-sync", "--no-instructions"]
        self.run_tool(args, timeout=120)
        socket_dir = "'" + self.base_dir.replace("'", "''") + "'"
        settings = {**_SETTINGS, "port": str(self.port), "unix_socket_directories": socket_dir}
        body = "".join(f"{k} = {v}\n" for k, v in settings.items())
        with open(os.path.join(self.data_dir, "postgresql.conf"), "a", encoding="utf-8") as fh:
            fh.write(f"\n# pgtail --demo\n{body}")
        with open(os.path.join(self.data_dir, "pg_hba.conf"), "w", encoding="utf-8") as fh:
            fh.write("# pgtail --demo: unix socket only\nlocal all all trust\n")

    def __repr__(self) -> str:
        return f"<DemoServer pid={self.pid} dir={self.base_dir or '-'}>"
