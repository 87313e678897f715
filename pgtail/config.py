"""The config file: defaults for every run, and named profiles (``pgtail -P shop``).

``$XDG_CONFIG_HOME/pgtail/config.toml`` (``~/.config/pgtail/config.toml``), or ``--config FILE``::

    fps = 2                     # top-level keys: defaults for every run
    scrollback = 50000
    sender = true               # the sender column in the UI (and --json's "sender" field)
    color = false               # like NO_COLOR
    columns = [".id", ".status"]  # JSON fields shown as columns (or ".id,.status")
    time = "relative"           # absolute, relative or date
    quiet_after = 300           # seconds without a notification before a channel is quiet

    [profile.shop]
    dsn = "host=db.internal user=app dbname=shop"
    channels = ["orders", "jobs:insert"]

    [profile.staging]
    service = "staging"         # a section of ~/.pg_service.conf
    channels = ["cache.invalidate"]
    fps = 1                     # a profile may set the defaults' keys too

Precedence: command line > profile > top-level defaults > built-in. Every mistake (TOML syntax,
an unknown key, a wrong type, an unknown profile) is a :class:`ConfigError` whose message names
the file and, where there is one, the line.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from pgtail.core.field_paths import parse_fields
from pgtail.core.filter_syntax import Field, FilterError
from pgtail.core.stamps import TimeMode
from pgtail.core.text import escape


class ConfigError(ValueError):
    """The config file cannot be used; the message is one line naming the file (and line)."""


@dataclass(frozen=True, slots=True)
class Options:
    """Settings the top level, a profile and the command line can each set; None: not set."""

    fps: int | None = None
    """How often the log repaints during a flood."""
    scrollback: int | None = None
    """Lines the UI's log keeps."""
    sender: bool | None = None
    """Show who sent each notification: the UI's sender column, --json's "sender" field."""
    color: bool | None = None
    """False draws without colour, as NO_COLOR does."""
    columns: tuple[Field, ...] | None = None
    """JSON fields shown as columns; an empty tuple shows none."""
    time: TimeMode | None = None
    """How times are written."""
    quiet_after: float | None = None
    """Seconds without a notification before the UI marks a channel quiet; 0: never."""

    def over(self, below: Options) -> Options:
        """These options, with what is not set here taken from *below*."""
        return Options(
            **{
                f.name: getattr(self, f.name)
                if getattr(self, f.name) is not None
                else getattr(below, f.name)
                for f in fields(Options)
            }
        )


@dataclass(frozen=True, slots=True)
class Profile:
    """One ``[profile.NAME]`` table."""

    name: str
    dsn: str | None = None
    """The connection string, or ``service=NAME`` for a profile given a service."""
    channels: tuple[str, ...] = ()
    options: Options = field(default_factory=Options)


@dataclass(frozen=True, slots=True)
class Config:
    """A config file as read; an empty one when there is no file."""

    path: Path | None = None
    """The file it was read from; None when there was none."""
    defaults: Options = field(default_factory=Options)
    profiles: dict[str, Profile] = field(default_factory=dict)

    def profile(self, name: str) -> Profile:
        """The profile called *name*; ConfigError when there is none."""
        if name in self.profiles:
            return self.profiles[name]
        where = str(self.path) if self.path is not None else str(default_path())
        known = ", ".join(sorted(self.profiles)) or "none defined"
        raise ConfigError(f"{where}: no profile {name!r} (profiles: {known})")


def default_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/pgtail/config.toml``, ``~/.config/pgtail/config.toml`` without it."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or ""
    # The XDG spec: a relative path in the variable is invalid and is ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".config"
    return root / "pgtail" / "config.toml"


