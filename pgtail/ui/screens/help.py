"""The help screen: every key, in one table.

Each row is a key column and a description column; a description too long for the width wraps
within its own column, so nothing starts again at the left edge (80 columns is the usual size).
The table is one widget: built from a widget per cell (some 180), the screen took 250-450 ms
to open, most of it applying styles and laying those widgets out.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pgtail.ui.widgets.footer import KeyFooter

#: (keys, what they do), grouped.
KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Anywhere",
        [
            ("q, Ctrl+C", "quit"),
            ("?", "this help"),
            ("n", "focus the NOTIFY bar"),
            ("a", "add a channel (LISTEN at once)"),
            ("c", "clear the log"),
            ("u", "undo a clear or a removal (for 10 s)"),
            ("r", "reconnect now, not after the wait"),
            ("s", "open (and go to) / hide the channel list"),
            ("/", "filter the log: text, /regex/, .id > 5 (Esc clears)"),
            ("w", "show / hide who sent each line"),
            ("C", "JSON fields as columns: tick them in a payload"),
            ("T", "time: clock, since the line before, with date"),
            ("D", "discover channels in use on the server"),
            ("e", "export the log's lines, as filtered, to a file"),
            ("E", "every error met, in full (or click the status line)"),
            ("Tab, Shift+Tab", "move focus"),
            ("Ctrl+P", "command palette"),
            ("Ctrl+P, quiet after", "mark channels silent for N seconds, or stop"),
        ],
    ),
    (
        "Log",
        [
            ("Up, Down", "move the selected line (pauses following)"),
            ("Enter, double click", "the whole notification (x hex, y copy)"),
            ("Enter, none selected", "the newest notification"),
            ("Enter on a gap line", "what the gap means"),
            ("W", "wrap: every payload whole"),
            ("Left, Right", "scroll the payloads sideways"),
            ("Y", "copy it as SQL: SELECT pg_notify(...);"),
            ("PgUp, PgDn, Home", "scroll (scrolling up pauses following)"),
            ("End, f", "follow new lines again"),
            ("↑ before a payload", "sent by this pgtail"),
        ],
    ),
    (
        "Channel list",
        [
            ("Up, Down", "move"),
            ("Enter, click", "show only this channel; again to show all"),
            ("Space", "listen on / off (keeps the row)"),
            ("d, Delete", "remove (UNLISTEN; u undoes)"),
            ("quiet 2m 10s", "no notification for that long (--quiet-after)"),
        ],
    ),
    (
        "NOTIFY bar",
        [
            ("channel payload", 'send; "my channel" payload quotes a name'),
            ("{n}, {now}", "placeholders: 1, 2, 3… per send; the time"),
            ("{uuid}, {rand}", "a random UUID; a number from 0 to 1"),
            ("{{n}}", "the text {n}; other braces are sent as typed"),
            ("… *200, … *200@50", "send 200 times (50 a second); Esc stops"),
            ("Enter", "send"),
            ("Up, Down", "history of sent lines"),
            ("Tab, Shift+Tab", "complete a channel name; again: next"),
            ("Escape", "back to the log"),
        ],
    ),
]


class HelpScreen(ModalScreen[None]):
    """Lists the keys; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        accent = self.app.get_css_variables().get("text-accent", "")
        with VerticalScroll(id="help-dialog"):
            yield Static(keys_table(accent), id="help-keys")
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)


#: The key column's width, with its indent: "Enter, double click" fits.
KEY_WIDTH = 23


def keys_table(accent: str) -> Table:
    """:data:`KEYS` as one table; descriptions wrap in their own column."""
    table = Table.grid(expand=True)
    table.add_column(width=KEY_WIDTH, no_wrap=True, overflow="ellipsis")
    table.add_column(ratio=1)
    table.add_row(Text("pgtail keys", style="bold underline"), "")
    for group, keys in KEYS:
        table.add_row("", "")
        table.add_row(Text(group, style="bold"), "")
        for key, what in keys:
            table.add_row(Text(f"  {key}", style=f"bold {accent}".strip()), Text(what))
    table.add_row("", "")
    table.add_row(Text("Escape closes this screen.", style="dim"), "")
    return table
