"""The app's side of :mod:`pgtail.remembered`: the theme, the channel list's visibility and the
NOTIFY history are put back when the app starts and taken when it has ended.

Warnings while reading show as a toast; those while writing are printed by the command once the
terminal is restored (the app is gone by then).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pgtail.core.text import escape
from pgtail.remembered import Remembered, StateFile

if TYPE_CHECKING:
    from pgtail.ui.app import PgtailApp


class Remembering:
    """The state of one run: loaded when made, put into the app, saved from it."""

    def __init__(self, store: StateFile, server: str | None) -> None:
        self.store = store
        self.server = server
        """Whose NOTIFY history this is (``user@host:port/db``); None keeps none (a replay)."""
        self.loaded = store.load(server)
        self._history: list[str] | None = None
        """The NOTIFY bar's own list once restored: it lives on after the widgets are gone."""

    def restore(self, app: PgtailApp) -> None:
        """Put the remembered theme, channel list and history into the mounted *app*."""
        theme = self.loaded.theme
        if theme is not None and theme in app.available_themes:
            app.theme = theme
        if self.loaded.channel_list is not None:
            app.main.choose_channels(self.loaded.channel_list)
        self._history = app.notify_bar.input.history
        self._history[:0] = self.loaded.history
        for warning in self.store.warnings:
            app.notify(escape(warning), title="not remembered", severity="warning", markup=False)
        self.store.warnings.clear()

    def save(self, app: PgtailApp) -> list[str]:
        """Store what *app* ended with (after it has ended); returns the warnings, one line
        each. An app that never got as far as :meth:`restore` changed nothing: nothing is
        written."""
        if self._history is not None:
            remembered = Remembered(app.theme, list(self._history), app.main.sidebar.chosen)
            self.store.save(self.server, remembered)
        return self.store.warnings
