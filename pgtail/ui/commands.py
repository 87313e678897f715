"""The command palette (Ctrl+P): each of pgtail's actions once, with its key, beside Textual's own.

Textual's "Keys" (a side panel of the focused widget's keys, cramped at 80 columns) is left out:
pgtail's own "Keys" entry opens the help screen, which lists every key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

if TYPE_CHECKING:
    from pgtail.ui.app import PgtailApp

#: Textual's entries that pgtail replaces with its own.
REPLACED = {"Keys"}


def pgtail_commands(
    app: PgtailApp, textual_commands: Iterable[SystemCommand]
) -> Iterator[SystemCommand]:
    yield from (command for command in textual_commands if command.title not in REPLACED)
    yield SystemCommand("Keys", "Every key and what it does (?)", app.action_help)
    yield SystemCommand("Add channel", "LISTEN on a new channel (a)", app.action_add_channel)
    yield SystemCommand("Clear log", "Forget every line in the log (c)", app.action_clear_log)
    yield SystemCommand(
        "NOTIFY",
        "Send a notification, or a burst: payload *200@50 (n)",
        app.action_focus_notify,
    )
    yield SystemCommand(
        "Channel list", "Show or hide the channel list (s)", app.action_toggle_sidebar
    )
    yield SystemCommand(
        "Filter", "Show only lines matching a text or /regex/ (/)", app.action_filter
    )
    yield SystemCommand("Who", "Show or hide who sent each line (w)", app.action_toggle_senders)
    yield SystemCommand(
        "Columns",
        "Show JSON fields as columns, picked from a payload (C)",
        app.action_pick_columns,
    )
    yield SystemCommand(
        "Time format",
        "Times as the clock, since the line before, or with the date (T)",
        app.action_cycle_time,
    )
    yield SystemCommand("Discover", "Find channels in use on the server (D)", app.action_discover)
    yield SystemCommand("Errors", "Every error met, in full (E)", app.action_show_errors)
    yield SystemCommand(
        "Export", "Write the log's lines (filtered) to a file as JSON (e)", app.action_export
    )
    yield SystemCommand(
        "Follow log", "Jump to the newest line and follow (f)", app.log_view.action_follow
    )
    yield SystemCommand(
        "Wrap payloads", "Show every payload whole, wrapped (W)", app.log_view.action_toggle_wrap
    )
    yield SystemCommand(
        "Copy as SQL", "The selected line as a pg_notify statement (Y)", app.action_copy_sql
    )
    yield SystemCommand("Undo", "Undo the last clear or channel removal (u)", app.action_undo)
    yield SystemCommand(
        "Retry now", "Reconnect now instead of after the wait (r)", app.action_retry
    )
    yield SystemCommand(
        "Quiet after", "Mark channels silent for N seconds, or turn it off", app.quiet.ask
    )
