"""Which connection errors are worth retrying, and how to say them in one line."""

from __future__ import annotations

import re
from dataclasses import dataclass

# one_line lives with scrub, as the DSN parser needs it too; callers still find it here.
from pgtail.core.dsn import one_line as one_line
from pgtail.core.dsn import scrub

# libpq / server messages for errors no amount of retrying fixes.
_FATAL_PATTERNS: list[re.Pattern[str]] = [
    re.compile(r"password authentication failed", re.I),
    re.compile(r"authentication failed", re.I),
    re.compile(r"no password supplied|fe_sendauth", re.I),
    re.compile(r"database \"[^\"]*\" does not exist", re.I),
    re.compile(r"role \"[^\"]*\" does not exist", re.I),
    re.compile(r"no pg_hba\.conf entry", re.I),
    re.compile(r"invalid (connection option|\w+ value|integer value|port number)", re.I),
    re.compile(r"missing \"=\" after|unterminated quoted string|invalid URI", re.I),
    re.compile(r"permission denied for database", re.I),
]


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """A connection problem, as pgtail will report it."""

    message: str
    """One line, no password, no traceback."""
    fatal: bool
    """True when retrying cannot help."""


def describe_error(exc: BaseException, secrets: list[str] | None = None) -> ErrorInfo:
    """Classify *exc* from connecting or from a live connection."""
    raw = str(exc) or type(exc).__name__
    message = scrub(one_line(raw), secrets)
    # libpq prefixes everything with "connection failed: connection to server at ... failed:".
    message = re.sub(r"^connection failed: ", "", message)
    fatal = any(pattern.search(raw) for pattern in _FATAL_PATTERNS)
    return ErrorInfo(message=message, fatal=fatal)
