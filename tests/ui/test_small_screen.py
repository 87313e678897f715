"""Every screen but the log at 80×24 under Pilot, against real servers: the footer fits and shows
the keys of the screen in front, the status line gives the reason, the error view and the NOTIFY
bar show errors whole, the palette lists each action once, discovery groups by channel, and the
hex view fits."""

from __future__ import annotations

import psycopg
from textual.widgets._footer import FooterKey

from pgtail.core.models import INTERNAL_CHANNEL_PREFIX, Phase
from pgtail.ui.app import PgtailApp
from pgtail.ui.screens.detail import DetailScreen
from pgtail.ui.screens.discovery import DiscoveryScreen
from pgtail.ui.screens.errors import ErrorScreen
from pgtail.ui.screens.export import ExportScreen
from pgtail.ui.screens.help import HelpScreen
from pgtail.ui.widgets.footer import KeyFooter
from tests.harness import PgServer, notify
from tests.harness.wait import wait_for
from tests.ui.helpers import app_for, payloads, screen_text

SMALL = (80, 24)


def _footer_keys(app: PgtailApp) -> list[FooterKey]:
    footer = app.screen.query_one(KeyFooter)
    return list(footer.query_children(FooterKey))


def _footer_line(app: PgtailApp) -> str:
    return screen_text(app).splitlines()[-1]


def _assert_footer_fits(app: PgtailApp) -> None:
    keys = _footer_keys(app)
    assert keys, "the footer shows no key"
    width = app.size.width
    palette = [k for k in keys if k.has_class("-command-palette")]
    flowing = [k for k in keys if not k.has_class("-command-palette")]
    right = palette[0].region.x if palette else width
    for key in flowing:
        region = key.region
        assert region.width > 0 and region.right <= right, (key.key_display, region, right)
        # The whole key is drawn: its key and description are on the footer line.
        assert f"{key.key_display} {key.description}" in _footer_line(app)


async def test_footer_fits_and_puts_the_focused_widgets_keys_first(pg: PgServer) -> None:
    app = app_for(pg.dsn, "small:footer")
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: "small:footer" in app.channels.listening, what="listening")
        app.log_view.focus()
        await wait_for(pilot, lambda: "Follow" in _footer_line(app), what="the log's keys")
        _assert_footer_fits(app)
        line = _footer_line(app)
        assert line.startswith("end Follow ⏎ Details ? Help q Quit"), line
        assert line.rstrip().endswith("^p palette")
        # In the NOTIFY bar, the keys that type text are not offered as commands.
        await pilot.press("n")
        await wait_for(pilot, lambda: "esc Log" in _footer_line(app), what="the bar's keys")
        _assert_footer_fits(app)
        assert "/ Filter" not in _footer_line(app) and "q Quit" not in _footer_line(app)
        # Every key is reachable all the same: ? lists /, w and D.
        await pilot.press("escape", "question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        text = screen_text(app)
        for key, what in (("/", "filter the log"), ("w", "who sent"), ("D", "discover")):
            assert any(r.strip().startswith(f"│   {key}") and what in r for r in text.splitlines())


async def test_modal_screens_show_their_own_keys(pg: PgServer) -> None:
    app = app_for(pg.dsn, "small:modal")
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: "small:modal" in app.channels.listening, what="listening")
        notify(pg, "small:modal", '{"id": 1}')
        await wait_for(pilot, lambda: payloads(app) == ['{"id": 1}'], what="the line")
        for keys, screen_type, own in (
            (["question_mark"], HelpScreen, "esc Close"),
            (["E"], ErrorScreen, "y Copy newest"),
            (["e"], ExportScreen, "esc Cancel"),
            (["up", "enter"], DetailScreen, "x Hex/text"),
            (["D"], DiscoveryScreen, "esc Close"),
        ):
            app.log_view.focus()
            await pilot.press(*keys)
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, screen_type),  # noqa: B023 (awaited here)
                what=str(keys),
            )
            await wait_for(pilot, lambda: own in _footer_line(app), what=own)  # noqa: B023
            line = _footer_line(app)
            assert "Quit" not in line and "Notify" not in line, line
            _assert_footer_fits(app)
            await pilot.press("escape")
            await wait_for(
                pilot,
                lambda: not isinstance(app.screen, screen_type),  # noqa: B023 (awaited here)
                what="shut",
            )


async def test_refused_connection_reason_and_the_error_view(fresh_pg: PgServer) -> None:
    fresh_pg.stop()
    app = app_for(fresh_pg.dsn, "small:refused")
    async with app.run_test(size=SMALL) as pilot:
        status = app.status_line
        await wait_for(
            pilot,
            lambda: "connection refused" in str(status.render()),
            what="the reason on the status line",
            seen=lambda: status.render(),
        )
        line = str(status.render())
        assert line.startswith("◌ reconnecting #") and " — connection refused" in line, line
        assert "0 received" in line
        # The full text is one key away, whole, and y copies it.
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen), what="error view")
        text = " ".join(screen_text(app).replace("│", " ").split())
        assert "Connection refused" in text and "accepting TCP/IP connections?" in text
        await pilot.press("escape")
        # The NOTIFY bar's own error is shown whole too, wrapped rather than cut.
        await pilot.press("n")
        await pilot.press(*"small:refused hello", "enter")
        await wait_for(
            pilot,
            lambda: "connections?" in screen_text(app),
            what="the end of the NOTIFY error",
            seen=lambda: screen_text(app),
        )
        assert any(e.source == "connection" for e in status.errors.newest_first())
        fresh_pg.start()
        await wait_for(pilot, lambda: app.state.phase is Phase.CONNECTED, 30, what="connected")


