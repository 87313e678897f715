"""The error view (``E``): every error pgtail met, newest first, each one whole.

The status line and toasts have one line or a few seconds; here the full text is wrapped to the
width, can be selected with the mouse, and ``y`` copies the newest one (OSC 52, which also reaches
the local clipboard over SSH in terminals that allow it). Error text may come from the server: it
only ever becomes plain escaped text, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from pgtail.core.formats import clock_time
from pgtail.core.text import escape
from pgtail.ui.state.error_log import ErrorEntry, ErrorLog
from pgtail.ui.widgets.footer import KeyFooter


def describe_entry(entry: ErrorEntry) -> Content:
    """When and what failed, then the whole message."""
    when = clock_time(entry.last_at)[:8]
    if entry.count > 1:
        when += f" ({entry.count} times since {clock_time(entry.first_at)[:8]})"
    return Content.assemble(
        (escape(entry.source), "bold"), "  ", (when, "dim"), "\n", escape(entry.text)
    )


class ErrorScreen(ModalScreen[None]):
    """Lists the errors; Escape closes, y copies the newest."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,e,q", "close", "Close"),
        Binding("y", "copy", "Copy newest"),
    ]

    def __init__(self, errors: ErrorLog) -> None:
        super().__init__()
        self.errors = errors
        """Where the errors are kept (read when the screen opens)."""

    def compose(self) -> ComposeResult:
        entries = self.errors.newest_first()
        with Vertical(id="errors-dialog"), VerticalScroll(id="errors-scroll"):
            if not entries:
                yield Static(Content.styled("No errors so far.", "dim"))
            for entry in entries:
                yield Static(describe_entry(entry), classes="error-entry")
        yield KeyFooter()

    def on_mount(self) -> None:
        dialog = self.query_one("#errors-dialog")
        dialog.border_title = "errors, newest first"
        self.query_one("#errors-scroll").focus()

    def action_copy(self) -> None:
        latest = self.errors.latest
        if latest is None:
            return
        self.app.copy_to_clipboard(latest.text)
        self.notify(f"copied the newest error ({len(latest.text):,} characters)", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
