"""The log's border texts: what it shows (top) and where the view stands (bottom)."""

from __future__ import annotations

from collections.abc import Sequence

from pgtail.core.filter_syntax import Field
from pgtail.core.text import escape


def log_titles(
    channel: str | None,
    wrapped: bool,
    payload_offset: int,
    following: bool,
    unseen: int,
    not_shown: int,
    fields: Sequence[Field] = (),
) -> tuple[str, str]:
    """``log · all channels`` (or ``only NAME``, ``· wrapped``, the fields shown as columns) and
    the state of the view: scrolled sideways, paused with new lines waiting, lines that were
    never shown."""
    scope = "all channels" if channel is None else f"only {escape(channel)}"
    title = f"log · {scope}" + (" · wrapped" if wrapped else "")
    if fields:
        title += " · " + " ".join(escape(field.text) for field in fields)
    parts = [f"payload → {payload_offset} · ← back"] if payload_offset else []
    if not following:
        parts.append(f"paused — {unseen:,} new · End resumes")
    if not_shown:
        parts.append(f"{not_shown:,} not shown")
    return title, " · ".join(parts)
