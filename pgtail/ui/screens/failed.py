"""Shown when the connection failed for a reason retrying cannot fix; the user quits from here."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from pgtail.core.text import escape
from pgtail.ui.widgets.footer import KeyFooter


class FailedScreen(ModalScreen[None]):
    """The reason, the server, and how to leave."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,enter", "app.quit", "Quit"),
    ]

    def __init__(self, server: str, reason: str) -> None:
        super().__init__()
        self.server = server
        """Where pgtail tried to connect (no password)."""
        self.reason = reason
        """Why it gave up, in one line."""

    def compose(self) -> ComposeResult:
        with Vertical(id="failed-dialog"):
            yield Static(
                Content.assemble(
                    ("Cannot listen on ", "bold"),
                    (escape(self.server), "bold"),
                    "\n\n",
                    escape(self.reason),
                    "\n\n",
                    ("Retrying will not help. Press q to quit (exit status 2).", "dim"),
                )
            )
        yield KeyFooter()
