"""The help screen: every key, in one table."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

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
            ("/", "filter the log: text, or /regex/ (Escape clears)"),
            ("w", "show / hide who sent each line"),
            ("D", "discover channels in use on the server"),
            ("Tab, Shift+Tab", "move focus"),
            ("Ctrl+P", "command palette"),
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
        ],
    ),
    (
        "NOTIFY bar",
        [
            ("channel payload", 'send; "my channel" payload quotes a name'),
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
        parts: list[str | tuple[str, str]] = [("pgtail keys", "bold underline"), "\n"]
        for group, keys in KEYS:
            parts += ["\n", (group, "bold"), "\n"]
            for key, what in keys:
                parts += [(f"  {key:<28}", "bold #ffaf5f"), f"{what}\n"]
        parts += ["\n", ("Escape closes this screen.", "dim")]
        with VerticalScroll(id="help-dialog"):
            yield Static(Content.assemble(*parts), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
