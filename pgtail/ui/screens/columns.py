"""Pick the JSON fields shown as columns (``C``), from a notification's own payload.

Every field path the payload holds is listed (``.user.name``, ``.items[0].sku``), with its value
in that payload; the fields shown now come first, ticked (``✓``, a glyph that reads without
colour too), even when this payload lacks them, so they can be taken away. Space or Enter ticks
one; Escape closes and the log shows what is ticked, in the order it was ticked. Paths and
values are untrusted text: plain, escaped, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import split_graphemes
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from pgtail.core.field_paths import field_text, leaf_paths
from pgtail.core.field_values import read_document, value_text
from pgtail.core.filter_eval import MISSING, lookup
from pgtail.core.filter_syntax import Field
from pgtail.core.formats import clock_time
from pgtail.core.models import Notification
from pgtail.core.text import escape
from pgtail.ui.state import cells
from pgtail.ui.widgets.footer import KeyFooter

#: Cells of a value shown beside its path; the rest is cut with ``…``.
VALUE_CELLS = 40
#: Before a field shown as a column, and before one that is not.
TICKED, UNTICKED = "✓ ", "  "


def choices(notification: Notification | None, current: tuple[Field, ...]) -> list[Field]:
    """The fields to list: those shown now, then the payload's others, in its order."""
    doc = read_document(notification.payload) if notification is not None else MISSING
    found = [Field(steps, field_text(steps)) for steps in leaf_paths(doc)]
    return list(dict.fromkeys([*current, *found]))


class ColumnsScreen(ModalScreen[tuple[Field, ...]]):
    """A checklist of field paths; dismissed with the ticked ones."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Tick"),
        Binding("escape,C", "close", "Done"),
    ]

    def __init__(self, notification: Notification | None, current: tuple[Field, ...]) -> None:
        super().__init__()
        self.notification = notification
        self.doc = read_document(notification.payload) if notification is not None else MISSING
        self.fields = choices(notification, current)
        """Every field listed, in order."""
        self.ticked = list(current)
        """The fields to show as columns, in the order they were ticked."""
        self.options = OptionList(*(self._prompt(f) for f in self.fields), id="columns-list")

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-dialog"):
            yield Static(Content(self._note()), id="columns-note")
            yield self.options
        yield KeyFooter()

    def on_mount(self) -> None:
        dialog = self.query_one("#columns-dialog")
        dialog.border_title = "columns"
        dialog.border_subtitle = "Space or Enter ticks · Escape shows them"
        if self.fields:
            self.options.highlighted = 0
        self.options.focus()

    def _note(self) -> str:
        n = self.notification
        if n is None:
            return "no notification to pick fields from yet"
        where = f"{escape(n.channel)} at {clock_time(n.received)}"
        if self.doc is MISSING:
            return f"the payload on {where} is not JSON: no fields in it"
        return f"the payload on {where}: ✓ fields show as columns"

    def _prompt(self, field: Field) -> Content:
        value = value_text(lookup(self.doc, field.steps)) if self.doc is not MISSING else None
        shown = "(not in this payload)" if value is None else escape(value)
        shown = cells.cut(shown, VALUE_CELLS, split_graphemes)
        mark = TICKED if field in self.ticked else UNTICKED
        return Content.assemble((mark, "bold"), (escape(field.text), "bold"), "  ", (shown, "dim"))

    def toggle(self, index: int | None) -> None:
        """Tick the field at *index*, or take its tick away."""
        if index is None or not 0 <= index < len(self.fields):
            return
        field = self.fields[index]
        if field in self.ticked:
            self.ticked.remove(field)
        else:
            self.ticked.append(field)
        self.options.replace_option_prompt_at_index(index, self._prompt(field))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.toggle(event.option_index)

    def action_tick(self) -> None:
        self.toggle(self.options.highlighted)

    def action_close(self) -> None:
        self.dismiss(tuple(self.ticked))
