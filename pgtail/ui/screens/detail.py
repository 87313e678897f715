"""The whole of one notification: channel, time, sender, size, and the payload three ways.

What is shown is what was sent. A JSON object or array is shown re-indented with every token as
written (duplicate keys, ``10.50``, ``\\u00e9`` stay so), highlighted from its own tokens; ``r``
switches to the payload as received. Anything else, including JSON-like text that breaks the
grammar (the header says why), is shown as received with visible escapes. ``x`` switches to a hex
dump of the bytes that arrived. Payload text only ever becomes plain :class:`Content` text, never
markup. ``y`` copies the payload with OSC 52, which also reaches the local clipboard over SSH in
terminals that allow it; ``Y`` copies the statement that sends it again (see
:mod:`pgtail.core.notify_sql`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content, Span
from textual.screen import ModalScreen
from textual.widgets import Static

from pgtail.core.formats import iso_time
from pgtail.core.models import Notification, SenderInfo
from pgtail.core.notify_sql import notify_statement
from pgtail.core.text import escape
from pgtail.ui.state.json_layout import KEY, LITERAL, NUMBER, STRING
from pgtail.ui.state.payload_views import (
    CONTROL,
    hex_row_width,
    hexdump,
    payload_form,
    plain_text,
)
from pgtail.ui.widgets.footer import KeyFooter

#: How each kind of JSON token is highlighted; punctuation and whitespace stay plain.
TOKEN_STYLES = {
    KEY: "bold $text-primary",
    STRING: "$text-success",
    NUMBER: "$text-warning",
    LITERAL: "$text-secondary",
    CONTROL: "reverse $text-error",
}


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


def json_content(spans: list[tuple[str, str]]) -> Content:
    """The laid-out JSON as plain text with styled spans: its text is never parsed as markup."""
    styled: list[Span] = []
    start = 0
    for text, kind in spans:
        end = start + len(text)
        style = TOKEN_STYLES.get(kind)
        if style is not None:
            styled.append(Span(start, end, style))
        start = end
    return Content("".join(text for text, _ in spans), styled)


class DetailScreen(ModalScreen[None]):
    """A modal over the log; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("x", "toggle_hex", "Hex/text"),
        Binding("r", "toggle_received", "As received/indented"),
        Binding("y", "copy", "Copy payload"),
        Binding("Y", "copy_sql", "Copy as SQL"),
    ]

    def __init__(self, notification: Notification, sender: SenderInfo | None = None) -> None:
        super().__init__()
        self.notification = notification
        """What is shown."""
        self.sender = sender
        """Who sent it, once known."""
        self.hex = False
        """True while the payload is shown as a hex dump."""
        self.form = payload_form(notification.payload)
        """The indented JSON layout (when the payload is JSON) and how the payload is labelled."""
        self.as_received = self.form.json is None
        """True while a JSON payload is shown as received rather than indented."""

    @property
    def json(self) -> bool:
        """True when the payload is a valid JSON object or array."""
        return self.form.json is not None

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-dialog"):
            yield Static(self._head(), id="detail-head")
            with VerticalScroll(id="detail-scroll"):
                yield Static(self._body(), id="detail-body")
        yield KeyFooter()

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
        rows = [
            ("channel", escape(n.channel)),
            ("time", iso_time(n.received)),
            ("sender", describe_sender(n.pid, self.sender)),
            ("size", f"{len(n.payload_bytes):,} bytes ({self.form.label})"),
        ]
        if n.invalid_bytes:
            rows.append(
                ("bytes", "some not valid in the server encoding: shown as \ufffd, x shows them")
            )
        parts: list[str | tuple[str, str]] = []
        for label, value in rows:
            parts += [(f"{label:<8}", "bold"), value, "\n"]
        return Content.assemble(*parts[:-1])

    def _body(self) -> Content:
        payload = self.notification.payload
        if self.hex:
            per_row = hex_row_width(self.hex_cells)
            return Content(hexdump(self.notification.payload_bytes, per_row))
        if self.form.json is not None and not self.as_received:
            return json_content(self.form.json)
        if not payload:
            return Content.styled("(empty payload)", "dim")
        return Content(plain_text(payload))

    @property
    def hex_cells(self) -> int:
        """The width a hex dump row may take: the scroll area's, less its scrollbar."""
        scroll = self.query_one("#detail-scroll")
        return scroll.size.width - scroll.styles.scrollbar_size_vertical

    def on_resize(self) -> None:
        if self.hex:  # once the scroll area has its new size
            self.call_after_refresh(self._refresh_body)

    def _update_subtitle(self) -> None:
        if self.hex:
            shown = "hex"
        elif self.json:
            shown = "as received" if self.as_received else "JSON, indented"
        else:
            shown = "as received"
        keys = "r as received/indented · " if self.json else ""
        self.query_one(
            "#detail-dialog"
        ).border_subtitle = f"{shown} · {keys}x hex/text · y copy · Escape closes"

    def _refresh_body(self) -> None:
        self.query_one("#detail-body", Static).update(self._body())
        self._update_subtitle()

    def action_toggle_hex(self) -> None:
        self.hex = not self.hex
        self._refresh_body()

    def action_toggle_received(self) -> None:
        if self.json:
            self.as_received = not self.as_received
            self.hex = False
            self._refresh_body()

    def action_copy(self) -> None:
        payload = self.notification.payload
        self.app.copy_to_clipboard(payload)
        size = len(payload.encode("utf-8"))
        self.notify(f"copied the payload ({size:,} bytes)", markup=False)

    def action_copy_sql(self) -> None:
        copy_as_sql(self.app, self.notification)

    def action_close(self) -> None:
        self.dismiss(None)


def copy_as_sql(app: App[Any], notification: Notification) -> None:
    """Copy (OSC 52) the ``SELECT pg_notify(...);`` that sends *notification* again."""
    statement = notify_statement(notification)
    app.copy_to_clipboard(statement)
    size = len(statement.encode("utf-8"))
    app.notify(f"copied as SQL ({size:,} bytes): paste it into psql to send it again", markup=False)
