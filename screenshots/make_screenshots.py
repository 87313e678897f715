"""Regenerate the screenshots in this folder from real runs against a throw-away server.

    python -m screenshots.make_screenshots              # all of them
    python -m screenshots.make_screenshots json         # only some: wide, small, json

Writes SVG (Textual's own export) and, when ``rsvg-convert`` is installed, PNG.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

import psycopg
from textual.pilot import Pilot

from pgtail.core.backoff import Backoff
from pgtail.core.listener import ListenerOptions
from pgtail.core.models import Notification, Phase
from pgtail.demo.channels import CHANNELS
from pgtail.settings import OutputMode, Settings
from pgtail.ui.app import PgtailApp
from pgtail.ui.launch import make_app
from tests.harness import PgServer, notify

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

TRAFFIC = [
    ("orders", '{"id": 1041, "status": "paid", "total": "129.90"}'),
    ("jobs:insert", '{"job": "send_invoice", "order": 1041}'),
    ("cache.invalidate", "product:88"),
    ("orders", '{"id": 1042, "status": "new", "total": "18.00"}'),
    ("Audit Log", "user 7 changed role of user 12 to admin"),
    ("jobs:insert", '{"job": "resize_image", "asset": "a/9f3.png"}'),
    ("cache.invalidate", "category:shoes"),
    ("orders", '{"id": 1041, "status": "shipped"}'),
    ("Audit Log", "login failed for \x1b[31mroot\x1b[0m from 10.0.0.7"),
    ("cache.invalidate", "[@click=app.quit]not a link[/]"),
    ("jobs:insert", '{"job": "send_invoice", "order": 1042}'),
    ("orders", '{"id": 1043, "status": "new", "total": "7.50"}'),
]
#: Wide enough for the channel list beside the log (it folds into a one-line summary below 140).
SIZE = (140, 36)
#: The terminal most users have over SSH.
SMALL = (80, 24)
ORDER = (
    '{"id": 1046, "status": "paid", "customer": {"id": 77, "name": "Ana Souza"}, '
    '"items": [{"sku": "A-17", "qty": 2}, {"sku": "B-3", "qty": 1}], "total": "59.80"}'
)
# A trigger that notifies, for the discovery panel to find.
DISCOVERY_SQL = """
CREATE TABLE IF NOT EXISTS orders (id int);
CREATE OR REPLACE FUNCTION orders_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('orders_changed', NEW.id::text);
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER orders_changed AFTER INSERT ON orders
  FOR EACH ROW EXECUTE FUNCTION orders_notify();
