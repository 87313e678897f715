"""What pgtail remembers between runs: the theme picked in the palette, whether the channel list
was shown or hidden with ``s``, and the NOTIFY bar's history for each server.

Kept in ``$XDG_STATE_HOME/pgtail/state.json`` (``~/.local/state/pgtail/state.json``), readable by
its owner only. The state is a convenience: a file that cannot be read or written is ignored
with a warning, never a crash. Servers are keyed by ``user@host:port/db``, which never holds a
password. Saving re-reads the file and changes only this run's server, so pgtails on different
servers do not wipe each other's history; the file is replaced in one step, so it is never
seen half-written.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: NOTIFY bar lines kept per server, the newest.
HISTORY_LIMIT = 200
#: Servers whose history is kept, the most recently used.
SERVER_LIMIT = 50


@dataclass
class Remembered:
    """One run's share of the state."""

    theme: str | None = None
    """The theme last picked in the palette."""
    history: list[str] = field(default_factory=list)
    """The NOTIFY bar's lines for this run's server, oldest first."""
    channel_list: bool | None = None
    """The channel list shown (True) or hidden (False) with ``s``; None: as the width decides."""


def state_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/pgtail/state.json``, ``~/.local/state/pgtail/state.json`` without it."""
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or ""
    # The XDG spec: a relative path in the variable is invalid and is ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "pgtail" / "state.json"


class StateFile:
    """Reads and writes the state file; problems become :attr:`warnings`, never exceptions."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else state_path()
        self.warnings: list[str] = []
        """One line each, for the user: what could not be read or written, and why."""

    def load(self, server: str | None) -> Remembered:
        """The theme, the channel list's choice, and the history of *server* (None: no
        history, as in a replay)."""
        data = self._read()
        history = []
        if server is not None:
            entry = data["servers"].get(server, {})
            history = [line for line in entry.get("history", []) if isinstance(line, str)]
        theme = data.get("theme")
        shown = data.get("channel_list")
        return Remembered(
            theme if isinstance(theme, str) else None,
            history[-HISTORY_LIMIT:],
            shown if isinstance(shown, bool) else None,
        )

    def save(self, server: str | None, remembered: Remembered) -> None:
        """Store the theme, the channel list's choice, and *server*'s history (not when
        *server* is None)."""
        data = self._read(quiet=True)
        if remembered.theme is not None:
            data["theme"] = remembered.theme
        data["channel_list"] = remembered.channel_list
        servers = data["servers"]
        if server is not None:
            history = remembered.history[-HISTORY_LIMIT:]
            servers[server] = {"used": time.time(), "history": history}
            newest = sorted(servers, key=lambda s: _used(servers[s]), reverse=True)
            data["servers"] = {s: servers[s] for s in newest[:SERVER_LIMIT]}
        self._write(data)

    def _read(self, quiet: bool = False) -> dict[str, Any]:
        empty: dict[str, Any] = {"servers": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return empty
        except (OSError, ValueError) as exc:  # ValueError: bad JSON or bad UTF-8
            if not quiet:
                self._warn("cannot read", exc)
            return empty
        if not isinstance(data, dict) or not isinstance(data.get("servers", {}), dict):
            if not quiet:
                self.warnings.append(f"{self.path}: not a pgtail state file; ignored")
            return empty
        data.setdefault("servers", {})
        data["servers"] = {k: v for k, v in data["servers"].items() if isinstance(v, dict)}
        return data

    def _write(self, data: object) -> None:
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temp = tempfile.mkstemp(prefix=".state-", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(data, out, ensure_ascii=False)
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError as exc:
            self._warn("cannot write", exc)

    def _warn(self, what: str, exc: BaseException) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.warnings.append(f"{what} {self.path}: {reason}")


def _used(entry: object) -> float:
    used = entry.get("used") if isinstance(entry, dict) else None
    return float(used) if isinstance(used, int | float) else 0.0