async def test_the_palette_lists_every_action_once(pg: PgServer) -> None:
    app = app_for(pg.dsn, "small:palette")
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: "small:palette" in app.channels.listening, what="listening")
        commands = list(app.get_system_commands(app.screen))
        titles = [command.title for command in commands]
        assert len(titles) == len(set(titles)), titles
        for title in ("Keys", "Filter", "Who", "Discover", "Errors", "Quit", "Add channel"):
            assert title in titles, title
        callbacks = [command.callback for command in commands]
        for binding in PgtailApp.BINDINGS:
            action = binding.action  # type: ignore[union-attr]
            if action == "focus_log":
                continue  # Escape: back to the log, not a command
            assert getattr(app, f"action_{action}") in callbacks, action
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: "Search for commands" in screen_text(app), what="palette")
        await pilot.press(*"disc")
        await wait_for(pilot, lambda: "Find channels in use" in screen_text(app), what="hit")


async def test_discovery_lists_each_channel_once_with_its_sources(pg: PgServer) -> None:
    table = "small_orders_with_a_rather_long_table_name"
    with psycopg.connect(pg.dsn, autocommit=True) as setup:
        setup.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {table} (id int);
            CREATE OR REPLACE FUNCTION small_notify_orders_changed() RETURNS trigger AS $$
            BEGIN
              PERFORM pg_notify('small_orders', NEW.id::text);
              PERFORM pg_notify('small_audit', 'orders');
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE OR REPLACE TRIGGER small_orders_changed_trigger AFTER INSERT ON {table}
              FOR EACH ROW EXECUTE FUNCTION small_notify_orders_changed();
            """
        )
    with (
        psycopg.connect(pg.dsn, autocommit=True, application_name="orders-worker") as worker,
        psycopg.connect(pg.dsn, autocommit=True, application_name="pgtail") as other_pgtail,
    ):
        worker.execute("LISTEN small_orders")
        other_pgtail.execute(f'LISTEN "{INTERNAL_CHANNEL_PREFIX}0123456789ab"')
        app = app_for(pg.dsn, "small_audit")
        async with app.run_test(size=SMALL) as pilot:
            await wait_for(pilot, lambda: "small_audit" in app.channels.listening, what="listen")
            await pilot.press("D")
            await wait_for(pilot, lambda: isinstance(app.screen, DiscoveryScreen), what="panel")
            screen = app.screen
            assert isinstance(screen, DiscoveryScreen)
            await wait_for(pilot, lambda: screen.channels, what="discovered")
            names = [c.name for c in screen.channels]
            assert len(names) == len(set(names)), names
            assert not [n for n in names if n.startswith(INTERNAL_CHANNEL_PREFIX)], names
            orders = next(c for c in screen.channels if c.name == "small_orders")
            assert sorted(s.kind for s in orders.sources) == ["function", "listener"]
            text = screen_text(app)
            assert "✓ small_audit  already in your list" in text
            assert "  small_orders" in text and "✓ small_orders" not in text
            # Sources sit under their channel, and a source too long for the line wraps under
            # its own start, never back at the dialog's edge.
            rows = [row.split("│")[2] for row in text.splitlines() if row.count("│") >= 3]
            start = next(i for i, row in enumerate(rows) if "small_notify_orders_changed" in row)
            indent = len(rows[start]) - len(rows[start].lstrip())
            head = next(i for i, row in enumerate(rows) if row.strip() == "small_orders")
            assert indent >= len(rows[head]) - len(rows[head].lstrip()) + 2
            assert rows[start + 1].strip() and table[-10:] in "".join(rows[start : start + 3])
            assert len(rows[start + 1]) - len(rows[start + 1].lstrip()) == indent
            # Enter on a channel listens on it, as before.
            screen.options.highlighted = names.index("small_orders")
            await pilot.press("enter")
            await wait_for(pilot, lambda: "small_orders" in app.channels.listening, what="added")


async def test_the_hex_view_fits_80_columns(pg: PgServer) -> None:
    payload = '{"op":"update","id":4,"customer":"francesca","total":246.52,"state":"paid"}'
    app = app_for(pg.dsn, "small:hex")
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: "small:hex" in app.channels.listening, what="listening")
        notify(pg, "small:hex", payload)
        await wait_for(pilot, lambda: payloads(app) == [payload], what="the line")
        app.log_view.focus()
        await pilot.press("up", "enter", "x")
        await wait_for(pilot, lambda: "00000000" in screen_text(app), what="hex")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        body = screen.query_one("#detail-body").render()
        lines = str(body).splitlines()
        assert lines[1].startswith("00000008  "), lines[:2]  # 8 bytes a row at 80 columns
        assert max(len(line) for line in lines) <= screen.hex_cells
        rows = [r for r in screen_text(app).splitlines() if "  |" in r and r.strip("│ ")]
        assert rows and all(r.rstrip(" │▁▂▃▄▅▆▇█").endswith("|") for r in rows), rows
        # Wider, the usual 16 bytes a row come back.
        await pilot.resize_terminal(120, 40)
        await wait_for(
            pilot,
            lambda: (
                str(screen.query_one("#detail-body").render()).splitlines()[1][:8] == "00000010"
            ),
            what="16 bytes a row",
        )
