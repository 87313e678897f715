"""Seeing the app's toasts in a test: every ``notify`` text, in order, kept in a list."""

from __future__ import annotations

from typing import Any

from pgtail.ui.app import PgtailApp


def spy_toasts(app: PgtailApp) -> list[str]:
    """From now on, each toast's text is appended to the returned list (and still shown)."""
    toasts: list[str] = []
    show = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        toasts.append(message)
        show(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return toasts
