"""The NOTIFY bar's payload language: placeholders, and a trailing ``*N`` or ``*N@R`` burst.

``{"id": {n}, "at": "{now}"} *200@50`` sends 200 notifications at 50 a second, numbered 1 to
200, each stamped with the time it was sent. The placeholders are ``{n}`` (1, 2, 3… within one
send of the bar), ``{now}`` (ISO 8601 with milliseconds and the time zone, as ``--json`` writes
times), ``{uuid}`` (a random UUID) and ``{rand}`` (a number from 0 to 1, six decimals). Each has
one value per notification, however often it appears in the payload.

Braces are the payload's own unless they spell a placeholder. JSON is the usual payload, so a
payload without a placeholder is sent exactly as typed, and in one with placeholders every brace
that is not part of one is kept too: ``{"order": {"id": {n}}}`` needs no escaping, although it
ends in ``}}``. (Reading ``{{`` and ``}}`` as escapes everywhere, as Python's ``str.format``
does, would silently turn that payload into broken JSON, and a burst would send it hundreds of
times.) The one escape is a placeholder's name in doubled braces: ``{{n}}`` sends the text
``{n}``, and ``{{foo}}`` the text ``{foo}``. Once a payload has a placeholder (or an escaped
one), any other ``{word}`` is taken for a misspelt placeholder and refused.

No Textual import here: the bar checks what is typed with :func:`parse_payload`, and
:mod:`pgtail.core.burst` sends the result.
"""

from __future__ import annotations

import math
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from pgtail.core.formats import iso_time

#: The placeholders, in the order the error messages list them.
PLACEHOLDERS = ("n", "now", "uuid", "rand")
#: The most notifications one burst sends: the log's default scrollback, so every send can
#: still be looked at; and even at the 7999-byte payload limit a burst adds at most 80 MB to
#: the server's notification queue (1 % of its 8 GB), which all of the cluster shares.
MAX_COUNT = 10_000
#: The fastest pace ``@R`` asks for; beyond it ``@`` does not pace, leave it out instead.
MAX_RATE = 10_000.0

# A placeholder-shaped word, escaped (``{{name}}``) or not (``{name}``); leftmost match wins.
_WORD = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
# The burst suffix: the last space-separated word, starting with one ``*`` (``**bold**`` and a
# lone ``*`` are text). Spaces after it are not part of the payload.
_SUFFIX = re.compile(r"(?:^| )\*([^*\s]\S*) *$")
_COUNT_RATE = re.compile(r"(\d+)(?:@(.*))?")
_RATE = re.compile(r"\d+(?:\.\d*)?|\.\d+")


class TemplateError(ValueError):
    """The payload cannot be sent as typed; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A placeholder in a template, by name (one of :data:`PLACEHOLDERS`)."""

    name: str


@dataclass(frozen=True, slots=True)
class Values:
    """Where ``{now}``, ``{uuid}`` and ``{rand}`` come from (tests pass fixed ones)."""

    clock: Callable[[], float] = time.time
    uuid4: Callable[[], uuid.UUID] = uuid.uuid4
    random: Callable[[], float] = random.random


#: Real time, random UUIDs and numbers.
LIVE = Values()

#: How many bytes each placeholder's value takes at most, besides ``{n}`` (a time zone offset
#: may have seconds: ``+05:21:10``).
_WIDEST = {"now": len(iso_time(0.0)) + 3, "uuid": 36, "rand": 8}


@dataclass(frozen=True, slots=True)
class Template:
    """A payload split into text and placeholders."""

    parts: tuple[str | Placeholder, ...]
    """Text (sent as it is) and placeholders, in order."""

    @classmethod
    def plain(cls, text: str) -> Template:
        return cls((text,) if text else ())

    @property
    def has_placeholders(self) -> bool:
        return any(isinstance(part, Placeholder) for part in self.parts)

    def expand(self, n: int, values: Values = LIVE) -> str:
        """The payload of the *n*-th notification (counted from 1)."""
        if not self.has_placeholders:
            return "".join(part for part in self.parts if isinstance(part, str))
        found: dict[str, str] = {}
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            if part.name not in found:
                found[part.name] = _value(part.name, n, values)
            out.append(found[part.name])
        return "".join(out)

    def max_bytes(self, count: int) -> int:
        """The size in UTF-8 bytes of the longest payload a burst of *count* can send."""
        size = 0
        for part in self.parts:
            if isinstance(part, str):
                size += len(part.encode("utf-8"))
            elif part.name == "n":
                size += len(str(count))
            else:
                size += _WIDEST[part.name]
        return size


