"""The log's live filter (``/``): the filter language of :mod:`pgtail.core.filter_lang`, which
pipe mode's ``--filter`` shares.

It matches a notification's channel and payload (text, ``/regex/``) and its JSON fields
(``.status = paid``). A view over stored lines only: counts and recordings never see it.
"""

from __future__ import annotations

from pgtail.core.filter_lang import Filter, FilterError, parse_filter

LineFilter = Filter
"""The log's name for a parsed filter."""

__all__ = ["FilterError", "LineFilter", "parse_filter"]
