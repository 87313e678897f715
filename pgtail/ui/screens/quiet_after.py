"""The small dialog behind the palette's "Quiet after": how many seconds without a notification
make a channel quiet, or off."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from pgtail.ui.state.quiet import parse_after
from pgtail.ui.widgets.footer import KeyFooter
from pgtail.ui.widgets.safe_input import SafeInput


class QuietAfterScreen(ModalScreen[str | None]):
    """Asks for the threshold; dismisses with what was typed (Enter, once valid) or None
    (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, after: float | None) -> None:
        super().__init__()
        self.after = after
        """The threshold now (None: off), offered for editing."""

    def compose(self) -> ComposeResult:
        with Vertical(id="quiet-dialog"):
            yield Label("Quiet after: seconds without a notification (0: off)")
            yield SafeInput(
                value="" if self.after is None else f"{self.after:g}",
                placeholder="seconds, e.g. 60",
                id="quiet-input",
            )
            yield Label("", id="quiet-error")
        yield KeyFooter()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.query_one("#quiet-error", Label).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            parse_after(event.value)
        except ValueError as exc:
            self.query_one("#quiet-error", Label).update(Content(str(exc)))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
