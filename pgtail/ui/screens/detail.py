"""The whole of one notification: channel, time, sender, size, and the payload three ways.

JSON payloads are shown re-serialised from the parsed value and highlighted with rich's
``Syntax`` (never parsed as markup); other payloads as plain text with visible escapes; ``x``
switches to a hex dump of the bytes. ``y`` copies the payload with OSC 52, which also reaches the
local clipboard over SSH in terminals that allow it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from pgtail.core.formats import iso_time
from pgtail.core.models import Notification, SenderInfo
from pgtail.core.text import escape
from pgtail.ui.state.payload_views import hexdump, plain_text, pretty_json


def describe_sender(pid: int, info: SenderInfo | None) -> str:
    """One line about the sending backend, already escaped."""
    if info is None:
        return f"pid {pid} (looking up…)"
    if info.gone:
        return f"pid {pid} (disconnected)"
    return escape(
        f"pid {pid} · application {info.application_name or '(none)'} · user {info.user or '?'}"
        f" · {('address ' + info.client_addr) if info.client_addr else 'local socket'}"
        f" · {info.backend_type or '?'}"
    )


class DetailScreen(ModalScreen[None]):
    """A modal over the log; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("x", "toggle_hex", "Hex/text"),
        Binding("y", "copy", "Copy payload"),
    ]

    def __init__(self, notification: Notification, sender: SenderInfo | None = None) -> None:
        super().__init__()
        self.notification = notification
        """What is shown."""
        self.sender = sender
        """Who sent it, once known."""
        self.hex = False
        """True while the payload is shown as a hex dump."""
        self.json = pretty_json(notification.payload)
        """The re-serialised JSON, when the payload is a JSON object or array."""

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-dialog"):
            yield Static(self._head(), id="detail-head")
            with VerticalScroll(id="detail-scroll"):
                yield Static(self._body(), id="detail-body")

    def on_mount(self) -> None:
        dialog = self.query_one("#detail-dialog")
        dialog.border_title = Content(f"notification on {escape(self.notification.channel)}")
        self._update_subtitle()
        self.query_one("#detail-scroll").focus()

    def set_sender(self, info: SenderInfo) -> None:
        self.sender = info
        self.query_one("#detail-head", Static).update(self._head())

    def _head(self) -> Content:
        n = self.notification
        size = len(n.payload.encode("utf-8"))
        kind = "JSON" if self.json is not None else "text"
        rows = [
            ("channel", escape(n.channel)),
            ("time", iso_time(n.received)),
            ("sender", describe_sender(n.pid, self.sender)),
            ("size", f"{size:,} bytes ({kind})"),
        ]
        parts: list[str | tuple[str, str]] = []
        for label, value in rows:
            parts += [(f"{label:<8}", "bold"), value, "\n"]
        return Content.assemble(*parts[:-1])

    def _body(self) -> Content | Syntax:
        payload = self.notification.payload
        if self.hex:
            return Content(hexdump(payload.encode("utf-8")))
        if self.json is not None:
            return Syntax(self.json, "json", theme="ansi_dark", word_wrap=True)
        if not payload:
            return Content.styled("(empty payload)", "dim")
        return Content(plain_text(payload))

    def _update_subtitle(self) -> None:
        shown = "hex" if self.hex else ("JSON" if self.json is not None else "text")
        self.query_one(
            "#detail-dialog"
        ).border_subtitle = f"{shown} · x hex/text · y copy · Escape closes"

    def action_toggle_hex(self) -> None:
        self.hex = not self.hex
        self.query_one("#detail-body", Static).update(self._body())
        self._update_subtitle()

    def action_copy(self) -> None:
        payload = self.notification.payload
        self.app.copy_to_clipboard(payload)
        size = len(payload.encode("utf-8"))
        self.notify(f"copied the payload ({size:,} bytes)", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
