"""Exporting the log (``e``) against a real server, and replaying the file: the filtered view
written as ``--json`` lines, read back byte for byte; a file never overwritten; errors said in
the prompt; and a replay at pace measured on the recorded clock."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from pgtail.core.formats import format_json
from pgtail.core.models import Notification
from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import make_app
from pgtail.ui.screens.export import ExportScreen
from pgtail.ui.widgets.channel_list import ago
from tests.harness import PgServer, notify
from tests.harness.cli import run_pgtail
from tests.ui.helpers import app_for, payloads, screen_text, showing, wait_for
from tests.ui.toasts import spy_toasts

#: Payloads that must come back exactly: control characters, quotes, backslashes, line breaks,
#: bidi controls, C1 controls, markup, non-ASCII, and nothing at all.
TRICKY = [
    '{"id": 1041, "status": "paid"}',
    "esc \x1b[31mred\x1b[0m bell \x07 tab\there",
    'quote " backslash \\ newline\n cr\r end',
    "ünïcode 通知 🎉 e\u0301 \u202eevil\u202c c1 \x85\x9b",
    "[@click=app.quit]not markup[/]",
    "",
]


def _input_value(app: PgtailApp) -> str:
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    return screen.query_one("#export-input", Input).value


def _set_name(app: PgtailApp, name: str) -> None:
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    screen.query_one("#export-input", Input).value = name


def _error(app: PgtailApp) -> str:
    return str(app.screen.query_one("#export-error").render())


async def test_export_writes_the_filtered_view_and_replay_reads_it_back(
    pg: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_for(pg.dsn, "exp:keep", "exp:other")
    toasts = spy_toasts(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.channels.listening) == 2, what="listening")
        for payload in TRICKY:
            notify(pg, "exp:keep", payload)
            notify(pg, "exp:other", "not this one")
        await wait_for(pilot, lambda: len(payloads(app)) == 2 * len(TRICKY), what="every line")
        await pilot.press("slash", *"exp:keep", "enter")
        await wait_for(pilot, lambda: payloads(app) == TRICKY, what="filtered")
        shown = [n for n in app.log_view.lines if isinstance(n, Notification)]

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the prompt")
        proposed = _input_value(app)
        assert re.fullmatch(r"pgtail-\d{8}-\d{6}\.jsonl", proposed), proposed
        await wait_for(
            pilot,
            lambda: showing(app, f"Export {len(TRICKY)} notifications (filter: exp:keep)"),
            what="what is exported, and through which filter",
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportScreen), what="written")
        assert toasts[-1] == f"wrote {len(TRICKY)} lines to {proposed}"

    # In the current directory, in the --json schema, exactly what the filtered log showed.
    text = (tmp_path / proposed).read_text(encoding="utf-8")
    assert text == format_json(shown)
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(o["channel"], o["payload"], o["pid"]) for o in lines] == [
        (n.channel, n.payload, n.pid) for n in shown
    ]

    # --replay reads it back: the same lines, byte for byte, in pipe mode ...
    replayed = run_pgtail("--replay", str(tmp_path / proposed), "--json")
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout == text
    # ... and in the UI, with the same channel, pid, payload and time (to the millisecond).
    replay = make_app(Settings(dsn=None, channels=(), mode=OutputMode.TUI, replay=proposed))
    async with replay.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: payloads(replay) == TRICKY, what="replayed")
        back = [n for n in replay.log_view.lines if isinstance(n, Notification)]
    assert [(n.channel, n.pid, n.payload) for n in back] == [
        (n.channel, n.pid, n.payload) for n in shown
    ]
    assert all(abs(b.received - n.received) < 0.001 for b, n in zip(back, shown, strict=True))
    assert [b.payload.encode() for b in back] == [p.encode() for p in TRICKY]


def _recording(path: Path, rows: list[tuple[float, str, str]]) -> None:
    """A recording of (seconds after a time in 2021, channel, payload) lines."""
    start = 1_620_000_000.0
    notes = [Notification(ch, payload, 7, start + dt) for dt, ch, payload in rows]
    path.write_text(format_json(notes), encoding="utf-8")


async def test_export_never_overwrites_and_says_what_went_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "source.jsonl"
    _recording(source, [(0, "a", "one"), (1, "b", "two")])
    app = make_app(Settings(dsn=None, channels=(), mode=OutputMode.TUI, replay=str(source)))
    toasts = spy_toasts(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: payloads(app) == ["one", "two"], what="replayed")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the prompt")

        _set_name(app, "source.jsonl")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "exists already" in _error(app), what="refused")
        assert isinstance(app.screen, ExportScreen)  # still there, to type another name
        assert source.read_text(encoding="utf-8").count("\n") == 2

        _set_name(app, str(tmp_path / "missing" / "x.jsonl"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "there is no directory" in _error(app), what="no dir")

        _set_name(app, "  ")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "type a file name" in _error(app), what="no name")
        await wait_for(
            pilot, lambda: showing(app, "type a file name", "esc Cancel"), what="shown at 80x24"
        )

        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportScreen), what="cancelled")
        assert not any(t.startswith("wrote") for t in toasts)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["source.jsonl"]

        # A filter that shows nothing leaves nothing to export.
        await pilot.press("slash", *"nothing matches this", "enter")
        await wait_for(pilot, lambda: payloads(app) == [], what="filtered out")
        await pilot.press("e")
        await wait_for(pilot, lambda: bool(toasts), what="a toast")
        assert toasts[-1] == "nothing to export: the log shows no notification"
        assert not isinstance(app.screen, ExportScreen)


async def test_a_replay_at_pace_runs_on_the_recorded_clock(tmp_path: Path) -> None:
    path = tmp_path / "paced.jsonl"
    # 2021, half a second long; "b" spoke last, "a" 0.5 s before.
    rows = [(0.0, "a", "1"), (0.1, "a", "2"), (0.2, "a", "3"), (0.5, "b", "4")]
    _recording(path, rows)
    settings = Settings(dsn=None, channels=(), mode=OutputMode.TUI, replay=str(path), speed=1)
    app = make_app(settings)
    started = time.monotonic()
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_for(pilot, lambda: len(payloads(app)) == 4, what="replayed")
        # The gaps were kept: the last line cannot have come before half a second.
        assert time.monotonic() - started >= 0.5
        assert payloads(app) == ["1", "2", "3", "4"]
        end = 1_620_000_000.5
        await wait_for(pilot, lambda: app.channels.clock() == end, what="the end reached")
        rows_now = {row.name: row for row in app.channels.rows(["a", "b"])}
        # Rates and sparklines count the recorded seconds, against the recorded clock.
        assert sum(rows_now["a"].activity) == 3 and sum(rows_now["b"].activity) == 1
        assert rows_now["a"].rate == pytest.approx(3 / 5)
        assert app.channels.rate() == pytest.approx(4 / 5)
        # "Last seen" is measured from the end of the recording, not from today.
        assert ago(rows_now["b"].last_seen, app.channels.clock()) == "0s ago"
        await wait_for(
            pilot,
            lambda: showing(app, "listening · 1 · 0s ago", "at 1× (4 notifications", "· 1/s"),
            what="the rows and the status line on the recorded clock",
            seen=lambda: screen_text(app),
        )
