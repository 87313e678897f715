"""``c`` (clear the log) and ``d`` (remove a channel) done so that ``u`` can undo them.

Each says what happened in a toast and stays undoable for a while
(:class:`pgtail.ui.state.undo.UndoBook` keeps what was set aside, and until when). Undoing puts
the log's lines and counts back before the lines that arrived since, or gives the channel its
row back where it was and LISTENs on it again.
"""

from __future__ import annotations

from collections.abc import Callable

from pgtail.ui.channel_commands import ChannelCommands
from pgtail.ui.state.log_store import Cleared
from pgtail.ui.state.undo import RemovedChannel, UndoBook
from pgtail.ui.widgets.notification_log import NotificationLog


class Undo:
    """Clears and removals the user can take back with ``u``."""

    def __init__(
        self, log: NotificationLog, channels: ChannelCommands, toast: Callable[[str], object]
    ) -> None:
        self.log = log
        self.channels = channels
        self._toast = toast
        self.book: UndoBook[RemovedChannel | Cleared] = UndoBook()
        """What can be undone, until when."""

    def clear_log(self) -> None:
        cleared = self.log.clear()
        self.book.done(cleared)
        count = len(cleared.lines)
        self._toast(f"cleared {count:,} line{'s' if count != 1 else ''} · u undoes")

    def remove_channel(self, name: str) -> None:
        removed = self.channels.remove(name)
        if removed is not None:
            self.book.done(removed)
            self._toast(f"removed {name!r} (UNLISTEN) · u undoes")

    def undo(self) -> None:
        action = self.book.take()
        if action is None:
            self._toast(f"nothing to undo (c and d can be undone for {self.book.window:.0f} s)")
        elif isinstance(action, Cleared):
            self.log.restore(action)
            self._toast("the cleared lines are back")
        else:
            self.channels.restore(action)
            missed = "; what was sent to it meanwhile was missed" if action.listening else ""
            self._toast(f"{action.name!r} is back{missed}")
