"""The log's layout commands: JSON fields as columns (``C``, ``--columns``) and how times are
written (``T``, ``--time``). Both change only how the lines kept are drawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from pgtail.core.field_values import read_document
from pgtail.core.filter_eval import MISSING
from pgtail.core.filter_syntax import Field
from pgtail.core.models import Notification
from pgtail.core.stamps import DESCRIPTIONS
from pgtail.settings import Settings
from pgtail.ui.screens.columns import ColumnsScreen
from pgtail.ui.widgets.notification_log import NotificationLog

PushScreen = Callable[[Screen[Any], Callable[[Any], None]], object]
"""Shows a screen, then calls back with what it was dismissed with."""
Toast = Callable[..., object]
"""Shows a short message: its text, and ``timeout=`` seconds."""


class LogLayout:
    """Sets the log's field columns and time format."""

    def __init__(
        self,
        log: NotificationLog,
        settings: Settings,
        push_screen: PushScreen,
        toast: Toast,
    ) -> None:
        self.log = log
        self._push_screen = push_screen
        self._toast = toast
        log.canvas.set_fields(settings.columns)  # --columns, --time, or the config file's
        log.canvas.time = settings.time

    def pick_columns(self) -> None:
        """The field picker, for the selected notification (none selected: the newest)."""
        chosen = self.log.chosen or next(
            (line for line in reversed(self.log.lines) if isinstance(line, Notification)), None
        )
        json = chosen is not None and read_document(chosen.payload) is not MISSING
        if not json and not self.log.canvas.fields:
            self._toast("select a JSON payload first (Up, Down)", timeout=3)
            return
        self._push_screen(ColumnsScreen(chosen, self.log.canvas.fields), self.set_columns)

    def set_columns(self, fields: tuple[Field, ...] | None) -> None:
        if fields is None or fields == self.log.canvas.fields:
            return
        self.log.canvas.set_fields(fields)
        self.log.relayout()

    def cycle_time(self) -> None:
        """Absolute, relative, date, and round again."""
        canvas = self.log.canvas
        canvas.time = canvas.time.next()
        self.log.relayout()
        self._toast(f"time: {DESCRIPTIONS[canvas.time]}", timeout=3)
