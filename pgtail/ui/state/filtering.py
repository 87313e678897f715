"""The log's live filter: a substring, or a regular expression when written ``/.../``.

It matches a notification's channel or its payload. A view over stored lines only: counts and
recordings never see it. No Textual import here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgtail.core.models import Notification


class FilterError(ValueError):
    """The text is not a valid filter (an invalid regular expression)."""


@dataclass(frozen=True, slots=True)
class LineFilter:
    """A compiled filter, and the text the user wrote."""

    text: str
    pattern: re.Pattern[str] | None = None
    """Set for ``/regex/`` filters; otherwise ``text`` is a case-sensitive substring."""

    def matches(self, notification: Notification) -> bool:
        if self.pattern is not None:
            return bool(
                self.pattern.search(notification.channel)
                or self.pattern.search(notification.payload)
            )
        return self.text in notification.channel or self.text in notification.payload


def parse_filter(text: str) -> LineFilter | None:
    """``/.../`` -> a regex filter, anything else -> a substring filter, empty -> None.

    Raises :class:`FilterError` with the regex's own message when it does not compile.
    """
    if not text:
        return None
    if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
        try:
            return LineFilter(text, re.compile(text[1:-1]))
        except re.error as exc:
            raise FilterError(f"invalid regular expression: {exc}") from None
    return LineFilter(text)
