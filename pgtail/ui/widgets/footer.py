"""Textual's footer, made to fit: no key is ever cut at the right edge.

The keys are ordered by :mod:`pgtail.ui.state.footer_keys` (the focused widget's first, then the
app's by importance) and those that do not fit whole are left out; ``?`` lists them all. Below 100
columns the footer is compact (one space less around each key). Each modal screen has a footer of
its own, so it shows that screen's keys (``Escape Close``), not the main screen's ``q Quit``.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from pgtail.ui.state.footer_keys import FooterItem, fitting, footer_order

#: Below this many columns the footer is compact.
COMPACT_BELOW = 100


class KeyFooter(Footer):
    """A footer that leaves out what does not fit rather than clipping it."""

    _shown: tuple[object, ...] | None = None
    """What the keys were last built for (see :meth:`recompose`)."""

    async def recompose(self) -> None:
        # Textual announces a change of bindings several times as a screen opens (seven times
        # for the help screen), and each rebuilt every key: some 20 ms a time, while a flood
        # keeps the app busy. The keys are rebuilt only when they would read differently.
        if not self.is_attached or self._pruning:
            return  # a dialog's footer, its screen closed meanwhile
        shown = (self.compact, self.size.width, *map(_reads, self.compose()))
        if shown == self._shown:
            return
        self._shown = shown
        await super().recompose()

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        if len(keys) != len(widgets):
            yield from widgets  # binding groups (pgtail has none): shown as Textual does
            return
        palette = [k for k in keys if k.has_class("-command-palette")]
        keys = [k for k in keys if not k.has_class("-command-palette") and not self._typed(k)]
        active = self.screen.active_bindings
        items = [
            FooterItem(k.action, self._width(k), k.key in active and active[k.key].node is self.app)
            for k in keys
        ]
        room = self.size.width - sum(self._width(k, palette=True) for k in palette)
        order = footer_order(items)
        shown = fitting([items[i].width for i in order], room)
        yield from (keys[i] for i in order[:shown])
        yield from palette

    def _typed(self, key: FooterKey) -> bool:
        """True when the focused input takes *key* as text (``/`` in the NOTIFY bar types a
        slash), so showing it as a key would mislead. Textual already leaves out most such keys;
        not those it names (``slash``, ``question_mark``...)."""
        focused = self.screen.focused
        character = key.key_display if len(key.key_display) == 1 else None
        return focused is not None and focused.check_consume_key(key.key, character)

    def _width(self, key: FooterKey, palette: bool = False) -> int:
        """Cells *key* takes: its text, padding and margin as Textual's footer CSS has them."""
        text = cell_len(key.key_display) + (1 + cell_len(key.description) if key.description else 0)
        if palette:
            return text + (2 if self.compact else 4)  # a border, a margin or padding
        return text + (1 if self.compact else 2)

    def on_mount(self) -> None:
        super().on_mount()
        # Textual's footer draws its keys when the screen next announces a change of bindings;
        # a dialog that opens without one (nothing to focus, or focus set before the footer
        # was mounted) would keep an empty footer. Ask once, after the first layout.
        self.call_after_refresh(self.bindings_changed, self.screen)

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
        self.call_after_refresh(self.recompose)


def _reads(widget: Widget) -> object:
    """What a footer key shows (another widget: itself, so it always counts as new)."""
    if isinstance(widget, FooterKey):
        shows = (widget.key, widget.key_display, widget.description, widget.disabled)
        return (*shows, str(widget.tooltip), tuple(sorted(widget.classes)))
    return widget
