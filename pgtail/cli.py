"""The ``pgtail`` command: arguments -> Settings -> the full-screen UI or pipe mode; exit codes."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence

from pgtail import __version__
from pgtail.completion import SHELLS, CompletionAction
from pgtail.config import (
    Config,
    ConfigError,
    Options,
    Profile,
    default_path,
    describe_profiles,
    load,
    profile_names,
)
from pgtail.core.field_paths import parse_fields
from pgtail.core.filter_lang import FilterError, describe_error, parse_filter
from pgtail.core.stamps import TimeMode
from pgtail.settings import OutputMode, Settings
from pgtail.shutdown import exit_code

EXIT_USAGE = 2

DESCRIPTION = """\
tail -f for PostgreSQL LISTEN/NOTIFY.

Listens on the given channels and shows every notification as it arrives: in a full-screen
terminal UI, or one line per notification when stdout is not a terminal (or with --plain/--json).
Channel names are exact: "Orders", "jobs:insert" and "my channel" listen on exactly those names.
"""

EPILOG = """\
connection:
  --dsn takes a libpq conninfo string ("host=db user=app dbname=shop") or a URI
  ("postgresql://app@db/shop"). Without --dsn, PGTAIL_DSN is used, then libpq's own defaults:
  PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSERVICE (service files) and ~/.pgpass.
  -P NAME uses [profile.NAME] of the config file ($XDG_CONFIG_HOME/pgtail/config.toml, or
  ~/.config/pgtail/config.toml): its dsn or service, channels and defaults; the command line
  wins over the profile, the profile over the file's top-level defaults.

filters (--filter, and / in the UI):
  text searches the channel and payload as typed; /regex/ is a regular expression. Fields of
  JSON payloads: .status = paid, .id > 1040, .user.name ~ /^al/, .items[0].sku = "A-1",
  has .error, channel = orders, channel ~ /^jobs:/, joined with and, or, not and ( ).
  --columns takes the same fields, comma-separated: .id,.status,.user.name.

exit codes:
  0  stopped cleanly (q, Ctrl+C, end of a pipe); --check found no problem
  1  --check found a problem
  2  bad arguments, or an error retrying cannot fix (authentication, missing database, standby)

