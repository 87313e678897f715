"""The benchmark's table: figures with fixed names, each with its target written once.

A :class:`Target` is one value that gives both the text in the table (``>= 1.30x``) and the check
(``ratio >= 1.30``), so the two cannot drift apart. A :class:`Figure` is a row's constant name and
its target; a measurement that could not be taken still fills its row, with ``n/a`` and why.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Figure", "Report", "Row", "Target", "rate"]

_CHECKS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Target:
    """A bound a figure should meet; the measured value is given in the target's own *unit*."""

    op: Literal["<", "<=", ">="]
    bound: float
    unit: str = ""
    """Appended to the bound as written: ``"x"``, ``" ms"``, ``" KiB/s"``."""
    decimals: int = 0
    """Decimals of the bound in the table (``1.30x``, ``100 ms``)."""
    statistic: str = ""
    """Which statistic of the samples is compared, when there are several (``"p99"``)."""

    def __str__(self) -> str:
        prefix = f"{self.statistic} " if self.statistic else ""
        return f"{prefix}{self.op} {self.bound:.{self.decimals}f}{self.unit}"

    def met(self, value: float) -> bool:
        return _CHECKS[self.op](value, self.bound)


@dataclass(frozen=True)
class Figure:
    """One row of the table: a name that never changes, and what it should reach, if anything."""

    name: str
    target: Target | None = None


@dataclass
class Row:
    figure: Figure
    value: str
    """The measured figure as shown, or ``n/a (why)``."""
    ratio: str = ""
    """Relative to the raw baseline, for rates."""
    ok: bool | None = None
    """Whether the target was met; None without a target or a measurement."""


@dataclass
class Report:
    heading: str = ""
    """The conditions of the run (N, CPUs, terminal size, rates), printed above the table."""
    rows: list[Row] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Exact counts received by each measured receiver (the smoke test checks these)."""

    def add(
        self, figure: Figure, value: str, *, ratio: str = "", measured: float | None = None
    ) -> None:
        """A row for *figure*; *measured* (in the target's unit) is checked against its target."""
        ok = None
        if figure.target is not None and measured is not None:
            ok = figure.target.met(measured)
        self.rows.append(Row(figure, value, ratio, ok))
        print(f"  {figure.name}: {value} {ratio}".rstrip(), file=sys.stderr, flush=True)

    def not_measured(self, figures: tuple[Figure, ...], why: str) -> None:
        for figure in figures:
            self.add(figure, f"n/a ({why})")

    def table(self) -> str:
        header = ("figure", "value", "vs baseline", "target", "")
        cells = [header] + [
            (
                r.figure.name,
                r.value,
                r.ratio,
                str(r.figure.target or ""),
                {None: "", True: "ok", False: "MISS"}[r.ok],
            )
            for r in self.rows
        ]
        widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
        lines = [
            "  ".join(c[i].ljust(widths[i]) for i in range(len(header))).rstrip() for c in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        if self.heading:
            lines.insert(0, self.heading)
        return "\n".join(lines)


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s ({seconds:.2f} s)"
