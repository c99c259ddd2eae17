"""The evidence of a link between a pillar and an outcome: each institution's change in the
pillar's score against its change in the outcome between consecutive scored periods, with the
fitted line and its 95 % band (``scorecard.evidence``).

Up to `POINTS_UP_TO` changes, each is a point and a row of the data table, named by its
institution (as the audience sees it) and its two periods. Beyond, the changes are counted in
a grid of `GRID` by `GRID` cells, each drawn as a dot whose area grows with its count, and the
table lists the cells: the chart's size does not grow with the project's (every change can be
recomputed from the scores in ``data/scores.json``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import altair as alt

from scorecard.charts.chart import (
    _ROWS,
    HIGHLIGHT_COLOUR,
    OKABE_ITO,
    RULE_COLOUR,
    Chart,
    _empty,
    _number,
    _stamp,
    _template,
)

POINTS_UP_TO = 150  # more changes than this are counted in cells, not drawn one by one
GRID = 12  # cells across and up, when they are
_POINT_COLOUR = OKABE_ITO[0]
_HEIGHT = 280

#: (institution name, period from, period to, change in pillar score, change in outcome)
ChangeRow = tuple[str, str, str, float, float]
#: (x, fitted y, band low, band high): the fitted line and its band at one x
LineRow = tuple[float, float, float, float]


@functools.lru_cache(maxsize=1)
def _changes_template() -> str:
    # Every row has a kind (k): "z" (the zero lines of both axes), "l" (the fitted line and
    # its band at one x), "p" (one change) or "c" (the changes counted in one cell of the
    # grid). Each page keeps the layer of points or that of cells, and stamps the axes' titles.
    x = alt.X("x:Q", title="", scale=alt.Scale(zero=False, nice=True))
    y_axis = alt.Axis(tickCount=6)
    change_x = alt.Tooltip("x:Q", title="Change in pillar", format="+.1f")
    change_y = alt.Tooltip("y:Q", title="Change in outcome", format="+.2f")

    def of(kind: str) -> alt.Chart:
        return alt.Chart().transform_filter(f"datum.k == '{kind}'")

    zero_x = of("z").mark_rule(color=RULE_COLOUR, strokeDash=[4, 4]).encode(x=alt.X("x:Q"))
    zero_y = of("z").mark_rule(color=RULE_COLOUR, strokeDash=[4, 4]).encode(y=alt.Y("y:Q"))
    band = (
        of("l")
        .mark_area(color=HIGHLIGHT_COLOUR, opacity=0.22)
        .encode(x=x, y=alt.Y("lo:Q", title="", axis=y_axis), y2="hi:Q")
    )
    fit = (
        of("l")
        .mark_line(color=HIGHLIGHT_COLOUR, strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("y:Q", title="", axis=y_axis),
            tooltip=[
                change_x,
                alt.Tooltip("y:Q", title="Fitted change", format="+.2f"),
                alt.Tooltip("lo:Q", title="95 % band from", format="+.2f"),
                alt.Tooltip("hi:Q", title="95 % band to", format="+.2f"),
            ],
        )
    )
    points = (
        of("p")
        .mark_point(filled=True, size=42, opacity=0.7, color=_POINT_COLOUR)
        .encode(
            x=x,
            y=alt.Y("y:Q", title="", axis=y_axis),
            tooltip=[
                alt.Tooltip("i:N", title="Institution"),
                alt.Tooltip("f:N", title="From"),
                alt.Tooltip("t:N", title="To"),
                change_x,
                change_y,
            ],
        )
    )
    cells = (
        of("c")
        .mark_point(filled=True, opacity=0.6, color=_POINT_COLOUR)
        .encode(
            x=x,
            y=alt.Y("y:Q", title="", axis=y_axis),
            size=alt.Size(
                "n:Q",
                title="Pairs",
                scale=alt.Scale(range=[20, 600], zero=False),  # the legend starts at a count
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("xr:N", title="Change in pillar"),
                alt.Tooltip("yr:N", title="Change in outcome"),
                alt.Tooltip("n:Q", title="Pairs"),
            ],
        )
    )
    return _template(alt.layer(zero_x, zero_y, band, fit, points, cells, data=_ROWS))


def _count(number: int, noun: str) -> str:
    """``2,051 changes``: these counts run into thousands."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _signed(value: float, digits: int = 1) -> str:
    text = f"{value:+.{digits}f}"
    return text if float(text) != 0 else f"{0:.{digits}f}"


def _r(value: float) -> float:
    return round(value, 3)