examples:
  pgtail --dsn postgresql://app@db/shop -c orders -c 'jobs:insert'
  pgtail -c orders --json | jq -r .payload
  pgtail -c orders --plain --filter '.status = paid and .id > 1040'
  pgtail -c orders --plain --columns .id,.status | cut -f2-
  PGSERVICE=staging pgtail -c cache.invalidate --plain | grep user:42
  pgtail --replay pgtail-20250101-120000.jsonl --speed 1   # an export, at the recorded pace
  pgtail --check -c orders          # why does my listener get nothing?
  pgtail --demo
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pgtail",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("channels_pos", nargs="*", metavar="CHANNEL", help="channels to listen on")
    parser.add_argument(
        "-c",
        "--channel",
        action="append",
        default=[],
        metavar="NAME",
        dest="channels",
        help="a channel to listen on (repeat for more)",
    )
    parser.add_argument(
        "--dsn",
        help="connection string or URI (default: $PGTAIL_DSN, then libpq's PG* defaults)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start a throw-away PostgreSQL with live traffic and watch it (removed on exit)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--plain", action="store_true", help="one text line per notification on stdout"
    )
    mode.add_argument("--json", action="store_true", help="one JSON object per line on stdout")
    parser.add_argument(
        "--scrollback",
        type=_positive_int,
        default=None,
        metavar="N",
        help="lines the UI's log keeps (default: 10000)",
    )
    parser.add_argument(
        "--fps",
        type=_positive_int,
        default=None,
        metavar="N",
        help="how often the log repaints during a flood (default: 4, or $TEXTUAL_FPS if lower);"
        " lower it for slow links",
    )
    parser.add_argument(
        "--quiet-after",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="mark a channel quiet after SECONDS without a notification, and say in the log when"
        " it went quiet and spoke again (UI only; 0: off, the default)",
    )
    parser.add_argument(
        "--sender",
        action="store_true",
        help="with --json: add who sent each notification (application, user, address)",
    )
    parser.add_argument(
        "--filter",
        metavar="EXPR",
        help="show or print only matching notifications (see filters below)",
    )
    parser.add_argument(
        "--columns",
        metavar="FIELDS",
        help="JSON fields shown as columns, such as .id,.status,.user.name: in the UI beside the"
        " payload, with --plain instead of it (each after a tab)",
    )
    parser.add_argument(
        "--time",
        choices=[mode.value for mode in TimeMode],
        help="how times are written: absolute (12:00:01.123, the default), relative (since the"
        " line before: +0.012s) or date (with the date)",
    )
    parser.add_argument(
        "--record", metavar="FILE", help="also write every notification to FILE as JSON lines"
    )
    parser.add_argument(
        "--replay",
        metavar="FILE",
        help="show a recording (--record) or an export (e in the UI); no server needed",
    )
    parser.add_argument(
        "--to", metavar="DSN", dest="replay_to", help="with --replay: send the recording to DSN"
    )
    parser.add_argument(
        "--speed",
        type=_speed,
        metavar="X",
        help="with --replay: 1 keeps the recorded gaps, 10 is ten times faster,"
        " 0 shows it all at once (default: 0)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="diagnose LISTEN/NOTIFY on the server (delivery, queue, each -c channel) and exit:"
        " 0 all ok, 1 a problem found, 2 cannot connect",
    )
    parser.add_argument(
        "-P", "--profile", metavar="NAME", help="use [profile.NAME] of the config file"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="the config file (default: $XDG_CONFIG_HOME/pgtail/config.toml)",
    )
    parser.add_argument(
        "--list-profiles", action="store_true", help="list the config file's profiles and exit"
    )
    # One profile name a line, for the shell completion scripts.
    parser.add_argument("--profile-names", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--completion",
        choices=SHELLS,
        action=CompletionAction,
        metavar="SHELL",
        help="print a completion script for bash, zsh or fish and exit",
    )
    parser.add_argument("--version", action="version", version=f"pgtail {__version__}")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _not_negative(what: str, zero: str) -> Callable[[str], float]:
    """An argument type for a finite number of at least 0: *what* it is, what *zero* means."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {what}: {text!r}") from None
        if not (value >= 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"must be a {what} of at least 0 (0: {zero})")
        return value

    return parse


_seconds = _not_negative("number of seconds", "off")
_speed = _not_negative("number", "as fast as possible")


def settings_from_args(argv: Sequence[str] | None = None) -> Settings:
    parser = build_parser()
    args = parser.parse_args(argv)
    config, profile = _config(parser, args)
    if args.demo and args.profile:
        parser.error("--demo starts its own server: leave out --profile")
    if args.demo and args.dsn:
        parser.error("--demo starts its own server: leave out --dsn")
    if args.replay_to and not args.replay:
        parser.error("--to goes with --replay FILE")
    if args.speed is not None and not args.replay:
        parser.error("--speed paces a replay: add --replay FILE")
    if args.speed is not None and args.replay_to:
        parser.error("--speed paces what is shown or printed: it does not go with --to")
    if args.replay and (args.demo or args.record):
        parser.error("--replay shows a recording: leave out --demo and --record")
    if args.check and (args.demo or args.replay or args.record):
        parser.error("--check diagnoses a server: leave out --demo, --replay and --record")
    if args.sender and not args.json:
        parser.error("--sender adds a field to --json output: add --json")
    if args.filter is not None and args.replay_to:
        parser.error("--filter chooses what is shown: it does not go with --to")
    if args.filter:
        try:
            parse_filter(args.filter)
        except FilterError as exc:
            parser.error(f"--filter: {describe_error(args.filter, exc)}")
    columns = None
    if args.columns is not None:
        try:
            columns = parse_fields(args.columns)
        except FilterError as exc:
            parser.error(f"--columns: {describe_error(args.columns, exc)}")
    for given_option, name in ((args.columns, "--columns"), (args.time, "--time")):
        if given_option is not None and (args.json or args.replay_to or args.check):
            parser.error(f"{name} shapes the UI and --plain lines: leave out --json, --to, --check")
    if args.quiet_after and args.replay:
        parser.error("--quiet-after watches live channels: leave it out with --replay")
    if args.json:
        mode = OutputMode.JSON
    elif args.plain or not sys.stdout.isatty():
        mode = OutputMode.PLAIN
    else:
        mode = OutputMode.TUI
    if args.quiet_after and mode is not OutputMode.TUI and not args.check:
        parser.error("--quiet-after marks channel rows in the full-screen UI, not in pipe mode")
    channels = tuple(dict.fromkeys([*args.channels, *args.channels_pos]))
    # Command line > profile > the file's defaults > built-in.
    given = Options(
        fps=args.fps,
        scrollback=args.scrollback,
        sender=args.sender or None,
        columns=columns,
        time=TimeMode(args.time) if args.time else None,
        quiet_after=args.quiet_after,
    )
    options = given.over(profile.options if profile else Options()).over(config.defaults)
    dsn = args.dsn or (profile.dsn if profile else None) or os.environ.get("PGTAIL_DSN")
    return Settings(
        dsn=None if args.demo else dsn or None,
        channels=channels or (profile.channels if profile else ()),
        mode=mode,
        scrollback=options.scrollback or 10_000,
        color=not os.environ.get("NO_COLOR") and options.color is not False,
        demo=args.demo,
        record=args.record,
        replay=args.replay,
        replay_to=args.replay_to,
        speed=args.speed or 0.0,
        show_sender=bool(options.sender) and mode is OutputMode.JSON,
        sender_column=bool(options.sender),
        fps=options.fps or _default_fps(),
        check=args.check,
        filter=args.filter or None,
        columns=options.columns or (),
        time=options.time or TimeMode.ABSOLUTE,
        quiet_after=options.quiet_after or None,
    )


def _config(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[Config, Profile | None]:
    """The config file and the chosen profile; --list-profiles and --profile-names end here.
    A bad file is one line on stderr and exit status 2."""
    try:
        config = load(args.config)
        if args.list_profiles or args.profile_names:
            lines = profile_names(config) if args.profile_names else describe_profiles(config)
            sys.stdout.writelines(f"{line}\n" for line in lines)
            if not lines and args.list_profiles:
                sys.stderr.write(f"pgtail: no profiles in {config.path or default_path()}\n")
            parser.exit(0)
        return config, config.profile(args.profile) if args.profile else None
    except ConfigError as exc:
        parser.exit(2, f"pgtail: error: {exc}\n")


def _default_fps() -> int:
    """4 frames a second during floods, or Textual's own cap (TEXTUAL_FPS) when lower."""
    try:
        textual_fps = int(os.environ.get("TEXTUAL_FPS", "0"))
    except ValueError:
        textual_fps = 0
    return min(4, textual_fps) if textual_fps > 0 else 4


