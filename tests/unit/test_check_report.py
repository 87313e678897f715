"""The text of ``pgtail --check``: layout, wrapping, colour and escaping, without a server."""

from __future__ import annotations

import json

from pgtail.core.check import percent
from pgtail.core.check_models import ChannelReport, CheckReport, Finding, Status
from pgtail.pipe.check_report import report_as_json, report_lines

HINT = "Notifications are not being delivered. " * 3


def _report() -> CheckReport:
    return CheckReport(
        server="app@db:5432/shop",
        findings=(
            Finding("server", Status.OK, "PostgreSQL 15.6, primary"),
            Finding("delivery", Status.PROBLEM, "did not arrive within 3 s", hint=HINT.strip()),
        ),
        channels=(
            ChannelReport(
                "evil\x1b]0;x\x07",
                "evil\x1b]0;x\x07",
                (
                    Finding(
                        "listeners", Status.OK, "1 other session listens now", ("pid 7  a\u202e",)
                    ),
                    Finding("listeners", Status.WARNING, "pid 7 ...", hint="Same advice."),
                    Finding("notifiers", Status.WARNING, "pid 8 ...", hint="Same advice."),
                ),
            ),
        ),
    )


def test_one_line_per_finding_with_details_and_hints_under_it() -> None:
    lines = report_lines(_report())
    assert lines[0] == "pgtail --check  app@db:5432/shop\n"
    assert lines[1] == "ok       server     PostgreSQL 15.6, primary\n"
    assert lines[2] == "problem  delivery   did not arrive within 3 s\n"
    assert lines[3] == " " * 20 + HINT.strip() + "\n"  # not a terminal: not wrapped
    assert lines[-1] == "1 problem, 2 warnings\n"
    assert "".join(lines).count("Same advice.") == 1  # the same hint once per block


def test_untrusted_text_is_escaped() -> None:
    text = "".join(report_lines(_report()))
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "channel 'evil\\x1b]0;x\\x07'" in text
    assert "pid 7  a\\u202e" in text


def test_hints_wrap_to_the_terminal_and_status_words_take_colour() -> None:
    lines = report_lines(_report(), color=True, width=80)
    hint_lines = [line for line in lines if line.startswith(" " * 20) and "Notifications" in line]
    assert len(hint_lines) >= 1
    assert all(len(line.rstrip("\n")) <= 80 for line in lines if not line.startswith("\x1b"))
    assert lines[2].startswith("\x1b[1;31mproblem\x1b[0m  delivery")


def test_json_holds_the_same_findings() -> None:
    data = report_as_json(_report())
    assert data["status"] == "problem" and data["problems"] == 1 and data["warnings"] == 2
    text = json.dumps(data)
    assert json.loads(text)["channels"][0]["findings"][0]["details"] == ["pid 7  a\u202e"]


def test_percent_keeps_small_usage_visible() -> None:
    assert percent(0.0) == "0%"
    assert percent(0.000031) == "0.0031%"
    assert percent(0.12) == "12%"
    assert percent(1.0) == "100%"
