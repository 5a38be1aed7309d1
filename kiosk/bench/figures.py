"""The benchmark's figures: what each measures, its target and floor, and the table and JSON they make."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    """One measured figure. `floor` is the same work done the plainest possible way in the same run,
    so `ratio` (measured / floor) says how much the kiosk adds; `target` is the issue's bar."""

    key: str
    name: str
    unit: str
    target: float | None = None
    measured: float | None = None
    floor: float | None = None
    floor_what: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    note: str = ""  # one more line for the notes under the table

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.floor:
            return None
        return self.measured / self.floor

    @property
    def ok(self) -> bool | None:
        """Met the target; None when it could not be measured."""
        if self.measured is None or self.target is None or self.error:
            return None
        return self.measured <= self.target

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "unit": self.unit,
            "measured": _finite(self.measured),
            "target": _finite(self.target),
            "floor": _finite(self.floor),
            "floor_what": self.floor_what,
            "ratio": _finite(self.ratio),
            "ok": self.ok,
            "error": self.error,
            "details": self.details,
        }


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share 0.99 for p99) of a non-empty sample."""
    if not values:
        raise ValueError("no values to take a percentile of")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 6)


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MB" or value >= 100:
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}"


def table(figures: Sequence[Figure]) -> str:
    """The figures as a Markdown table: readable in a terminal, and ready for the README."""
    rows = [("#", "figure", "measured", "target", "floor", "ratio", "result")]
    for fig in figures:
        result = "error" if fig.error else {True: "ok", False: "MISSED", None: "-"}[fig.ok]
        ratio = fig.ratio
        rows.append((
            fig.key,
            fig.name,
            _number(fig.measured, fig.unit),
            "<= " + _number(fig.target, fig.unit) if fig.target is not None else "-",
            _number(fig.floor, fig.unit),
            f"{ratio:.2f}x" if ratio is not None else "-",
            result,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def notes(figures: Sequence[Figure]) -> str:
    """One line per figure: what its floor is, and any error."""
    out = []
    for fig in figures:
        if fig.error:
            out.append(f"{fig.key}: ERROR: {fig.error}")
        elif fig.floor_what:
            out.append(f"{fig.key} floor: {fig.floor_what}")
        if fig.note and not fig.error:
            out.append(f"{fig.key}: {fig.note}")
    return "\n".join(out)


def growth(before: dict[str, Any], figures: Sequence[Figure], guests: int) -> str:
    """How each figure grew from an earlier run's JSON (`kiosk bench --json`) to this one, as a table.

    "per guest" divides the growth by the growth of the list: 1.00x is linear, above it worse than linear.
    """
    earlier = {f["key"]: f for f in before.get("figures", [])}
    scale = guests / before["guests"] if before.get("guests") else None
    rows = [("#", f"at {before.get('guests', 0):,}", f"at {guests:,}", "growth", "per guest", "ratio then",
             "ratio now")]
    for fig in figures:
        old = earlier.get(fig.key)
        if old is None:
            continue
        then, now = old.get("measured"), fig.measured
        grew = now / then if then and now is not None else None
        per_guest = grew / scale if grew is not None and scale else None
        rows.append((
            fig.key, _number(then, fig.unit), _number(now, fig.unit),
            f"{grew:.2f}x" if grew is not None else "-", f"{per_guest:.2f}x" if per_guest is not None else "-",
            f"{old['ratio']:.2f}x" if old.get("ratio") is not None else "-",
            f"{fig.ratio:.2f}x" if fig.ratio is not None else "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
