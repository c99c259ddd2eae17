"""One institution's charts: its pillar scores over the grade bands, and its scores over time."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import altair as alt

from scorecard.charts.chart import (
    _ROWS,
    _SCORE_TITLE,
    DEFAULT_BANDS,
    OKABE_ITO,
    RULE_COLOUR,
    Band,
    Chart,
    _count,
    _empty,
    _fmt,
    _grade_range,
    _join,
    _number,
    _ordered,
    _pct,
    _round,
    _score_x,
    _stamp,
    _template,
)
from scorecard.wording import INSUFFICIENT, NOT_REPORTED, extremes

_BAR = 20  # pixel thickness of a pillar's bar
# As many legend entries to a row as fit the chart's width, each label up to 220 pixels; on a
# phone, one entry a row, so that long pillar names are not cut.
_LEGEND_COLUMNS = alt.ExprRef(expr="max(1, floor(containerSize()[0] / 240))")
_LEGEND_LABEL_LIMIT = 220
_PERIOD_LABEL = 56  # pixels a period label needs; closer than this, the labels turn


# -- pillar scores ----------------------------------------------------------------------------


def _band_rows(bands: tuple[Band, ...]) -> list[dict[str, Any]]:
    ordered = sorted(bands, key=lambda band: band[1], reverse=True)
    rows, upper = [], 100.0
    for grade, minimum in ordered:
        low = max(0.0, min(float(minimum), 100.0))
        rows.append({"grade": grade, "lo": low, "hi": upper, "mid": (low + upper) / 2})
        upper = low
    return rows


@functools.lru_cache(maxsize=16)
def _pillar_template(bands: tuple[Band, ...]) -> str:
    # Each pillar takes a row: its name above a fixed-height bar, the value after the bar. The
    # names sit inside the plot rather than on an axis, so narrow screens keep a wide plot; the
    # score axis ticks at the grade thresholds, and the bands behind are lettered at the top.
    band_rows = _band_rows(bands)
    ticks = sorted({0.0, 100.0, *(row["lo"] for row in band_rows)})
    colour = alt.Color(
        "grade:N",
        scale=alt.Scale(domain=[g for g, _ in bands], range=_grade_range(len(bands))),
        legend=None,
    )
    y = alt.Y("pillar:N", sort=None, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    bands_data = alt.InlineData(values=band_rows)
    backdrop = (
        alt.Chart(bands_data)
        .mark_rect(opacity=0.14)
        .encode(x=_score_x("lo", ticks=ticks), x2="hi:Q", color=colour)
    )
    rules = (
        alt.Chart(alt.InlineData(values=[r for r in band_rows if r["lo"] > 0]))
        .mark_rule(color=RULE_COLOUR, strokeDash=[3, 3], opacity=0.7)
        .encode(x=_score_x("lo", ticks=ticks))
    )
    band_labels = (
        alt.Chart(bands_data)
        .mark_text(baseline="bottom", dy=-3, fontSize=11, fontWeight="bold")
        .encode(x=_score_x("mid", ticks=ticks), y=alt.value(0), text="grade:N")
    )
    names = (
        alt.Chart()
        .mark_text(align="left", baseline="bottom", dx=2, dy=-_BAR / 2 - 3, fontSize=12)
        .encode(x=alt.value(0), y=y, text="name:N")
    )
    scored = alt.Chart().transform_filter("datum.score != null")
    bars = scored.mark_bar(height=_BAR, stroke=RULE_COLOUR, strokeWidth=0.5).encode(
        x=_score_x("score", ticks=ticks),
        y=y,
        color=colour,
        tooltip=[
            alt.Tooltip("name:N", title="Pillar"),
            alt.Tooltip("score_label:N", title="Score"),
            alt.Tooltip("grade:N", title="Grade"),
            alt.Tooltip("coverage_label:N", title="Coverage"),
        ],
    )
    values = scored.mark_text(align="left", baseline="middle", dx=5, dy=-6, lineHeight=13).encode(
        x=_score_x("score", ticks=ticks), y=y, text="label:N"
    )
    missing = (
        alt.Chart()
        .transform_filter("datum.score == null")
        .mark_text(align="left", baseline="middle", dx=4, fontStyle="italic")
        .encode(x=alt.value(0), y=y, text="label:N")
    )
    layered = alt.layer(backdrop, rules, band_labels, names, bars, values, missing, data=_ROWS)
    return _template(layered)


def pillar_scores(
    rows: Iterable[tuple[str, str, float | None, str | None, float]],
    bands: Iterable[Band] = DEFAULT_BANDS,
    beside: Collection[str] = (),
) -> Chart:
    """One institution's pillar scores as bars on 0..100 over the grade bands.

    rows: (pillar id, pillar name, score or None, grade or None, coverage 0..1), in display
    order; bands: (grade, minimum score), best grade first; beside: the ids of the sections
    reported beside the overall score (outcomes, complex care), which the text alternative
    names apart from the core pillars. A pillar without a score shows "insufficient data",
    never a zero.
    """
    values: list[dict[str, Any]] = []
    table: list[list[str]] = []
    for pillar, name, raw, grade, coverage in rows:
        score = _number(raw)
        label: str | list[str] = f"{INSUFFICIENT} ({_pct(coverage)} reported)"
        if score is not None:
            label = [_fmt(score) + (f" ({grade})" if grade else ""), f"{_pct(coverage)} reported"]
        values.append(
            {
                "pillar": pillar,
                "name": name,
                "score": _round(score),
                "grade": grade if score is not None else None,
                "coverage": round(coverage, 4),
                "score_label": _fmt(score),
                "coverage_label": _pct(coverage),
                "label": label,
                "beside": pillar in beside,
            }
        )
        shown = _fmt(score)
        table.append([name, shown, grade if score is not None and grade else "", _pct(coverage)])
    columns = ["Pillar", "Score", "Grade", "Coverage"]
    if not values:
        return _empty("pillar_scores", "No pillar scores to show.", columns, table)
    grades = tuple((str(grade), float(minimum)) for grade, minimum in bands)
    spec = _stamp(_pillar_template(grades), values, height=60 + 52 * max(len(values), 1))
    return Chart("pillar_scores", spec, _pillar_alt(values), columns, table)


def _pillar_alt(values: list[dict[str, Any]]) -> str:
    core = [v for v in values if not v["beside"]]
    beside = [v for v in values if v["beside"]]
    scored = [v for v in core if v["score"] is not None]
    missing = [str(v["name"]) for v in values if v["score"] is None]

    def said(v: dict[str, Any]) -> str:
        return f"{v['score_label']}" + (f" (grade {v['grade']})" if v["grade"] else "")

    if not scored and not [v for v in beside if v["score"] is not None]:
        return f"No pillar has enough data for a score: {_join(missing)}."
    text = f"Bar chart of {_count(len(core), 'core pillar')}"
    if beside:
        text += f" and {_count(len(beside), 'section')} reported beside them"
    text += ", scored out of 100. "
    if len(scored) == 1:
        text += f"Of the core pillars, only {scored[0]['name']} has a score: {said(scored[0])}."
    elif scored:
        by_name = {str(v["name"]): v for v in scored}
        ends = extremes([(str(v["name"]), v["score"]) for v in scored])
        if ends:
            high, low = ends
            text += (
                f"Of the core pillars, {high} is the highest at {said(by_name[high])} "
                f"and {low} the lowest at {said(by_name[low])}."
            )
        else:
            text += f"The {len(scored)} scored core pillars are all at {said(scored[0])}."
    shown = [v for v in beside if v["score"] is not None]
    if shown:
        text += " Beside them: " + _join([f"{v['name']} at {said(v)}" for v in shown]) + "."
    if missing:
        text += f" Insufficient data for {_join(missing)}."
    return text


# -- trend ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _trend_template() -> str:
    # The lines use `stroke`, the points `color` and `shape`; each page stamps its series as
    # the three scales' domain, so Vega-Lite merges them into one legend (colour and shape).
    legend = alt.Legend(
        title=None, orient="bottom", columns=_LEGEND_COLUMNS, labelLimit=_LEGEND_LABEL_LIMIT
    )
    scale = alt.Scale(domain=[], range=list(OKABE_ITO))
    overall = alt.when("datum.series == 'Overall'")
    line = (
        alt.Chart()
        .mark_line(invalid="break-paths-show-domains")
        .encode(
            stroke=alt.Stroke("series:N", scale=scale, legend=legend),
            strokeWidth=overall.then(alt.value(3.5)).otherwise(alt.value(1.8)),
        )
    )
    points = (
        alt.Chart()
        .transform_filter("datum.score != null")
        .mark_point(filled=True, size=70, opacity=1)
        .encode(
            color=alt.Color("series:N", scale=scale, legend=legend),
            shape=alt.Shape("series:N", scale=alt.Scale(domain=[]), legend=legend),
            tooltip=[
                alt.Tooltip("period:N", title="Period"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("score_label:N", title="Score"),
            ],
        )
    )
    layered = alt.layer(line, points, data=_ROWS).encode(
        x=alt.X(
            "period:O", title=None, sort=[], scale=alt.Scale(domain=[]), axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y("score:Q", title=_SCORE_TITLE, scale=alt.Scale(domain=[0, 100], nice=False)),
    )
    return _template(layered)


_PERIOD_UNITS = (
    (re.compile(r"\d{4}-Q[1-4]"), "quarters"),
    (re.compile(r"\d{4}-H[12]"), "halves"),
    (re.compile(r"\d{4}"), "years"),
)


def _period_unit(periods: Sequence[str]) -> str:
    for pattern, unit in _PERIOD_UNITS:
        if periods and all(pattern.fullmatch(p) for p in periods):
            return unit
    return "periods"


def trend(rows: Iterable[tuple[str, str, float | None]]) -> Chart:
    """Scores over periods: one line with points per series, periods in the order given.

    rows: (period label, series name such as "Overall" or a pillar name, score or None).
    """
    values: list[dict[str, Any]] = []
    for period, name, raw in rows:
        score = _number(raw)
        values.append(
            {"period": period, "series": name, "score": _round(score), "score_label": _fmt(score)}
        )
    periods = _ordered(v["period"] for v in values)
    series = _ordered(v["series"] for v in values)
    if not values:
        return _empty("trend", "No scores to show over time.", ["Period"], [])
    # Only the width fits the page: the legend's rows (one a series on a phone) and turned
    # period labels add to the height, so the plot keeps its 200 pixels.
    spec = _stamp(_trend_template(), values, height=200)
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec["encoding"]["x"]["sort"] = periods
    spec["encoding"]["x"]["scale"]["domain"] = periods
    turn = f"width / {len(periods)} < {_PERIOD_LABEL}"
    spec["encoding"]["x"]["axis"]["labelAngle"] = {"expr": f"{turn} ? -45 : 0"}
    spec["encoding"]["x"]["axis"]["labelAlign"] = {"expr": f"{turn} ? 'right' : 'center'"}
    line, points = spec["layer"]
    for encoding in (line["encoding"]["stroke"], points["encoding"]["color"]):
        encoding["scale"]["domain"] = series
    points["encoding"]["shape"]["scale"]["domain"] = series
    cell = {(v["period"], v["series"]): v["score_label"] for v in values}
    table = [[p, *(cell.get((p, s), NOT_REPORTED) for s in series)] for p in periods]
    return Chart("trend", spec, _trend_alt(values, periods, series), ["Period", *series], table)


def _trend_alt(values: list[dict[str, Any]], periods: list[str], series: list[str]) -> str:
    main = "Overall" if "Overall" in series else series[0]
    points = [v for v in values if v["series"] == main and v["score"] is not None]
    if not points:
        text = f"{main} has no score in any period."
    elif len(points) == 1:
        text = f"{main} score was {points[0]['score_label']} in {points[0]['period']}."
    else:
        first, last = points[0], points[-1]
        span = periods.index(last["period"]) - periods.index(first["period"]) + 1
        verb = "rose" if last["score"] > first["score"] else "fell"
        if last["score"] == first["score"]:
            moved = f"held at {last['score_label']}"
        else:
            moved = f"{verb} from {first['score_label']} to {last['score_label']}"
        text = f"{main} score {moved} over {span} {_period_unit(periods)}."
    latest = periods[-1] if periods else ""
    others = [
        v
        for v in values
        if v["series"] != main and v["period"] == latest and v["score"] is not None
    ]
    if len(others) == 1:
        text += f" In {latest}, {others[0]['series']} is at {others[0]['score_label']}."
    elif others:
        by_name = {str(v["series"]): v for v in others}
        ends = extremes([(str(v["series"]), v["score"]) for v in others])
        kind = "core pillar" if main == "Overall" else "series"
        if ends:
            high, low = by_name[ends[0]], by_name[ends[1]]
            text += (
                f" In {latest}, {high['series']} is the highest {kind} at {high['score_label']}"
                f" and {low['series']} the lowest at {low['score_label']}."
            )
        else:
            text += f" In {latest}, every {kind} is at {others[0]['score_label']}."
    return text


def with_framework_marks(chart: Chart, marks: list[tuple[str, str]]) -> Chart:
    """A trend chart with a dashed rule at each period whose framework differs from the one
    before (see ``framework_marks``), labelled with the framework's version."""
    periods = {row[0] for row in chart.rows}
    shown = [(period, version) for period, version in marks if period in periods]
    if not shown or "layer" not in chart.spec:
        return chart
    spec = chart.to_dict()
    # "score" keeps the rows through the filter the layer inherits from the chart's y channel
    values = [{"period": p, "label": f"framework {v}", "score": 100} for p, v in shown]
    rule = {
        "data": {"values": values},
        "mark": {"type": "rule", "strokeDash": [4, 3], "color": RULE_COLOUR},
        "encoding": {
            "x": {"field": "period", "type": "ordinal"},
            "y": {"datum": 0, "type": "quantitative"},
            "y2": {"datum": 100},
            "tooltip": {"field": "label", "type": "nominal"},
        },
    }
    label = {
        "data": {"values": values},
        "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 3, "fontSize": 10},
        "encoding": {
            "x": {"field": "period", "type": "ordinal"},
            "y": {"datum": 100, "type": "quantitative"},
            "text": {"field": "label", "type": "nominal"},
        },
    }
    spec["layer"] = [*spec["layer"], rule, label]
    said = "; ".join(f"in {p}, to version {v}" for p, v in shown)
    alt = f"{chart.alt} The framework changed {said} (dashed line)."
    return Chart(chart.kind, spec, alt, chart.columns, chart.rows)
