"""``pgtail --check``: run the diagnosis and print it as lines or as one JSON object.

Text: one line per finding, ``ok`` / ``warning`` / ``problem`` first, then what was looked at and
what was found, with the sessions and functions found indented under their line. Everything
from the server (names, application names, messages) is escaped before it is printed.
Exit status: 0 when nothing is a problem, 1 when something is, 2 when the check cannot run.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from dataclasses import asdict
from typing import TextIO

from pgtail.core.channels import validate_channel
from pgtail.core.check import CheckError, count, run_check
from pgtail.core.check_models import ChannelReport, CheckReport, Finding, Status
from pgtail.core.dsn import DsnError, parse
from pgtail.core.text import escape, is_safe
from pgtail.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_PROBLEM
from pgtail.settings import OutputMode, Settings

_STATUS_WIDTH = 9
_CHECK_WIDTH = 11
_COLORS = {Status.OK: "32", Status.WARNING: "33", Status.PROBLEM: "1;31"}


def run(
    settings: Settings,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    delivery_timeout: float | None = None,
) -> int:
    """``--check``'s main: returns the process exit code."""
    as_json = settings.mode is OutputMode.JSON
    try:
        for name in settings.channels:
            try:
                validate_channel(name)
            except ValueError as exc:
                raise CheckError(f"channel {name!r}: {exc}") from None
        dsn = parse(settings.dsn, application_name="pgtail --check")
        kwargs = {} if delivery_timeout is None else {"delivery_timeout": delivery_timeout}
        report = run_check(dsn, settings.channels, **kwargs)
    except (CheckError, DsnError) as exc:
        message = escape(str(exc))
        err.write(f"pgtail: error: {message}\n")
        if as_json:
            out.write(_json_line({"status": "error", "error": str(exc)}))
        return EXIT_FAILED
    if as_json:
        out.write(_json_line(report_as_json(report)))
    else:
        tty = out.isatty()
        width = shutil.get_terminal_size().columns if tty else None
        out.writelines(report_lines(report, color=settings.color and tty, width=width))
    out.flush()
    return EXIT_PROBLEM if report.status is Status.PROBLEM else EXIT_OK


# ---- text --------------------------------------------------------------------------------------


def report_lines(report: CheckReport, color: bool = False, width: int | None = None) -> list[str]:
    """The report as lines of text, each ending in a newline; hints are wrapped to *width*."""
    lines = [f"pgtail --check  {escape(report.server)}\n"]
    lines += _finding_lines(report.findings, color, width)
    for channel in report.channels:
        lines += ["\n", f"channel {escape(repr(channel.name))}\n"]
        lines += _finding_lines(channel.findings, color, width)
    problems, warnings = count(report)
    lines += [
        "\n",
        f"{problems} problem{'s' if problems != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}\n",
    ]
    return lines


def _finding_lines(findings: tuple[Finding, ...], color: bool, width: int | None) -> list[str]:
    lines = []
    indent = " " * (_STATUS_WIDTH + _CHECK_WIDTH)
    said: set[str] = set()
    for f in findings:
        word = f.status.value.ljust(_STATUS_WIDTH)
        if color:
            word = f"\x1b[{_COLORS[f.status]}m{f.status.value}\x1b[0m" + word[len(f.status.value) :]
        lines.append(f"{word}{f.check.ljust(_CHECK_WIDTH)}{escape(f.message)}\n")
        lines += [f"{indent}  {escape(d)}\n" for d in f.details]
        if f.hint and f.hint not in said:  # the same advice once per block is enough
            said.add(f.hint)
            # Hints are pgtail's own ASCII words, so characters are cells here.
            hint = textwrap.wrap(f.hint, max(30, width - len(indent))) if width else [f.hint]
            lines += [f"{indent}{part}\n" for part in hint]
    return lines


# ---- JSON --------------------------------------------------------------------------------------


def report_as_json(report: CheckReport) -> dict[str, object]:
    problems, warnings = count(report)
    return {
        "server": report.server,
        "status": report.status.value,
        "problems": problems,
        "warnings": warnings,
        "version": report.version,
        "standby": report.standby,
        "encoding": {"server": report.server_encoding, "client": report.client_encoding},
        "delivery_ms": report.delivery_ms,
        "queue_usage": report.queue_usage,
        "findings": [_finding_json(f) for f in report.findings],
        "channels": [_channel_json(c) for c in report.channels],
    }


def _finding_json(f: Finding) -> dict[str, object]:
    return {
        "check": f.check,
        "status": f.status.value,
        "message": f.message,
        "details": list(f.details),
        "hint": f.hint,
    }


def _channel_json(c: ChannelReport) -> dict[str, object]:
    return {
        "name": c.name,
        "server_name": c.server_name,
        "findings": [_finding_json(f) for f in c.findings],
        "listeners": [asdict(s) for s in c.listeners],
        "notifiers": [asdict(n) for n in c.notifiers],
    }


def _json_line(value: object) -> str:
    """One line of JSON; ASCII-escaped when any text in it would be invisible or a control."""
    text = json.dumps(value, ensure_ascii=False)
    if not is_safe(text):
        text = json.dumps(value)
    return text + "\n"
