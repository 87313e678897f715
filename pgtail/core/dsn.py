"""Connection strings: validate them, describe the server without secrets, scrub secrets from text.

pgtail accepts whatever libpq accepts (a conninfo string, a URI, or nothing at all so that PG*
variables, service files and ~/.pgpass apply). Everything the user can see about the connection goes
through here so that a password never reaches the screen, stderr or a file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import psycopg
from psycopg import conninfo

#: Options pgtail sets unless the DSN already sets them.
DEFAULT_OPTIONS: dict[str, str] = {
    "application_name": "pgtail",
    "connect_timeout": "5",
    "keepalives": "1",
    "keepalives_idle": "3",
    "keepalives_interval": "1",
    "keepalives_count": "3",
    # libpq's user timeout (Linux): unacknowledged data for this long means the link is dead.
    "tcp_user_timeout": "8000",
}


class DsnError(ValueError):
    """The connection string cannot be parsed; retrying will not help."""


@dataclass(frozen=True, slots=True)
class Dsn:
    """A parsed connection string, with pgtail's defaults merged in."""

    conninfo: str
    """What is passed to libpq."""
    params: dict[str, str]
    """The user's own parameters (before defaults), for display."""

    @property
    def display(self) -> str:
        return describe(self.params)

    @property
    def secrets(self) -> list[str]:
        """Strings that must never be shown: the password from the DSN or the environment."""
        found = [self.params.get("password", ""), os.environ.get("PGPASSWORD", "")]
        return [s for s in found if s]


def parse(dsn: str | None, application_name: str = "pgtail") -> Dsn:
    """Parse *dsn* (conninfo, URI or None for libpq defaults) and add pgtail's options."""
    text = dsn or ""
    try:
        params = {k: str(v) for k, v in conninfo.conninfo_to_dict(text).items() if v is not None}
    except psycopg.ProgrammingError as exc:
        if "=" not in text and "://" not in text:
            # A bare word (a host or database name): libpq's "missing "=" after ..." would
            # show it only as *** (the text might be a password), so say what was expected.
            raise DsnError(
                "invalid connection string: expected key=value pairs (host=NAME dbname=NAME)"
                " or a URI (postgresql://user@host/dbname)"
            ) from None
        # libpq's message ends with a newline, which would show as a literal \n once escaped.
        reason = one_line(scrub(str(exc), [text]))
        raise DsnError(f"invalid connection string: {reason}") from None
    for port in params.get("port", "").split(","):
        if port and not port.strip().isdigit():
            raise DsnError(f"invalid port number: {port!r}")
    extra = {k: v for k, v in DEFAULT_OPTIONS.items() if k not in params}
    if "application_name" not in params:
        extra["application_name"] = application_name
    return Dsn(conninfo=conninfo.make_conninfo(text, **extra), params=params)


def describe(params: dict[str, str]) -> str:
    """``user@host:port/db`` for a status line, filled from the environment like libpq does."""
    env = os.environ
    user = params.get("user") or env.get("PGUSER") or _login_name()
    host = params.get("host") or params.get("hostaddr") or env.get("PGHOST") or "local socket"
    port = params.get("port") or env.get("PGPORT") or "5432"
    dbname = params.get("dbname") or env.get("PGDATABASE") or user
    service = params.get("service") or env.get("PGSERVICE")
    hosts, ports = host.split(","), port.split(",")
    if len(hosts) > 1:
        pairs = [f"{h}:{ports[i] if i < len(ports) else ports[-1]}" for i, h in enumerate(hosts)]
        where = ",".join(pairs)
    else:
        where = f"{host}:{port}"
    text = f"{user}@{where}/{dbname}"
    return f"{text} (service {service})" if service else text


def _login_name() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:
        return "?"


def one_line(text: str) -> str:
    """Collapse libpq's multi-line messages ("connection failed: ...\\nDETAIL...") to one line."""
    parts = [p.strip() for p in text.splitlines() if p.strip()]
    return " ".join(parts) if parts else "unknown error"


_PASSWORD_PATTERNS = [
    re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE),
    re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)([^@\s]*)(@)", re.IGNORECASE),
]


def scrub(text: str, secrets: list[str] | None = None) -> str:
    """Remove passwords from *text*: ``password=...`` pairs, URI passwords and known secrets."""
    text = _PASSWORD_PATTERNS[0].sub(r"\1***", text)
    text = _PASSWORD_PATTERNS[1].sub(r"\1***\3", text)
    for secret in secrets or ():
        # A one- or two-character "secret" would mangle every message and hide nothing.
        if len(secret) >= 3:
            text = text.replace(secret, "***")
    return text
