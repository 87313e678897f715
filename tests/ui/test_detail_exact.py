"""The detail view shows what was sent, received from a real server: JSON tokens as written,
text that is not quite JSON labelled as such, and the bytes that arrived in the hex dump."""

from __future__ import annotations

import uuid

import psycopg
from textual.pilot import Pilot

from pgtail.ui.app import PgtailApp
from pgtail.ui.screens.detail import DetailScreen
from tests.harness import PgServer, notify
from tests.ui.helpers import app_for, payloads, screen_text, showing, wait_for

NOT_QUITE_JSON = (
    '{"amount": 10.50, "qty": 1.0, "a": 1, "a": 2, "f": 1e3, "s": "caf\\u00e9", "nan": NaN}'
)


def database(pg: PgServer, encoding: str) -> str:
    """A new database in *encoding*; returns its conninfo."""
    name = f"enc_{encoding.lower()}_{uuid.uuid4().hex[:8]}"
    pg.psql(
        f"CREATE DATABASE {name} ENCODING '{encoding}' TEMPLATE template0"
        " LC_COLLATE 'C' LC_CTYPE 'C'"
    )
    return pg.conninfo(dbname=name)


async def open_newest(pilot: Pilot[int], app: PgtailApp) -> DetailScreen:
    """Open the newest line's detail view and wait until it is drawn (its keys, last)."""
    app.log_view.focus()
    await pilot.press("up", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail view")
    await wait_for(pilot, lambda: showing(app, "Escape closes"), what="the detail view drawn")
    assert isinstance(app.screen, DetailScreen)
    return app.screen


async def close(pilot: Pilot[int], app: PgtailApp) -> None:
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen), what="closed")


async def test_json_is_reindented_token_for_token(pg: PgServer) -> None:
    payload = '{"amount":10.50,"qty":1.0,"a":1,"a":2,"f":1e3,"s":"caf\\u00e9","e":[],"o":{}}'
    app = app_for(pg.dsn, "exact:json")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "exact:json" in app.channels.listening, what="listening")
        notify(pg, "exact:json", payload)
        await wait_for(pilot, lambda: payloads(app) == [payload], what="line")
        await open_newest(pilot, app)
        text = screen_text(app)
        assert f"{len(payload)} bytes (JSON)" in text
        for line in ['  "amount": 10.50,', '  "qty": 1.0,', '  "a": 1,', '  "a": 2,']:
            assert line in text
        assert '  "f": 1e3,' in text and '  "s": "caf\\u00e9",' in text
        assert '  "e": [],' in text and '  "o": {}' in text
        assert "JSON, indented" in text
        # r shows it as received, on one line.
        await pilot.press("r")
        await wait_for(pilot, lambda: showing(app, payload, "as received"), what="as received")
        await close(pilot, app)


async def test_not_quite_json_is_text_and_says_why(pg: PgServer) -> None:
    app = app_for(pg.dsn, "exact:nan")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "exact:nan" in app.channels.listening, what="listening")
        notify(pg, "exact:nan", NOT_QUITE_JSON)
        await wait_for(pilot, lambda: payloads(app) == [NOT_QUITE_JSON], what="line")
        await open_newest(pilot, app)
        text = screen_text(app)
        assert "(text, not valid JSON: NaN is not a JSON value (offset 81))" in text
        assert NOT_QUITE_JSON in text  # exactly as received
        assert "(JSON)" not in text and '"a": 2' in text and "10.5," not in text
        await close(pilot, app)


async def test_hex_shows_bytes_invalid_in_a_sql_ascii_database(pg: PgServer) -> None:
    dsn = database(pg, "SQL_ASCII")
    app = app_for(dsn, "exact:bytes")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "exact:bytes" in app.channels.listening, what="listening")
        with psycopg.connect(dsn, autocommit=True) as conn:
            # caf, a lone 0xE9 (Latin-1 é, not UTF-8), then a valid UTF-8 é.
            conn.execute(
                "SELECT pg_notify('exact:bytes',"
                " convert_from('\\x636166e92fc3a9'::bytea, 'SQL_ASCII'))"
            )
        await wait_for(pilot, lambda: payloads(app) == ["caf\ufffd/\u00e9"], what="line")
        await open_newest(pilot, app)
        await pilot.press("x")
        text = await wait_for(
            pilot, lambda: showing(app, "00000000  63 61 66 e9 2f c3 a9", "|caf./..|"), what="hex"
        )
        assert "ef bf bd" not in text
        assert "7 bytes (text)" in text
        assert "some not valid in the server encoding" in text
        await close(pilot, app)


async def test_hex_shows_the_bytes_of_a_latin1_database(pg: PgServer) -> None:
    dsn = database(pg, "LATIN1")
    app = app_for(dsn, "exact:latin1")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "exact:latin1" in app.channels.listening, what="listening")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_notify('exact:latin1', %s)", ["caf\u00e9"])
        await wait_for(pilot, lambda: payloads(app) == ["caf\u00e9"], what="line")
        await open_newest(pilot, app)
        await pilot.press("x")
        text = await wait_for(pilot, lambda: showing(app, "00000000  63 61 66 e9 "), what="hex")
        assert "c3 a9" not in text
        assert "4 bytes (text)" in text and "not valid" not in text
        await close(pilot, app)


async def test_clean_utf8_payload_shows_its_own_bytes(pg: PgServer) -> None:
    app = app_for(pg.dsn, "exact:utf8")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "exact:utf8" in app.channels.listening, what="listening")
        notify(pg, "exact:utf8", "caf\u00e9 \ufffd")  # a real U+FFFD is not a bad byte
        await wait_for(pilot, lambda: payloads(app) == ["caf\u00e9 \ufffd"], what="line")
        screen = await open_newest(pilot, app)
        assert screen.notification.raw_payload is None
        assert "not valid" not in screen_text(app)
        await pilot.press("x")
        await wait_for(
            pilot, lambda: "00000000  63 61 66 c3 a9 20 ef bf  bd" in screen_text(app), what="hex"
        )
        await close(pilot, app)
