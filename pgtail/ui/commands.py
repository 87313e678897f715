"""pgtail's entries in the command palette (Ctrl+P), beside Textual's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

if TYPE_CHECKING:
    from pgtail.ui.app import PgtailApp


def pgtail_commands(app: PgtailApp) -> Iterator[SystemCommand]:
    yield SystemCommand("Add channel", "LISTEN on a new channel", app.action_add_channel)
    yield SystemCommand("Clear log", "Forget every line in the log", app.action_clear_log)
    yield SystemCommand("Focus NOTIFY bar", "Send a notification", app.action_focus_notify)
    yield SystemCommand(
        "Toggle channel list", "Show or hide the channel list", app.action_toggle_sidebar
    )
    yield SystemCommand("Follow log", "Jump to the newest line", app.log_view.action_follow)
    yield SystemCommand(
        "Filter log", "Text, /regex/ or JSON fields: .status = paid", app.action_filter
    )
    yield SystemCommand(
        "Copy as SQL", "The selected line as a pg_notify statement", app.action_copy_sql
    )
    yield SystemCommand("Keys", "Show every key", app.action_help)