def load(path: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read *path* (``--config``; it must exist) or the default file (which may be absent)."""
    file = Path(path) if path is not None else default_path(env)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        if path is not None:
            raise ConfigError(f"{file}: no such file") from None
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"{file}: cannot be read: {reason}") from None
    return parse(text, file)


def parse(text: str, file: Path) -> Config:
    """The config in *text*, read from *file* (named in errors)."""
    # Imported here, so that runs without a config file do not pay for the parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_error(str(exc), text, file)) from None
    where = _Locator(text, file)
    profiles_table = data.pop("profile", {})
    if not isinstance(profiles_table, dict):
        raise ConfigError(where.key((), "profile", "profile must be a table: [profile.NAME]"))
    defaults = _options(data, (), where)
    _no_unknown_keys(data, (), _OPTION_KEYS, where)
    profiles: dict[str, Profile] = {}
    for name, table in profiles_table.items():
        if not isinstance(table, dict):
            raise ConfigError(where.key(("profile",), name, f"profile.{name} must be a table"))
        profiles[name] = _profile(name, table, where)
    return Config(path=file, defaults=defaults, profiles=profiles)


_OPTION_KEYS = ("fps", "scrollback", "sender", "color", "columns", "time", "quiet_after")
_PROFILE_KEYS = ("dsn", "service", "channels", *_OPTION_KEYS)


def _options(table: dict[str, object], path: tuple[str, ...], where: _Locator) -> Options:
    def whole(key: str) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(where.key(path, key, f"{key} must be a whole number of at least 1"))
        return value

    def flag(key: str) -> bool | None:
        value = table.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise ConfigError(where.key(path, key, f"{key} must be true or false"))

    def seconds(key: str) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e9:
            raise ConfigError(where.key(path, key, f"{key} must be a number of seconds (0: off)"))
        return float(value)

    return Options(
        fps=whole("fps"),
        scrollback=whole("scrollback"),
        sender=flag("sender"),
        color=flag("color"),
        columns=_columns(table.get("columns"), lambda why: where.key(path, "columns", why)),
        time=_time(table.get("time"), lambda why: where.key(path, "time", why)),
        quiet_after=seconds("quiet_after"),
    )


def _columns(value: object, error: Callable[[str], str]) -> tuple[Field, ...] | None:
    """``columns = [".id", ".user.name"]``, or one string as ``--columns`` takes it."""
    if value is None:
        return None
    if isinstance(value, str):
        texts = [value]
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        texts = [str(item) for item in value]
    else:
        raise ConfigError(error('columns must be a list of fields, such as [".id", ".status"]'))
    fields: list[Field] = []
    for text in texts:
        try:
            fields.extend(parse_fields(text))
        except FilterError as exc:
            raise ConfigError(error(f"columns: {text!r}: {exc}")) from None
    return tuple(dict.fromkeys(fields))


def _time(value: object, error: Callable[[str], str]) -> TimeMode | None:
    if value is None:
        return None
    modes = [mode.value for mode in TimeMode]
    if value not in modes:
        raise ConfigError(error(f"time must be one of {', '.join(modes)}"))
    return TimeMode(value)


def _profile(name: str, table: dict[str, object], where: _Locator) -> Profile:
    path = ("profile", name)
    _no_unknown_keys(table, path, _PROFILE_KEYS, where)
    for key in ("dsn", "service"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(where.key(path, key, f"{key} must be a string"))
    if "dsn" in table and "service" in table:
        raise ConfigError(where.key(path, "service", "give dsn or service, not both"))
    dsn = table.get("dsn")
    service = table.get("service")
    if isinstance(service, str):
        dsn = "service=" + _conninfo_value(service)
    channels = table.get("channels", [])
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise ConfigError(where.key(path, "channels", "channels must be a list of strings"))
    return Profile(
        name=name,
        dsn=dsn if isinstance(dsn, str) else None,
        channels=tuple(dict.fromkeys(str(c) for c in channels)),
        options=_options(table, path, where),
    )


def _no_unknown_keys(
    table: dict[str, object], path: tuple[str, ...], known: tuple[str, ...], where: _Locator
) -> None:
    for key in table:
        if key not in known:
            table_name = f"[{'.'.join(path)}]" if path else "the top level"
            raise ConfigError(
                where.key(
                    path, key, f"unknown key {key!r} in {table_name} (known: {', '.join(known)})"
                )
            )


def _conninfo_value(value: str) -> str:
    """*value* quoted for a libpq conninfo string."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _syntax_error(message: str, text: str, file: Path) -> str:
    """tomllib's "Expected ... (at line 3, column 7)" as "FILE:3: Expected ..."."""
    match = re.search(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$", message)
    if match is None:
        return escape(f"{file}: {message}")
    line = match.group(1) or max(1, len(text.splitlines()))
    return escape(f"{file}:{line}: {message[: match.start()]}")


class _Locator:
    """Finds the line a key was written on. tomllib gives no positions, so the text is searched:
    the table's ``[header]``, then ``key =`` before the next header. A key written another way
    (a dotted key, an inline table) is reported without a line."""

    def __init__(self, text: str, file: Path) -> None:
        self._lines = text.splitlines()
        self._file = file

    def key(self, path: tuple[str, ...], key: str, message: str) -> str:
        line = self._find(path, key)
        prefix = f"{self._file}:{line}" if line is not None else str(self._file)
        return escape(f"{prefix}: {message}")

    def _find(self, path: tuple[str, ...], key: str) -> int | None:
        quoted = "|".join(re.escape(k) for k in (key, f'"{key}"', f"'{key}'"))
        key_re = re.compile(rf"^\s*(?:{quoted})\s*[=.]")
        in_table = not path
        for number, line in enumerate(self._lines, 1):
            header = _HEADER_RE.match(line)
            if header:
                in_table = tuple(_header_parts(header.group(1))) == path
            elif in_table and key_re.match(line):
                return number
        return None


_HEADER_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def _header_parts(header: str) -> list[str]:
    """``profile."my shop"`` -> ["profile", "my shop"]."""
    return [
        (quoted[1:-1] if quoted else bare)
        for quoted, bare in re.findall(r"""("[^"]*"|'[^']*')|([^.\s"']+)""", header)
    ]


def describe_profiles(config: Config) -> list[str]:
    """One line per profile for ``--list-profiles``: name, connection (never a password),
    channels."""
    # Imported here: neither is on the start-up path (pgtail.core.dsn brings in psycopg).
    from rich.cells import cell_len

    from pgtail.core.dsn import scrub

    rows = []
    for p in config.profiles.values():
        connection = scrub(p.dsn) if p.dsn else "(libpq defaults)"
        channels = ", ".join(p.channels) or "(no channels)"
        rows.append((escape(p.name), escape(connection), escape(channels)))
    width = max((cell_len(r[0]) for r in rows), default=0)
    return [f"{n}{' ' * (width - cell_len(n))}  {conn}  {chans}" for n, conn, chans in rows]


def profile_names(config: Config) -> list[str]:
    """The profiles' names, one a line (for shell completion)."""
    return [escape(name) for name in config.profiles]
