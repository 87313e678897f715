"""The prompt for a new channel name, with its byte length against the server's limit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from pgtail.core.channels import byte_length, validate_channel
from pgtail.core.models import MAX_CHANNEL_BYTES, DiscoveredChannel
from pgtail.ui.widgets.completing_input import CompletingInput, show_hint
from pgtail.ui.widgets.footer import KeyFooter


class AddChannelScreen(ModalScreen[str | None]):
    """Asks for a channel name; dismisses with the name (Enter) or None (Escape).

    Tab completes from *names* (the app's channels), and from the channels found on the server
    once :meth:`add_discovered` hands them in.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__()
        self.names: list[str] = list(names)
        """What Tab completes from."""

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog"):
            yield Label("Listen on channel (exact name; Enter adds, Escape cancels)")
            yield CompletingInput(
                lambda: self.names,
                leave="Escape cancels",
                placeholder="channel name (Tab completes)",
                id="add-input",
            )
            yield Label(f"0/{MAX_CHANNEL_BYTES} bytes", id="add-bytes")
            yield Label("", id="add-error")
            yield Label("", id="add-hint", classes="completion-hint")
        yield KeyFooter()

    def add_discovered(self, channels: list[DiscoveredChannel]) -> None:
        """Channels in use on the server complete too."""
        self.names.extend(c.name for c in channels if c.name not in self.names)

    def on_completing_input_hint(self, event: CompletingInput.Hint) -> None:
        event.stop()
        show_hint(self.query_one("#add-hint", Label), event.text)

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