def _value(name: str, n: int, values: Values) -> str:
    if name == "n":
        return str(n)
    if name == "now":
        return iso_time(values.clock())
    if name == "uuid":
        return str(values.uuid4())
    # Fixed-point: repr() would write a small number as 1.2e-05.
    return f"{values.random():.6f}"


@dataclass(frozen=True, slots=True)
class Burst:
    """What one Enter in the NOTIFY bar sends: a template, how many times, how fast."""

    template: Template
    count: int = 1
    rate: float | None = None
    """Notifications per second; None sends them as fast as the server takes them."""

    @property
    def is_burst(self) -> bool:
        """More than one notification: progress is shown, and Escape cancels."""
        return self.count > 1

    def max_bytes(self) -> int:
        return self.template.max_bytes(self.count)

    def interval(self) -> float:
        """Seconds between two sends (0: no pacing)."""
        return 1.0 / self.rate if self.rate else 0.0


def parse_payload(payload: str) -> Burst:
    """The burst the NOTIFY bar's *payload* asks for; TemplateError when it is malformed."""
    body, count, rate = payload, 1, None
    match = _SUFFIX.search(payload)
    if match is not None:
        count, rate = parse_suffix(match.group(1))
        body = payload[: match.start()]
    return Burst(parse_template(body), count, rate)


def parse_suffix(text: str) -> tuple[int, float | None]:
    """``N`` or ``N@R`` (what follows the ``*``): the count and the rate."""
    example = "e.g. *10 (10 times) or *10@5 (10 times, 5 a second)"
    match = _COUNT_RATE.fullmatch(text)
    if match is None:
        raise TemplateError(f"*{text}: expected a count after *, {example}")
    digits, rate_text = match.groups()
    if len(digits.lstrip("0")) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        raise TemplateError(f"*{digits}: a burst sends at most {MAX_COUNT:,}")
    count = int(digits)
    if count < 1:
        raise TemplateError(f"*{digits}: the count must be 1 to {MAX_COUNT:,}")
    if rate_text is None:
        return count, None
    if not _RATE.fullmatch(rate_text):
        raise TemplateError(f"@{rate_text}: expected a rate per second after @, {example}")
    rate = float(rate_text)
    if not (rate > 0 and math.isfinite(rate)) or rate > MAX_RATE:
        raise TemplateError(
            f"@{rate_text}: the rate must be more than 0 and at most {MAX_RATE:,.0f} a second "
            "(leave @ out to send as fast as possible)"
        )
    return count, rate


def parse_template(text: str) -> Template:
    """*text* as a template: see the module's docstring for what is a placeholder."""
    words = list(_WORD.finditer(text))
    # A template needs a placeholder, or an escaped one ({{n}} is how to send "{n}" alone).
    if not any((m.group(1) or m.group(2)) in PLACEHOLDERS for m in words):
        return Template.plain(text)
    parts: list[str | Placeholder] = []
    start = 0
    for match in words:
        escaped, name = match.groups()
        if name is not None and name not in PLACEHOLDERS:
            known = " ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            raise TemplateError(
                f"{{{name}}} is no placeholder ({known}); {{{{{name}}}}} sends it as text"
            )
        parts.append(text[start : match.start()])
        parts.append(Placeholder(name) if name is not None else "{" + escaped + "}")
        start = match.end()
    parts.append(text[start:])
    return Template(tuple(_joined(parts)))


def _joined(parts: list[str | Placeholder]) -> list[str | Placeholder]:
    """Adjacent texts joined, empty ones left out."""
    out: list[str | Placeholder] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += part
                continue
        out.append(part)
    return out


def payload_bytes(payload: str) -> int:
    """The live byte count the bar shows: the longest payload *payload* sends, or its size as
    typed while it does not parse."""
    try:
        return parse_payload(payload).max_bytes()
    except TemplateError:
        return len(payload.encode("utf-8"))
