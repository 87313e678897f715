"""Channel names: what the user typed is the channel, exactly.

``LISTEN Foo`` would listen on ``foo``; pgtail always quotes the name, so ``Foo``, ``my channel``
and ``通知`` listen on exactly what ``pg_notify('<same string>', ...)`` sends to. The server
truncates identifiers to 63 bytes; :func:`server_channel_name` says what it really listens on.
"""

from __future__ import annotations

from functools import lru_cache

from pgtail.core.models import MAX_CHANNEL_BYTES


def validate_channel(name: str) -> None:
    """Raise ValueError with a clear message for a name the server cannot listen on."""
    if not name:
        raise ValueError("a channel name cannot be empty")
    if "\x00" in name:
        raise ValueError("a channel name cannot contain a NUL character")
    if not name.strip():
        raise ValueError("a channel name cannot be only spaces")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a channel name must be valid UTF-8 text") from None


@lru_cache(maxsize=4096)
def server_channel_name(name: str) -> str:
    """The name the server listens on: *name* cut to 63 bytes of UTF-8 on a character boundary."""
    data = name.encode("utf-8")
    if len(data) <= MAX_CHANNEL_BYTES:
        return name
    return data[:MAX_CHANNEL_BYTES].decode("utf-8", "ignore")


def byte_length(name: str) -> int:
    """Length of *name* in bytes, as the server counts it against the 63-byte limit."""
    return len(name.encode("utf-8"))
