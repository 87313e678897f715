"""An input where Tab completes channel names and never moves focus while it holds text.

Tab moving focus out of a half-typed line hands the rest of what is typed to the app's keys: a
``d`` removes the highlighted channel, a ``c`` clears the log. So Tab here only ever completes:
it extends the word to what the matching names share, then steps through them (Shift+Tab back),
and says what it found in a :class:`CompletingInput.Hint` the bar shows under the line. In an
empty input Tab moves focus as usual; Escape leaves the input in every bar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Label

from pgtail.core.text import escape
from pgtail.ui.state.completion import Completer, Completion
from pgtail.ui.widgets.safe_input import SafeInput

#: How to get out of a bar, now that Tab does not.
LEAVE = "Escape leaves the bar"


def show_hint(label: Label, text: Content | None) -> None:
    """Show a :class:`CompletingInput.Hint` in *label* (a ``.completion-hint``), or hide it."""
    label.update(text or Content(""))
    label.set_class(text is not None, "-shown")


class CompletingInput(SafeInput):
    """A :class:`SafeInput` whose Tab completes a word against *names* (called at each Tab)."""

    @dataclass
    class Hint(Message):
        """What the last Tab found, to show near the input (None: show nothing)."""

        input: CompletingInput
        text: Content | None

        @property
        def control(self) -> CompletingInput:
            return self.input

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete(1)", "Complete", show=False),
        Binding("shift+tab", "complete(-1)", "Complete backwards", show=False),
    ]

    def __init__(
        self, names: Callable[[], Iterable[str]], leave: str = LEAVE, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.names = names
        """The candidates, asked for at each Tab."""
        self.leave = leave
        """How to get out, said with what Tab could not do."""
        self._completer = Completer()
        self._last: Completion | None = None
        self._value_by_tab: str | None = None

    # ---- what is completed, and how it is written back (the NOTIFY bar overrides these) ------

    def completion_word(self) -> str | None:
        """The word Tab completes, or None when the cursor is not on one: the whole value,
        with the cursor at its end."""
        return self.value if self.cursor_position == len(self.value) else None

    def with_completion(self, completion: Completion) -> str:
        """The input's value with *completion* in place of the word."""
        return completion.word

    # ---- Tab ------------------------------------------------------------------------------------

    def action_complete(self, step: int) -> None:
        if not self.value:
            # Nothing typed, nothing to lose: Tab moves focus as everywhere else.
            if step > 0:
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        last = self._last if self.value == self._value_by_tab else None
        word = last.word if last is not None else self.completion_word()
        if word is None:
            self._hint(Content(f"Tab completes channel names · {self.leave}"))
            return
        completion = self._completer.press(word, self.names(), step)
        if completion is None:
            self._last = None
            self._hint(Content(f"no channel name starts with {word!r} · {self.leave}"))
            return
        value = self.with_completion(completion)
        if completion.unique and last is not None and value == self.value:
            self._hint(Content(f"no other channel name matches · {self.leave}"))
            return
        self._last, self._value_by_tab = completion, value
        self.value = value
        self.cursor_position = len(value)
        self._hint(None if completion.unique else self._candidates(completion))

    def watch_value(self, value: str) -> None:
        if value != self._value_by_tab:
            # Typed or pasted: the next Tab starts again from what is there.
            self._completer.reset()
            self._last = self._value_by_tab = None
            self._hint(None)

    def on_blur(self) -> None:
        self._hint(None)

    def _hint(self, text: Content | None) -> None:
        self.post_message(self.Hint(self, text))

    @staticmethod
    def _candidates(completion: Completion) -> Content:
        parts: list[str | tuple[str, str]] = [("Tab steps:", "dim")]
        for index, name in enumerate(completion.shown):
            parts += ["  ", (escape(name), "reverse" if index == completion.current else "bold")]
        return Content.assemble(*parts)