"""


async def until(pilot: Pilot[int], condition: object, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(0.05)


def save(app: PgtailApp, name: str) -> None:
    svg = os.path.join(HERE, f"{name}.svg")
    app.save_screenshot(filename=f"{name}.svg", path=HERE)
    # Spaces are written as no-break spaces, which rsvg-convert drops at the start of a text
    # element: without this, a column's leading spaces vanish from the PNG.
    with open(svg, encoding="utf-8") as image:
        text = image.read().replace("<svg ", '<svg xml:space="preserve" ', 1)
    with open(svg, "w", encoding="utf-8") as image:
        image.write(text)
    if shutil.which("rsvg-convert"):
        png = os.path.join(HERE, f"{name}.png")
        subprocess.run(["rsvg-convert", "-o", png, svg], check=True)
    print(f"wrote screenshots/{name}.svg")


def shown(app: PgtailApp) -> int:
    return sum(isinstance(line, Notification) for line in app.log_view.lines)


async def wide(pg: PgServer) -> None:
    """The main view and the debugging features at 140×36, and a reconnect."""
    settings = Settings(dsn=pg.dsn, channels=CHANNELS, mode=OutputMode.TUI)
    app = make_app(settings, options=ListenerOptions(backoff=Backoff(initial=2, cap=5)))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.channels.listening) == len(CHANNELS))
        for channel, payload in TRAFFIC:
            notify(pg, channel, payload)
            await pilot.pause(0.05)
        # One sent from pgtail's own NOTIFY bar, marked as such in the log.
        await pilot.press("n", *'orders {"id": 1044, "status": "new"}', "enter")
        await until(pilot, lambda: shown(app) == len(TRAFFIC) + 1)
        await pilot.press("escape", "n", *'"Audit Log" user 7 logged out')
        await pilot.pause(0.3)
        save(app, "main")

        await pilot.press("escape", "question_mark")
        await pilot.pause(0.3)
        save(app, "help")
        await pilot.press("escape")

        app.channel_list.focus()
        await pilot.press("down", "enter")
        await pilot.pause(0.3)
        save(app, "filtered")
        await pilot.press("enter")

        # The detail view of a JSON payload, the live filter, who sent it, and discovery;
        # sent from sessions that stay connected, so their senders can be looked up.
        billing = psycopg.connect(pg.dsn, autocommit=True, application_name="billing-worker")
        cache = psycopg.connect(pg.dsn, autocommit=True, application_name="cache-node")
        billing.execute("SELECT pg_notify('orders', %s)", (ORDER,))
        cache.execute("SELECT pg_notify('cache.invalidate', 'product:91')")
        await until(pilot, lambda: shown(app) == len(TRAFFIC) + 3)
        app.log_view.focus()
        await pilot.press("up", "up", "enter")
        await pilot.pause(0.5)
        save(app, "detail")
        await pilot.press("x")
        await pilot.pause(0.3)
        save(app, "detail-hex")
        await pilot.press("escape", "end")

        await pilot.press("w")
        await pilot.pause(0.6)
        save(app, "who-sent-it")
        await pilot.press("w")

        await pilot.press("slash", *"/invoice|1042/")
        await pilot.pause(0.3)
        save(app, "live-filter")
        await pilot.press("escape")

        cache.execute(DISCOVERY_SQL)
        cache.execute('LISTEN "Cache Bust"')
        await pilot.press("D")
        await pilot.pause(0.8)
        save(app, "discovery")
        await pilot.press("escape")
        billing.close()
        cache.close()

        pg.stop()
        await until(pilot, lambda: app.state.phase is Phase.RECONNECTING)
        await pilot.pause(1.0)
        save(app, "reconnecting")
        pg.start()
        await until(pilot, lambda: app.state.phase is Phase.CONNECTED, timeout=30)
        await until(pilot, lambda: len(app.channels.listening) == len(CHANNELS))
        notify(pg, "orders", '{"id": 1045, "status": "new"}')
        await pilot.pause(0.5)
        save(app, "after-gap")


async def small_terminal(pg: PgServer) -> None:
    """The main view, the detail view and a reconnect at 80×24."""
    settings = Settings(dsn=pg.dsn, channels=CHANNELS, mode=OutputMode.TUI)
    app = make_app(settings, options=ListenerOptions(backoff=Backoff(initial=2, cap=5)))
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: len(app.channels.listening) == len(CHANNELS))
        for channel, payload in TRAFFIC:
            notify(pg, channel, payload)
            await pilot.pause(0.05)
        notify(pg, "orders", ORDER)
        await until(pilot, lambda: shown(app) == len(TRAFFIC) + 1)
        await pilot.pause(0.3)
        save(app, "small-main")
        await pilot.press("up", "enter")
        await pilot.pause(0.5)
        save(app, "small-detail")
        await pilot.press("escape", "end")
        pg.stop()
        await until(pilot, lambda: app.state.phase is Phase.RECONNECTING)
        await pilot.pause(1.0)
        save(app, "small-reconnecting")
        pg.start()


#: Orders as a shop's trigger sends them, and a job queue beside them.
JSON_TRAFFIC = [
    ("orders", '{"id": 1039, "status": "shipped", "user": {"name": "Ana Souza"}, "total": 59.80}'),
    ("jobs:insert", '{"job": "send_invoice", "order": 1039, "attempt": 1}'),
    ("orders", '{"id": 1040, "status": "paid", "user": {"name": "Bo Li"}, "total": 18.00}'),
    ("orders", '{"id": 1041, "status": "new", "user": {"name": "Chidi Okeke"}, "total": 7.50}'),
    ("cache.invalidate", "product:88"),
    ("orders", '{"id": 1041, "status": "paid", "user": {"name": "Chidi Okeke"}, "total": 7.50}'),
    ("jobs:insert", '{"job": "send_invoice", "order": 1041, "attempt": 1}'),
    ("orders", '{"id": 1042, "status": "new", "user": {"name": "Dana Weiß"}, "total": 129.90}'),
    ("orders", '{"id": 1043, "status": "paid", "user": {"name": "Zoë Ōkubo"}, "total": 42.00}'),
    ("jobs:insert", '{"job": "send_invoice", "order": 1043, "attempt": 2, "error": "timeout"}'),
    ("orders", '{"id": 1042, "status": "cancelled", "user": {"name": "Dana Weiß"}}'),
    ("orders", '{"id": 1044, "status": "paid", "user": {"name": "Eve Martin"}, "total": 310.00}'),
]


async def json_views(pg: PgServer) -> None:
    """A filter on JSON fields at 140×36; fields picked as columns at 80×24."""
    settings = Settings(dsn=pg.dsn, channels=CHANNELS, mode=OutputMode.TUI)
    app = make_app(settings, options=ListenerOptions(backoff=Backoff(initial=2, cap=5)))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.channels.listening) == len(CHANNELS))
        for channel, payload in JSON_TRAFFIC:
            notify(pg, channel, payload)
            await pilot.pause(0.05)
        await until(pilot, lambda: shown(app) == len(JSON_TRAFFIC))
        await pilot.press("slash", *".status = paid and .id > 1040")
        await pilot.pause(0.3)
        save(app, "field-filter")

    app = make_app(settings, options=ListenerOptions(backoff=Backoff(initial=2, cap=5)))
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: len(app.channels.listening) == len(CHANNELS))
        for channel, payload in JSON_TRAFFIC:
            notify(pg, channel, payload)
            await pilot.pause(0.05)
        await until(pilot, lambda: shown(app) == len(JSON_TRAFFIC))
        # The newest order's fields: tick .id, .status and .user.name.
        await pilot.press("up", "C", "space", "down", "space", "down", "space")
        await pilot.pause(0.3)
        save(app, "columns-picker")
        await pilot.press("escape", "end")
        await pilot.pause(0.3)
        save(app, "columns")


#: What each name on the command line regenerates.
GROUPS: dict[str, Callable[[PgServer], Awaitable[None]]] = {
    "wide": wide,
    "small": small_terminal,
    "json": json_views,
}


async def main(names: list[str]) -> None:
    with PgServer() as pg:
        for name in names or list(GROUPS):
            await GROUPS[name](pg)


if __name__ == "__main__":
    unknown = [name for name in sys.argv[1:] if name not in GROUPS]
    if unknown:
        sys.exit(f"unknown: {', '.join(unknown)} (choose from {', '.join(GROUPS)})")
    asyncio.run(main(sys.argv[1:]))