#: Textual's cap on screen updates a second, unless TEXTUAL_FPS says otherwise.
TEXTUAL_FPS = "120"


def _faster_frames() -> None:
    """Textual paints a changed screen at most TEXTUAL_FPS times a second (60 by default): a
    line drained just after a paint waited up to 17 ms for the next. At 120, NOTIFY -> screen at
    100/s went from p99 50-51 to 44-46 ms; floods stay paced by ``--fps``, not by this. Set
    before Textual is imported, which reads it once."""
    os.environ.setdefault("TEXTUAL_FPS", TEXTUAL_FPS)


def main(argv: Sequence[str] | None = None) -> int:
    settings = settings_from_args(argv)
    if settings.demo:
        from pgtail.demo import run_demo

        return exit_code(run_demo(settings, _run))
    return exit_code(_run(settings))


def _run(settings: Settings) -> int:
    try:
        if settings.check:
            from pgtail.pipe.check_report import run as run_check

            return run_check(settings)
        if settings.replay and settings.replay_to:
            from pgtail.pipe.replay import send_recording

            return send_recording(settings.replay, settings.replay_to, sys.stderr)
        if settings.replay and settings.mode is not OutputMode.TUI:
            from pgtail.core.formats import plain_format
            from pgtail.core.replay_pace import Pace
            from pgtail.pipe.replay import print_recording

            line_filter = parse_filter(settings.filter or "")
            pace = Pace(settings.speed)
            plain = plain_format(settings.columns, settings.time)
            return print_recording(
                settings.replay, settings.mode, sys.stdout, sys.stderr, line_filter, pace, plain
            )
        if settings.mode is OutputMode.TUI:
            _faster_frames()
            from pgtail.ui.launch import run as run_tui

            return run_tui(settings)
        from pgtail.pipe.sink import run as run_pipe

        return run_pipe(settings)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
