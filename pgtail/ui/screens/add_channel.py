"""The prompt for a new channel name, with its byte length against the server's limit."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from pgtail.core.channels import byte_length, validate_channel
from pgtail.core.models import MAX_CHANNEL_BYTES
from pgtail.ui.widgets.footer import KeyFooter
from pgtail.ui.widgets.safe_input import SafeInput


class AddChannelScreen(ModalScreen[str | None]):
    """Asks for a channel name; dismisses with the name (Enter) or None (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog"):
            yield Label("Listen on channel (exact name; Enter adds, Escape cancels)")
            yield SafeInput(placeholder="channel name", id="add-input")
            yield Label(f"0/{MAX_CHANNEL_BYTES} bytes", id="add-bytes")
            yield Label("", id="add-error")
        yield KeyFooter()

    def on_input_changed(self, event: Input.Changed) -> None:
        size = byte_length(event.value)
        label = self.query_one("#add-bytes", Label)
        text = f"{size}/{MAX_CHANNEL_BYTES} bytes"
        if size > MAX_CHANNEL_BYTES:
            text += " — the server cuts longer names to 63 bytes"
        label.update(Content(text))
        label.set_class(size > MAX_CHANNEL_BYTES, "-over")
        self.query_one("#add-error", Label).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            validate_channel(event.value)
        except ValueError as exc:
            self.query_one("#add-error", Label).update(Content(str(exc)))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
