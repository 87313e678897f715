"""The log's border texts: what it shows (top) and where the view stands (bottom)."""

from __future__ import annotations

from pgtail.core.text import escape


def log_titles(
    channel: str | None,
    wrapped: bool,
    payload_offset: int,
    following: bool,
    unseen: int,
    not_shown: int,
) -> tuple[str, str]:
    """``log · all channels`` (or ``only NAME``, ``· wrapped``) and the state of the view:
    scrolled sideways, paused with new lines waiting, lines that were never shown."""
    scope = "all channels" if channel is None else f"only {escape(channel)}"
    title = f"log · {scope}" + (" · wrapped" if wrapped else "")
    parts = [f"payload → {payload_offset} · ← back"] if payload_offset else []
    if not following:
        parts.append(f"paused — {unseen:,} new · End resumes")
    if not_shown:
        parts.append(f"{not_shown:,} not shown")
    return title, " · ".join(parts)
