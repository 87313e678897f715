"""An Input that never writes a control character of its value to the terminal.

Textual's Input renders its value as it is: an ESC (pasted, or a channel name completed with Tab)
would reach the terminal raw. Here every unsafe character is drawn as one visible placeholder, so
the cursor and selection still line up; the value itself is untouched and sent exactly.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input

from pgtail.core.text import placeholders


class SafeInput(Input):
    """An :class:`Input` whose value is drawn with visible placeholders for control characters."""

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(placeholders(self.value), no_wrap=True, overflow="ignore", end="")
        if self.highlighter is not None:
            text = self.highlighter(text)
        return text
