"""Field paths as columns: ``--columns .id,.status,.user.name``, and the paths a payload holds.

A path is written as in the filter language (``.user.name``, ``.items[0].sku``, ``."odd key"``)
and read by its one reader, :func:`pgtail.core.filter_tokens.read_path`; a path is the filter's
own :class:`~pgtail.core.filter_syntax.Field`. Errors are :class:`FilterError` with the offset of
the problem, so ``--columns`` points at it the way ``--filter`` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pgtail.core.filter_syntax import Field, FilterError
from pgtail.core.filter_tokens import Kind, Step, read_path, tokenize

#: The most paths :func:`leaf_paths` lists: a payload is at most 7999 bytes, but an array of a
#: thousand numbers would still make a list nobody reads.
MAX_PATHS = 200
_SPACE = " \t"


def parse_fields(text: str) -> tuple[Field, ...]:
    """The paths of a comma-separated list (``.id, .status,.user.name``); empty text: none.
    Each is kept once, in order. Raises :class:`FilterError`."""
    fields: list[Field] = []
    pos = _skip_space(text, 0)
    while pos < len(text):
        if text[pos] != ".":
            raise FilterError("expected a field such as .id", pos)
        token = read_path(text, pos)
        if token.kind is Kind.BAD:
            raise FilterError(token.text, token.start)
        assert isinstance(token.value, tuple)
        fields.append(Field(token.value, field_text(token.value)))
        pos = _skip_space(text, token.end)
        if pos < len(text):
            if text[pos] != ",":
                raise FilterError("expected , between fields", pos)
            pos = _skip_space(text, pos + 1)
            if pos == len(text):
                raise FilterError("expected a field after ,", pos)
    return tuple(dict.fromkeys(fields))


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def field_text(steps: tuple[Step, ...]) -> str:
    """*steps* written as a path the filter language reads back: ``.a.b[0]``, with keys that are
    not plain names quoted (``."odd key"``, ``."1"``)."""
    parts: list[str] = []
    for step in steps:
        if isinstance(step, int) and not parts:
            parts.append(f".[{step}]")  # a path starts with a dot
            continue
        if isinstance(step, int):
            parts.append(f"[{step}]")
            continue
        bare = f".{step}"
        quoted = "." + json.dumps(step, ensure_ascii=False)
        parts.append(bare if _reads_as(bare, (step,)) else quoted)
    return "".join(parts)


def _reads_as(text: str, steps: tuple[Step, ...]) -> bool:
    """Does the filter language read *text* as exactly the path *steps*?"""
    tokens = tokenize(text)
    return len(tokens) == 1 and tokens[0].kind is Kind.PATH and tokens[0].value == steps


def leaf_paths(doc: object, limit: int = MAX_PATHS) -> list[tuple[Step, ...]]:
    """The paths to *doc*'s values, in document order: the scalars, and the arrays that hold
    only scalars (a list of tags reads best whole), and empty objects and arrays."""
    paths: list[tuple[Step, ...]] = []
    for path in _leaves(doc, ()):
        if len(paths) >= limit:
            break
        paths.append(path)
    return paths


def _leaves(node: object, path: tuple[Step, ...]) -> Iterator[tuple[Step, ...]]:
    if type(node) is dict and node:
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif type(node) is list and any(type(item) in (dict, list) for item in node):
        for index, item in enumerate(node):
            yield from _leaves(item, (*path, index))
    elif path:
        yield path
