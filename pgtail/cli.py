"""The ``pgtail`` command: arguments -> Settings -> the full-screen UI or pipe mode; exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pgtail import __version__
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

exit codes:
  0  stopped cleanly (q, Ctrl+C, end of a pipe)
  2  bad arguments, or an error retrying cannot fix (authentication, missing database, standby)

examples:
  pgtail --dsn postgresql://app@db/shop -c orders -c 'jobs:insert'
  pgtail -c orders --json | jq -r .payload
  PGSERVICE=staging pgtail -c cache.invalidate --plain | grep user:42
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
        default=10_000,
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
        "--sender",
        action="store_true",
        help="with --json: add who sent each notification (application, user, address)",
    )
    parser.add_argument(
        "--record", metavar="FILE", help="also write every notification to FILE as JSON lines"
    )
    parser.add_argument(
        "--replay", metavar="FILE", help="show a recording made with --record (no server needed)"
    )
    parser.add_argument(
        "--to", metavar="DSN", dest="replay_to", help="with --replay: send the recording to DSN"
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


def settings_from_args(argv: Sequence[str] | None = None) -> Settings:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.demo and args.dsn:
        parser.error("--demo starts its own server: leave out --dsn")
    if args.replay_to and not args.replay:
        parser.error("--to goes with --replay FILE")
    if args.replay and (args.demo or args.record):
        parser.error("--replay shows a recording: leave out --demo and --record")
    if args.sender and not args.json:
        parser.error("--sender adds a field to --json output: add --json")
    if args.json:
        mode = OutputMode.JSON
    elif args.plain or not sys.stdout.isatty():
        mode = OutputMode.PLAIN
    else:
        mode = OutputMode.TUI
    channels = tuple(dict.fromkeys([*args.channels, *args.channels_pos]))
    return Settings(
        dsn=None if args.demo else args.dsn or os.environ.get("PGTAIL_DSN") or None,
        channels=channels,
        mode=mode,
        scrollback=args.scrollback,
        color=not os.environ.get("NO_COLOR"),
        demo=args.demo,
        record=args.record,
        replay=args.replay,
        replay_to=args.replay_to,
        show_sender=args.sender,
        fps=args.fps or _default_fps(),
    )


def _default_fps() -> int:
    """4 frames a second during floods, or Textual's own cap (TEXTUAL_FPS) when lower."""
    try:
        textual_fps = int(os.environ.get("TEXTUAL_FPS", "0"))
    except ValueError:
        textual_fps = 0
    return min(4, textual_fps) if textual_fps > 0 else 4


def main(argv: Sequence[str] | None = None) -> int:
    settings = settings_from_args(argv)
    if settings.demo:
        from pgtail.demo import run_demo

        return exit_code(run_demo(settings, _run))
    return exit_code(_run(settings))


def _run(settings: Settings) -> int:
    try:
        if settings.replay and settings.replay_to:
            from pgtail.pipe.replay import send_recording

            return send_recording(settings.replay, settings.replay_to, sys.stderr)
        if settings.replay and settings.mode is not OutputMode.TUI:
            from pgtail.pipe.replay import print_recording

            return print_recording(settings.replay, settings.mode, sys.stdout, sys.stderr)
        if settings.mode is OutputMode.TUI:
            from pgtail.ui.launch import run as run_tui

            return run_tui(settings)
        from pgtail.pipe.sink import run as run_pipe

        return run_pipe(settings)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
