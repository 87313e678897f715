"""The export prompt (``e``): the file to write the log's notifications to, as JSON lines.

The notifications are taken when ``e`` is pressed: what the log held then, through its filters.
The file is written on Enter; when it cannot be (it exists, no such directory, no permission),
the reason shows under the name, which stays for editing. Escape cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from pgtail.core.export import ExportError, export, proposed_name
from pgtail.core.models import Notification
from pgtail.core.text import escape
from pgtail.ui.widgets.footer import KeyFooter
from pgtail.ui.widgets.notification_log import NotificationLog
from pgtail.ui.widgets.safe_input import SafeInput


class ExportScreen(ModalScreen[str | None]):
    """Asks for a file name; dismisses with what was written (Enter) or None (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, notifications: Sequence[Notification], filters: Sequence[str] = ()) -> None:
        super().__init__()
        self.notifications = notifications
        """What is written: the log's notifications when the prompt opened."""
        self.filters = filters
        """The filters the log showed them through, as the user knows them."""

    def compose(self) -> ComposeResult:
        count = len(self.notifications)
        what = f"{count:,} notification{'s' if count != 1 else ''}"
        if self.filters:
            what += f" (filter: {escape(' and '.join(self.filters))})"
        with Vertical(id="export-dialog"):
            yield Label(Content(f"Export {what} as JSON lines to:"))
            # The cursor at the end, nothing selected: a name is edited more often than replaced.
            yield SafeInput(proposed_name(), select_on_focus=False, id="export-input")
            yield Label("", id="export-error")
            yield Label(
                Content.styled("Enter writes, Escape cancels; --replay FILE reads it", "dim")
            )
        yield KeyFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            written = export(event.value, self.notifications)
        except ExportError as exc:
            self.query_one("#export-error", Label).update(Content(str(exc)))
            return
        lines = f"{written:,} line{'s' if written != 1 else ''}"
        self.dismiss(f"wrote {lines} to {event.value.strip()}")

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.query_one("#export-error", Label).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)


def export_prompt(log: NotificationLog) -> ExportScreen | None:
    """The prompt for the notifications *log* shows now; None when it shows none."""
    notifications = [line for line in log.lines if isinstance(line, Notification)]
    if not notifications:
        return None
    text = log.text_filter.text if log.text_filter is not None else None
    filters = [f"channel {log.filter}" if log.filter is not None else None, text]
    return ExportScreen(notifications, [f for f in filters if f])
