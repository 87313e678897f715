"""The app's own keys, anywhere on the main screen (widgets and dialogs declare theirs).

Each is in the help screen (``?``) and the command palette too; the footer shows what fits.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit"),
    Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    Binding("question_mark", "help", "Help"),
    Binding("n", "focus_notify", "Notify"),
    Binding("a", "add_channel", "Add"),
    Binding("c", "clear_log", "Clear"),
    Binding("s", "toggle_sidebar", "Channels"),
    Binding("slash", "filter", "Filter"),
    Binding("w", "toggle_senders", "Who", tooltip="Show who sent each line"),
    Binding("D", "discover", "Discover", tooltip="Find channels in use on the server"),
    Binding("Y", "copy_sql", "Copy SQL", show=False, tooltip="Copy the selected line as SQL"),
    Binding("e", "show_errors", "Errors", tooltip="Every error met, in full"),
    Binding("escape", "focus_log", "Log", show=False),
]