def changes_scatter(
    changes: Sequence[ChangeRow],
    line: Sequence[LineRow],
    *,
    pillar: str,
    outcome: str,
    unit: str,
    estimate: tuple[float, float, float] | None,
) -> Chart:
    """Changes in a pillar's score (across) against changes in an outcome (up), with the
    fitted line and its 95 % band.

    changes: one row per pair of consecutive scored periods, in the order the table lists
    them; line: the fitted line and its band, lowest x first (empty without an estimate);
    pillar, outcome: their names in a sentence ("psychological safety", "burnout"); unit: the
    outcome's change's unit ("percentage points"); estimate: the outcome's change per 10
    points of pillar score and its 95 % interval.
    """
    x_title = f"Change in {pillar} score (points)"
    y_title = [f"Change in {outcome}", f"({unit})"]  # two lines: a phone's chart is short
    columns = ["Institution", "From", "To", f"Change in {pillar}", f"Change in {outcome}"]
    points = [
        (name, a, b, x, y)
        for name, a, b, raw_x, raw_y in changes
        if (x := _number(raw_x)) is not None and (y := _number(raw_y)) is not None
    ]
    alt_text = _changes_alt(points, pillar, outcome, unit, estimate)
    if not points:
        return _empty("changes", alt_text, columns, [])
    values: list[dict[str, Any]] = [{"k": "z", "x": 0, "y": 0}]
    for x, fitted, low, high in line:
        values.append({"k": "l", "x": _r(x), "y": _r(fitted), "lo": _r(low), "hi": _r(high)})
    cells = len(points) > POINTS_UP_TO
    if not cells:
        table = [[name, a, b, _signed(x), _signed(y, 2)] for name, a, b, x, y in points]
        values += [
            {"k": "p", "x": _r(x), "y": _r(y), "i": name, "f": a, "t": b}
            for name, a, b, x, y in points
        ]
    else:
        columns = [f"Change in {pillar}", f"Change in {outcome}", "Pairs"]
        table = []
        for (x0, x1), (y0, y1), count in _cells(points):
            xr, yr = f"{_signed(x0)} to {_signed(x1)}", f"{_signed(y0, 2)} to {_signed(y1, 2)}"
            middle = {"x": _r((x0 + x1) / 2), "y": _r((y0 + y1) / 2)}
            values.append({"k": "c", **middle, "n": count, "xr": xr, "yr": yr})
            table.append([xr, yr, str(count)])
    spec = _stamp(_changes_template(), values, height=_HEIGHT)
    unused = "datum.k == 'p'" if cells else "datum.k == 'c'"  # the points, or the cells
    spec["layer"] = [drawn for drawn in spec["layer"] if drawn["transform"][0]["filter"] != unused]
    for layer in spec["layer"]:
        encoding = layer.get("encoding", {})
        if "title" in encoding.get("x", {}):
            encoding["x"]["title"] = x_title
        if "title" in encoding.get("y", {}):
            encoding["y"]["title"] = y_title
    return Chart("changes", spec, alt_text, columns, table)


def _cells(
    points: list[ChangeRow],
) -> list[tuple[tuple[float, float], tuple[float, float], int]]:
    """The changes counted in a GRID x GRID grid over their range: each non-empty cell's x
    range, y range and count, by x then y."""
    xs, ys = [p[3] for p in points], [p[4] for p in points]

    def edges(values: list[float]) -> tuple[float, float]:
        low, high = min(values), max(values)
        return (low, high) if high > low else (low - 0.5, high + 0.5)

    (x_lo, x_hi), (y_lo, y_hi) = edges(xs), edges(ys)
    x_step, y_step = (x_hi - x_lo) / GRID, (y_hi - y_lo) / GRID

    def at(value: float, low: float, step: float) -> int:
        return min(GRID - 1, max(0, math.floor((value - low) / step)))

    counts: dict[tuple[int, int], int] = {}
    for x, y in zip(xs, ys, strict=True):
        cell = (at(x, x_lo, x_step), at(y, y_lo, y_step))
        counts[cell] = counts.get(cell, 0) + 1
    return [
        (
            (x_lo + i * x_step, x_lo + (i + 1) * x_step),
            (y_lo + j * y_step, y_lo + (j + 1) * y_step),
            count,
        )
        for (i, j), count in sorted(counts.items())
    ]


def _changes_alt(
    points: list[ChangeRow],
    pillar: str,
    outcome: str,
    unit: str,
    estimate: tuple[float, float, float] | None,
) -> str:
    if not points:
        return f"No institution has two consecutive periods with {pillar} and {outcome}."
    institutions = len({p[0] for p in points})
    xs, ys = [p[3] for p in points], [p[4] for p in points]
    text = (
        f"Scatter of {_count(len(points), 'change')} between consecutive periods of "
        f"{_count(institutions, 'institution')}: the change in {pillar} score across, from "
        f"{_signed(min(xs))} to {_signed(max(xs))} points, against the change in {outcome} "
        f"up, from {_signed(min(ys), 2)} to {_signed(max(ys), 2)} {unit}."
    )
    if len(points) > POINTS_UP_TO:
        text += (
            f" The changes are counted in a grid of {GRID} by {GRID} cells; the larger the "
            "dot, the more changes in its cell."
        )
    if estimate is not None:
        per_10, low, high = estimate
        text += (
            f" The fitted line: {outcome} changes by {_signed(per_10, 2)} {unit} for each "
            f"10 points of {pillar} score (95 % interval {_signed(low, 2)} to "
            f"{_signed(high, 2)}); "
        )
        if high < 0 or low > 0:
            way = "falls" if high < 0 else "rises"
            text += f"the interval excludes zero: {outcome} {way} as the score rises."
        else:
            text += "the interval includes zero: no clear link."
    return text
