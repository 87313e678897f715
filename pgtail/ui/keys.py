"""The app's own keys, anywhere on the main screen, and the log's (dialogs declare theirs).

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
    Binding("C", "pick_columns", "Columns", show=False, tooltip="JSON fields as columns"),
    Binding("T", "cycle_time", "Time", show=False, tooltip="Clock, since the last line, date"),
    Binding("u", "undo", "Undo", show=False, tooltip="Undo the last clear or removal"),
    Binding("r", "retry", "Retry", show=False, tooltip="Reconnect now, not after the wait"),
    Binding("E", "show_errors", "Errors", tooltip="Every error met, in full"),
    Binding("e", "export", "Export", show=False, tooltip="Write the log's lines to a file"),
    Binding("escape", "focus_log", "Log", show=False),
]

LOG_BINDINGS: list[BindingType] = [
    Binding("end,f", "follow", "Follow", tooltip="Scroll to the newest line and follow it"),
    Binding("enter", "choose", "Details", tooltip="Show the whole notification"),
    Binding("W", "toggle_wrap", "Wrap", show=False),  # in ? and the palette
    Binding("left", "shift_payload(False)", "Payload left", show=False),
    Binding("right", "shift_payload(True)", "Payload right", show=False),
    Binding("home", "scroll_home", "Top", show=False),
    Binding("up", "cursor_up", "Up", show=False),
    Binding("down", "cursor_down", "Down", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
]
