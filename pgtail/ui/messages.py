"""The messages the core thread posts to the app (``post_message`` is thread-safe).

Notifications themselves never travel as messages: one per line (or per batch) would swamp the
UI's queue during a flood. The core leaves them in :class:`pgtail.ui.inbox.Inbox`, and one
:class:`InboxReady` wakes the app when the inbox goes from empty to holding lines; the app then
drains everything there, paced by :class:`pgtail.ui.state.drain_pacer.DrainPacer`. Everything else
the core reports arrives as one message type, :class:`CoreEvent`.

Messages from widgets are nested in the widget that posts them, as Textual's own are
(``NotifyBar.Submitted``, ``ChannelList.ToggleRequested``...); the outcomes of the app's calls
into the core come back through :meth:`pgtail.ui.bridge.CoreThread.call`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from pgtail.ui.bridge import CoreNotice


@dataclass
class InboxReady(Message):
    """The inbox went from empty to holding lines: time to drain (posted by the core thread)."""


@dataclass
class CoreEvent(Message):
    """The core changed state, listens on other channels, warns, or checked delivery (posted
    from the core thread)."""

    event: CoreNotice
