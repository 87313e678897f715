"""The NOTIFY bar: ``channel payload`` (or ``"my channel" payload``), Enter sends.

The payload may hold placeholders and end in a burst (``{"id": {n}} *200@50``), as
:mod:`pgtail.core.notify_template` reads them; a mistake there is shown under the bar too.

The bar only parses and checks what was typed; the app sends it through the core's Sender and
reports back with :meth:`NotifyBar.sent` or :meth:`NotifyBar.failed`. On failure the line stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label

from pgtail.core.models import MAX_PAYLOAD_BYTES
from pgtail.core.notify_template import Burst, TemplateError, parse_payload, payload_bytes
from pgtail.core.text import escape
from pgtail.ui.state.completion import Completion
from pgtail.ui.widgets.completing_input import CompletingInput, show_hint


class ParseError(ValueError):
    """The line cannot be split into a channel and a payload."""


def parse_notify_line(line: str) -> tuple[str, str]:
    """Split *line* into (channel, payload): the first word, or a double-quoted name, is the
    channel; everything after the one separating space is the payload, exactly as typed."""
    text = line.lstrip(" ")
    if text.startswith('"'):
        end = text.find('"', 1)
        if end == -1:
            raise ParseError('unterminated quote: close the channel name with "')
        channel, rest = text[1:end], text[end + 1 :]
        if rest and not rest.startswith(" "):
            raise ParseError("put a space between the quoted channel and the payload")
    else:
        channel, _, rest = text.partition(" ")
        rest = " " + rest if _ else ""
    if not channel:
        raise ParseError("type a channel name first, then the payload")
    return channel, rest[1:] if rest.startswith(" ") else rest


def payload_part(line: str) -> str:
    """The payload of *line* as far as it can be parsed (for the live byte count)."""
    try:
        return parse_notify_line(line)[1]
    except ParseError:
        return ""


def quote_channel(name: str) -> str:
    return f'"{name}"' if " " in name or name.startswith('"') else name


class NotifyInput(CompletingInput):
    """The bar's input: Up/Down walk the history, Tab completes the channel name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
    ]

    def __init__(self, channels: Callable[[], Iterable[str]], **kwargs: str) -> None:
        super().__init__(channels, **kwargs)
        # A steady cursor: a blinking one repaints the bar twice a second, for hours when the
        # bar keeps the focus after a send (0.4 % of a core and 430 B/s to the terminal).
        self.cursor_blink = False
        self.history: list[str] = []
        """Lines sent, oldest first."""
        self._position: int | None = None
        self._draft = ""

    def remember(self, line: str) -> None:
        if not self.history or self.history[-1] != line:
            self.history.append(line)
        self._position = None

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._position is None:
            if step > 0:
                return
            self._draft = self.value
            self._position = len(self.history)
        position = self._position + step
        if position >= len(self.history):
            self._position = None
            self.value = self._draft
        else:
            self._position = max(0, position)
            self.value = self.history[self._position]
        self.cursor_position = len(self.value)

    def completion_word(self) -> str | None:
        """The channel word while the cursor ends it: the payload is never completed."""
        value = self.value
        if self.cursor_position != len(value):
            return None
        text = value.lstrip(" ")
        if text.startswith('"'):
            return None if '"' in text[1:] else text[1:]
        return None if " " in text else text

    def with_completion(self, completion: Completion) -> str:
        name = completion.word
        if completion.unique or completion.current is not None:
            # A whole name: quoted if need be, and the space before the payload.
            return quote_channel(name) + " "
        return '"' + name if " " in name or self.value.lstrip(" ").startswith('"') else name


class NotifyBar(Widget):
    """Input plus a live payload byte count and an inline error."""

    # The app's Escape (back to the log), repeated here to be shown in the footer.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.focus_log", "Log")]

    @dataclass
    class Submitted(Message):
        """The user submitted a line that parses: the app should send it."""

        bar: NotifyBar
        channel: str
        payload: str
        line: str
        """The line as typed, for the bar's history."""
        burst: Burst
        """What the payload asks to send: its placeholders, how many times, how fast."""

        @property
        def control(self) -> NotifyBar:
            return self.bar

    def __init__(self, channels: Callable[[], Iterable[str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._channels = channels
        self.sending = False
        """True while a NOTIFY is on its way (Enter is ignored meanwhile)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="notify-row"):
            yield Label("NOTIFY", id="notify-label")
            yield NotifyInput(
                self._channels,
                placeholder='channel payload   ("my channel" payload)',
                id="notify-input",
            )
            yield Label(f"0/{MAX_PAYLOAD_BYTES} B", id="notify-bytes")
        yield Label("", id="notify-error")
        yield Label("", id="notify-hint", classes="completion-hint")

    @property
    def input(self) -> NotifyInput:
        return self.query_one(NotifyInput)

    def on_input_changed(self, event: Input.Changed) -> None:
        size = payload_bytes(payload_part(event.value))
        label = self.query_one("#notify-bytes", Label)
        label.update(Content(f"{size}/{MAX_PAYLOAD_BYTES} B"))
        label.set_class(size > MAX_PAYLOAD_BYTES, "-over")
        self.show_error(None)

    def on_completing_input_hint(self, event: CompletingInput.Hint) -> None:
        event.stop()
        show_hint(self.query_one("#notify-hint", Label), event.text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.sending:
            return
        line = event.value
        try:
            channel, payload = parse_notify_line(line)
        except ParseError as exc:
            self.show_error(str(exc))
            return
        try:
            burst = parse_payload(payload)
        except TemplateError as exc:
            self.show_error(str(exc))
            return
        size = burst.max_bytes()
        if size > MAX_PAYLOAD_BYTES:
            up_to = "up to " if burst.template.has_placeholders else ""
            self.show_error(f"payload is {up_to}{size} bytes; the limit is {MAX_PAYLOAD_BYTES}")
            return
        self.sending = True
        self.post_message(self.Submitted(self, channel, payload, line, burst))

    def sent(self, line: str) -> None:
        """The app sent *line*: remember it and clear the bar."""
        self.sending = False
        self.input.remember(line)
        if self.input.value == line:
            self.input.value = ""
        self.show_error(None)

    def failed(self, error: str) -> None:
        """The app could not send; keep what was typed and say why."""
        self.sending = False
        self.show_error(error)

    def show_error(self, error: str | None) -> None:
        label = self.query_one("#notify-error", Label)
        label.update(Content(f"✗ {escape(error)}") if error else Content(""))
        label.set_class(bool(error), "-shown")
