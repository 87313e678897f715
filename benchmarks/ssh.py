"""The UI through a real SSH session on loopback, as its users run it: bytes per second that reach
an 80x24 terminal during a paced flood.

The benchmark starts its own ``sshd`` (OpenSSH) on a free 127.0.0.1 port with a configuration,
host key and client key of its own in a temporary directory, and stops it afterwards; the
system's sshd and the user's ``~/.ssh`` are not involved. Without ``sshd`` the row reads n/a.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.report import Figure, Report, Target
from benchmarks.sending import CHANNEL
from pgtail.demo.processes import terminate
from tests.harness.flood import send_paced
from tests.harness.pgserver import PgServer
from tests.harness.proc_stat import stat_fields
from tests.harness.pty import PtyPgtail

__all__ = ["SSH_COLS", "SSH_OUTPUT", "SSH_ROWS", "measure_ssh"]

SSH_COLS, SSH_ROWS = 80, 24
SSH_OUTPUT = Figure("TUI terminal output over SSH during flood", Target("<=", 32, " KiB/s"))
"""Bytes that reach the terminal at the far end of the session: what pgtail writes."""
#: The flood's first second is left out: pgtail reaches its flood pace of repaints.
_WARM_UP = 1.0

_SSHD_CONFIG = """\
ListenAddress 127.0.0.1:{port}
HostKey {dir}/host_key
AuthorizedKeysFile {dir}/authorized_keys
PidFile none
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
PrintLastLog no
AcceptEnv none
LogLevel ERROR
"""


def sshd_binary() -> str | None:
    return shutil.which("sshd") or next(
        (p for p in ("/usr/sbin/sshd",) if os.access(p, os.X_OK)), None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class SshServer:
    """A throw-away sshd on loopback that lets this user in with a throw-away key."""

    def __init__(self, sshd: str, directory: Path) -> None:
        self.dir = directory
        self.port = _free_port()
        self.key = directory / "client_key"
        self.user = os.environ.get("USER") or _user_name()
        for name in ("host_key", "client_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(directory / name)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        (directory / "authorized_keys").write_bytes((directory / "client_key.pub").read_bytes())
        config = directory / "sshd_config"
        config.write_text(_SSHD_CONFIG.format(port=self.port, dir=directory))
        # sshd wants its privilege separation directory; Debian's package makes it at boot.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self.proc = subprocess.Popen(
            [sshd, "-D", "-e", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_listening(10)

    def _wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"sshd ended: {err.strip()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("sshd did not listen")

    def command(self, remote: str) -> list[str]:
        """``ssh -t`` to this server running *remote* (a shell command line)."""
        return [
            "ssh",
            "-F",
            "/dev/null",
            "-t",
            "-p",
            str(self.port),
            "-i",
            str(self.key),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=ERROR",
            f"{self.user}@127.0.0.1",
            remote,
        ]

    def stop(self) -> None:
        if self.proc.poll() is None:
            terminate(self.proc, signal.SIGTERM, timeout=5)


def _user_name() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


@contextlib.contextmanager
def ssh_server() -> Iterator[SshServer]:
    sshd = sshd_binary()
    if sshd is None:
        raise FileNotFoundError("sshd is not installed")
    with tempfile.TemporaryDirectory(prefix="pgtail-bench-ssh-") as tmp:
        server = SshServer(sshd, Path(tmp))
        try:
            yield server
        finally:
            server.stop()


def remote_pgtail(pg: PgServer, checkout: Path) -> str:
    """The far end's command line: say its pid, then become pgtail of *checkout*."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(checkout),
    }
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    argv = [sys.executable, "-m", "pgtail", "--dsn", pg.dsn, "-c", CHANNEL]
    return (
        f"echo pgtail-pid=$$; cd {shlex.quote(str(checkout))} && "
        f"exec env -i {assignments} {shlex.join(argv)}"
    )


def measure_ssh(
    pg: PgServer,
    per_second: int,
    seconds: float,
    count_re: re.Pattern[str],
    report: Report,
    checkout: Path,
) -> None:
    """pgtail over ssh in an 80x24 terminal: bytes/s that arrive during a paced flood."""
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(ssh_server())
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            report.not_measured((SSH_OUTPUT,), str(exc))
            return
        _measure(server, pg, per_second, seconds, count_re, report, checkout)


def _measure(
    server: SshServer,
    pg: PgServer,
    per_second: int,
    seconds: float,
    count_re: re.Pattern[str],
    report: Report,
    checkout: Path,
) -> None:
    term = PtyPgtail(
        cols=SSH_COLS, rows=SSH_ROWS, command=server.command(remote_pgtail(pg, checkout))
    )
    remote_pid = None
    try:
        if term.wait_until(lambda t: count_re.search(t) is not None, 20) is None:
            print(f"  over ssh the screen shows:\n{term.screen().rstrip()}", file=sys.stderr)
            report.not_measured((SSH_OUTPUT,), "no count on the screen over ssh")
            return
        found = re.search(rb"pgtail-pid=(\d+)", bytes(term.output))
        remote_pid = int(found.group(1)) if found else None
        time.sleep(1.0)  # the first frames and the delivery check are not the flood
        stop = threading.Event()
        sent: list[int] = []
        flood = threading.Thread(
            target=lambda: sent.append(
                send_paced(pg.dsn, CHANNEL, per_second, seconds + _WARM_UP, stop)
            ),
            daemon=True,
        )
        flood.start()
        time.sleep(_WARM_UP)
        written, began = len(term.output), time.monotonic()
        flood.join()
        received, ended = len(term.output) - written, time.monotonic()
        kib_s = received / (ended - began) / 1024
        report.add(
            SSH_OUTPUT,
            f"{kib_s:,.1f} KiB/s ({sum(sent):,} sent at {per_second:,}/s)",
            measured=kib_s,
        )
    finally:
        term.close()
        if remote_pid is not None:
            _end_process(remote_pid)


def _end_process(pid: int, timeout: float = 5.0) -> None:
    """The far end's pgtail ends when its session hangs up; make sure it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _is_pgtail(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _is_pgtail(pid: int) -> bool:
    """Whether *pid* is (still) a running pgtail, not a zombie or a reused pid."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    fields = stat_fields(pid)
    return b"pgtail" in cmdline and fields is not None and fields[0] != "Z"
