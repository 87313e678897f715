"""The live filter input (``/``): text or ``/regex/`` over channel and payload, or an expression
on JSON fields (``.status = paid``), in the language of :mod:`pgtail.core.filter_lang`.

It parses what is typed and says so with :class:`FilterBar.Changed`; the app applies the filter to
the log and the status line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label

from pgtail.core.text import escape
from pgtail.ui.state.filtering import FilterError, LineFilter, parse_filter
from pgtail.ui.widgets.completing_input import CompletingInput, show_hint


class FilterInput(CompletingInput):
    """The filter's input: Tab completes a channel name, except in a ``/regex/``."""

    def completion_word(self) -> str | None:
        return None if self.value.startswith("/") else super().completion_word()


class FilterBar(Vertical):
    """Hidden until opened; filters as the user types. Enter keeps the filter, Escape clears it."""

    @dataclass
    class Changed(Message):
        """The live filter changed (None: no filter); ``done`` when the user left the input."""

        bar: FilterBar
        filter: LineFilter | None
        done: bool = False

        @property
        def control(self) -> FilterBar:
            return self.bar

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear filter", priority=True),
    ]

    def __init__(self, channels: Callable[[], Iterable[str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active: LineFilter | None = None
        """The filter the log shows, or None."""
        self.input = FilterInput(
            channels, placeholder="text, /regex/ or .field = value", id="filter-input"
        )
        self.error = Label("", id="filter-error")
        self.hint = Label("", id="filter-hint", classes="completion-hint")

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-row"):
            yield Label("filter", id="filter-label")
            yield self.input
        yield self.error
        yield self.hint

    def on_completing_input_hint(self, event: CompletingInput.Hint) -> None:
        event.stop()
        show_hint(self.hint, event.text)

    def open(self) -> None:
        """Show the input with the current filter's text, and focus it."""
        self.add_class("-shown")
        self.input.focus()

    def preset(self, line_filter: LineFilter) -> None:
        """Start with *line_filter* (``--filter``) applied, the input closed."""
        with self.input.prevent(Input.Changed):
            self.input.value = line_filter.text
        self.active = line_filter
        self.post_message(self.Changed(self, line_filter))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            line_filter = parse_filter(event.value)
        except FilterError as exc:
            # Keep showing the last valid filter while the expression is half-typed.
            self._show_error(str(exc))
            return
        self._show_error(None)
        self.active = line_filter
        self.post_message(self.Changed(self, line_filter))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.error.has_class("-shown"):
            return
        if self.active is None:
            self.remove_class("-shown")
        self.post_message(self.Changed(self, self.active, done=True))

    def action_clear(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Drop the filter and hide the input."""
        self.active = None
        with self.input.prevent(Input.Changed):
            self.input.value = ""
        self._show_error(None)
        self.remove_class("-shown")
        self.post_message(self.Changed(self, None, done=True))

    def _show_error(self, text: str | None) -> None:
        self.error.update(Content(escape(text or "")))
        self.error.set_class(text is not None, "-shown")
