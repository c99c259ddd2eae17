"""Charts: Vega-Lite specifications built with Altair and drawn in the browser by vega-embed.

Each builder takes plain rows (tuples; the NamedTuples below name their fields) and returns a
`Chart`: a complete spec with the rows as inline data, a text alternative and the same data as a
table. Altair runs once per kind of chart (the spec is cached as a template); a page only pays
for a copy of the template with its own rows stamped in, so thousands of pages stay cheap. A
page's chart never grows with the number of institutions it compares: above `DOTS_UP_TO`
scored institutions, a distribution is a histogram of `BINS` bins, and a `Spread` (a group's
scores sorted once) gives each member's page its bins, median and rank without a pass over the
group.

`chart_html()` gives the block a Markdown page embeds, its spec in base64 (`encode_spec`;
`spec_text` and `decode_spec` read it back, and `with_plain_specs` writes a page's specs out
as text for a scan). The browser side, which draws the charts, ships with the site
(`scorecard.site.assets`). Nothing here writes files.
"""

from __future__ import annotations

import base64
import bisect
import functools
import html
import json
import math
import re
import statistics
import zlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import altair as alt

from scorecard.text import short_texts_once

__all__ = [
    "BINS",
    "DEFAULT_BANDS",
    "DOTS_UP_TO",
    "GRADE_PALETTE",
    "OKABE_ITO",
    "Chart",
    "DistributionRow",
    "HeatmapRow",
    "PillarRow",
    "Spread",
    "TrendRow",
    "chart_html",
    "decode_spec",
    "distribution",
    "encode_spec",
    "heatmap",
    "histogram",
    "pillar_scores",
    "spec_text",
    "spread",
    "trend",
    "with_plain_specs",
]


class PillarRow(NamedTuple):
    pillar: str  # pillar id
    name: str
    score: float | None  # 0..100, None when the pillar has insufficient data
    grade: str | None
    coverage: float  # 0..1, share of the weight that was reported


class TrendRow(NamedTuple):
    period: str
    series: str  # "Overall" or a pillar name
    score: float | None


class HeatmapRow(NamedTuple):
    institution: str
    pillar: str
    score: float | None
    grade: str | None


class DistributionRow(NamedTuple):
    institution: str
    score: float | None


Band = tuple[str, float]
DEFAULT_BANDS: tuple[Band, ...] = (("A", 80.0), ("B", 65.0), ("C", 50.0), ("D", 35.0), ("F", 0.0))

# Okabe & Ito (2008), without black (invisible on the dark palette); yellow comes last.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
)
# Grades best to worst: blue to vermillion through yellow, a colour-blind safe diverging order.
GRADE_PALETTE: tuple[str, ...] = ("#0072B2", "#56B4E9", "#F0E442", "#E69F00", "#D55E00")
HIGHLIGHT_COLOUR = "#D55E00"
OTHERS_COLOUR = "#8C8C8C"
MISSING_FILL = "#D9D9D9"
HEATMAP_SCHEME: Final = "blues"  # ColorBrewer sequential, colour-blind safe
RULE_COLOUR = "#8C8C8C"
_HIGHLIGHTED, _OTHERS = "Highlighted", "Other institutions"
_SCORE_TITLE = "Score (0 to 100)"
_BAR = 20  # pixel thickness of a pillar's bar
_HEAT_NARROW = 72  # heat map columns narrower than this (pixels) turn their labels
_HEAT_LINE = 12  # line height of the heat map's pillar names
# As many legend entries to a row as fit the chart's width, each label up to 220 pixels; on a
# phone, one entry a row, so that long pillar names are not cut.
_LEGEND_COLUMNS = alt.ExprRef(expr="max(1, floor(containerSize()[0] / 240))")
_LEGEND_LABEL_LIMIT = 220
_PERIOD_LABEL = 56  # pixels a period label needs; closer than this, the labels turn
DOTS_UP_TO = 40  # a distribution of more scored institutions than this is a histogram
BINS = 20  # the histogram's bins, of equal width on 0..100
_BIN_WIDTH = 100 / BINS
_BIN_GAP = 0.2  # score points left blank on each side of a bar
_NAME_TOP, _NAME_LINE = 16, 14  # pixels from the top to the first marked name, and between names
_HISTOGRAM_PLOT = 150  # about the pixel height of the histogram's plot, inside its axes

_AUTOSIZE = {"type": "fit", "contains": "padding"}
_ROWS = alt.NamedData(name="rows")  # replaced by each chart's own rows


@dataclass(frozen=True)
class Chart:
    """One chart: its Vega-Lite spec, a text alternative and its data as display strings."""

    kind: str
    spec: dict[str, Any]
    alt: str
    columns: list[str]
    rows: list[list[str]]

    def to_dict(self) -> dict[str, Any]:
        """A copy of the spec, as Altair's `Chart.to_dict()` gives it."""
        copied: dict[str, Any] = json.loads(json.dumps(self.spec))
        return copied


# -- helpers ----------------------------------------------------------------------------------


def _number(score: float | None) -> float | None:
    if score is None:
        return None
    value = float(score)
    return value if math.isfinite(value) else None


def _fmt(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.1f}"


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _round(score: float | None) -> float | None:
    return None if score is None else round(score, 2)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _wrap(label: str) -> str:
    """A label broken into lines after each run of 8 or more characters (the charts' rule)."""
    return re.sub(r"(.{8,}?)\s+", "\\1\n", label)


def _ordered(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _grade_range(count: int) -> list[str]:
    if count <= 1:
        return list(GRADE_PALETTE[:1])
    last = len(GRADE_PALETTE) - 1
    return [GRADE_PALETTE[round(i * last / (count - 1))] for i in range(count)]


def _template(chart: alt.TopLevelMixin) -> str:
    """A chart's spec as JSON, without data.

    The config stays small (no colours, no fonts) so the page's script can apply the theme.
    Autosize "fit" counts marks drawn past the plot (the values after the bars), so the plot
    narrows to keep them inside the chart.
    """
    spec: dict[str, Any] = chart.to_dict()
    spec["data"] = {"values": []}
    spec["width"] = "container"
    spec["autosize"] = dict(_AUTOSIZE)
    spec["config"] = {"view": {"stroke": None}}
    return json.dumps(spec)


def _stamp(template: str, values: list[dict[str, Any]], height: int) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(template)
    spec["data"] = {"values": values}
    spec["height"] = height
    return spec


@functools.lru_cache(maxsize=1)
def _empty_template() -> str:
    chart = alt.Chart(_ROWS).mark_text(align="left", fontStyle="italic", fontSize=12)
    return _template(chart.encode(x=alt.value(0), text="message:N"))


def _empty(kind: str, message: str, columns: list[str], rows: list[list[str]]) -> Chart:
    """A chart with nothing to plot: the message in place of marks (and no console errors)."""
    spec = _stamp(_empty_template(), [{"message": message}], height=40)
    return Chart(kind, spec, message, columns, rows)


def _score_x(field: str, *, ticks: list[float] | None = None) -> alt.X:
    axis = alt.Axis(values=ticks) if ticks else alt.Axis()
    scale = alt.Scale(domain=[0, 100], nice=False)
    return alt.X(field, type="quantitative", title=_SCORE_TITLE, scale=scale, axis=axis)


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
) -> Chart:
    """One institution's pillar scores as bars on 0..100 over the grade bands.

    rows: (pillar id, pillar name, score or None, grade or None, coverage 0..1), in display
    order; bands: (grade, minimum score), best grade first. A pillar without a score shows
    "insufficient data", never a zero.
    """
    values: list[dict[str, Any]] = []
    table: list[list[str]] = []
    for pillar, name, raw, grade, coverage in rows:
        score = _number(raw)
        label: str | list[str] = f"insufficient data ({_pct(coverage)} reported)"
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
            }
        )
        shown = "insufficient data" if score is None else _fmt(score)
        table.append(
            [name, shown, grade if score is not None and grade else "\u2013", _pct(coverage)]
        )
    columns = ["Pillar", "Score", "Grade", "Coverage"]
    if not values:
        return _empty("pillar_scores", "No pillar scores to show.", columns, table)
    grades = tuple((str(grade), float(minimum)) for grade, minimum in bands)
    spec = _stamp(_pillar_template(grades), values, height=60 + 52 * max(len(values), 1))
    return Chart("pillar_scores", spec, _pillar_alt(values), columns, table)


def _pillar_alt(values: list[dict[str, Any]]) -> str:
    scored = [v for v in values if v["score"] is not None]
    missing = [str(v["name"]) for v in values if v["score"] is None]

    def said(v: dict[str, Any]) -> str:
        return f"{v['score_label']}" + (f" (grade {v['grade']})" if v["grade"] else "")

    if not scored:
        return f"No pillar has enough data for a score: {_join(missing)}."
    text = f"Bar chart of {_count(len(values), 'pillar')} scored out of 100. "
    if len(scored) == 1:
        text += f"{scored[0]['name']} scores {said(scored[0])}."
    else:
        high = max(scored, key=lambda v: v["score"])
        low = min(scored, key=lambda v: v["score"])
        text += (
            f"{high['name']} is the highest pillar at {said(high)} "
            f"and {low['name']} the lowest at {said(low)}."
        )
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
    table = [[p, *(cell.get((p, s), "n/a") for s in series)] for p in periods]
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
        high = max(others, key=lambda v: v["score"])
        low = min(others, key=lambda v: v["score"])
        kind = "pillar" if main == "Overall" else "series"
        text += (
            f" In {latest}, {high['series']} is the highest {kind} at {high['score_label']}"
            f" and {low['series']} the lowest at {low['score_label']}."
        )
    return text


# -- heat map ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _heatmap_template() -> str:
    # Pillar names wrap onto lines of words (the same rule as `_wrap`) when the columns are
    # wide enough, and turn 45 degrees when they are not; each page stamps the padding that
    # lifts its wrapped names clear of the cells. Institution names get up to 30 % of the width.
    narrow = f"bandwidth('x') < {_HEAT_NARROW}"
    wrapped = r"split(replace(datum.label, regexp('(.{8,}?)\\s+', 'g'), '$1\n'), '\n')"
    x_axis = alt.Axis(
        orient="top",
        domain=False,
        ticks=False,
        labelLimit=120,
        labelLineHeight=_HEAT_LINE,
        labelExpr=f"{narrow} ? datum.label : {wrapped}",
        labelAngle=alt.ExprRef(expr=f"{narrow} ? -45 : 0"),
        labelAlign=alt.ExprRef(expr=f"{narrow} ? 'left' : 'center'"),
        labelBaseline=alt.ExprRef(expr=f"{narrow} ? 'bottom' : 'line-top'"),
        labelPadding=alt.ExprRef(expr="4"),
    )
    y_axis = alt.Axis(
        domain=False,
        ticks=False,
        labelLimit=alt.ExprRef(expr="clamp(containerSize()[0] * 0.3, 60, 240)"),
    )
    x = alt.X("pillar:N", sort=None, title=None, axis=x_axis, scale=alt.Scale(paddingInner=0.04))
    y = alt.Y(
        "institution:N", sort=None, title=None, axis=y_axis, scale=alt.Scale(paddingInner=0.06)
    )
    tooltip = [
        alt.Tooltip("institution:N", title="Institution"),
        alt.Tooltip("pillar:N", title="Pillar"),
        alt.Tooltip("score_label:N", title="Score"),
        alt.Tooltip("label:N", title="Grade"),
    ]
    legend = alt.Legend(title="Score", orient="bottom", gradientLength=180)
    scale = alt.Scale(scheme=HEATMAP_SCHEME, domain=[0, 100])
    scored = (
        alt.Chart()
        .transform_filter("datum.score != null")
        .mark_rect()
        .encode(color=alt.Color("score:Q", scale=scale, legend=legend), tooltip=tooltip)
    )
    missing = (
        alt.Chart()
        .transform_filter("datum.score == null")
        .mark_rect(color=MISSING_FILL)
        .encode(tooltip=tooltip)
    )
    # White or black, whichever contrasts more with the cell's own colour: at least 4.58:1
    # (the worst case of the better of the two), for any colour the scheme gives.
    fill = "scale('color', datum.score)"
    white = f"datum.score != null && contrast('#FFFFFF', {fill}) > contrast('#000000', {fill})"
    ink = alt.when(white).then(alt.value("#FFFFFF"))
    letters = (
        alt.Chart()
        .mark_text(fontWeight="bold", fontSize=12)
        .encode(text="label:N", color=ink.otherwise(alt.value("#000000")), tooltip=tooltip)
    )
    return _template(alt.layer(scored, missing, letters, data=_ROWS).encode(x=x, y=y))


def heatmap(rows: Iterable[tuple[str, str, float | None, str | None]]) -> Chart:
    """Institutions by pillars: cells coloured by score with the grade written in each.

    rows: (institution name, pillar name, score or None, grade or None); institutions and
    pillars appear in the order first given. A cell without a score reads "n/a".
    """
    values: list[dict[str, Any]] = []
    for institution, pillar, raw, grade in rows:
        score = _number(raw)
        label = (grade or _fmt(score)) if score is not None else "n/a"
        values.append(
            {
                "institution": institution,
                "pillar": pillar,
                "score": _round(score),
                "grade": grade if score is not None else None,
                "label": label,
                "score_label": _fmt(score),
            }
        )
    institutions = _ordered(v["institution"] for v in values)
    pillars = _ordered(v["pillar"] for v in values)
    if not values:
        return _empty("heatmap", "No institutions to show.", ["Institution"], [])
    lines = max((_wrap(p).count("\n") + 1 for p in pillars), default=1)
    spec = _stamp(
        _heatmap_template(), values, height=90 + _HEAT_LINE * lines + 28 * len(institutions)
    )
    narrow = f"bandwidth('x') < {_HEAT_NARROW}"
    spec["encoding"]["x"]["axis"]["labelPadding"] = {
        "expr": f"{narrow} ? 4 : {lines * _HEAT_LINE + 4}"
    }
    cell: dict[tuple[str, str], str] = {}
    for v in values:
        shown = v["score_label"] + (f" ({v['grade']})" if v["grade"] else "")
        cell[(v["institution"], v["pillar"])] = shown
    table = [[i, *(cell.get((i, p), "n/a") for p in pillars)] for i in institutions]
    alt_text = _heatmap_alt(values, institutions, pillars)
    return Chart("heatmap", spec, alt_text, ["Institution", *pillars], table)


def _heatmap_alt(values: list[dict[str, Any]], institutions: list[str], pillars: list[str]) -> str:
    text = (
        f"Heat map of {_count(len(institutions), 'institution')} on "
        f"{_count(len(pillars), 'pillar')}; "
        "each cell shows the grade, darker blue is a higher score."
    )
    scored = [v for v in values if v["score"] is not None]
    if scored:
        high = max(scored, key=lambda v: v["score"])
        low = min(scored, key=lambda v: v["score"])
        text += (
            f" Highest: {high['institution']} on {high['pillar']} at {high['score_label']};"
            f" lowest: {low['institution']} on {low['pillar']} at {low['score_label']}."
        )
    if len(scored) < len(values):
        text += f" {len(values) - len(scored)} of {_count(len(values), 'cell')} without a score."
    return text


# -- distribution -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _distribution_template() -> str:
    legend = alt.Legend(title=None, orient="bottom", symbolOpacity=1)
    domain = [_OTHERS, _HIGHLIGHTED]
    colour = alt.Color(
        "group:N",
        scale=alt.Scale(domain=domain, range=[OTHERS_COLOUR, HIGHLIGHT_COLOUR]),
        legend=legend,
    )
    shape = alt.Shape(
        "group:N", scale=alt.Scale(domain=domain, range=["circle", "diamond"]), legend=legend
    )
    y = alt.Y("jitter:Q", scale=alt.Scale(domain=[0, 1]), axis=None, title=None)
    tooltip = [
        alt.Tooltip("institution:N", title="Institution"),
        alt.Tooltip("score_label:N", title="Score"),
    ]
    others = (
        alt.Chart()
        .transform_filter("!datum.highlighted")
        .mark_point(filled=True, size=45, opacity=0.6)
        .encode(x=_score_x("score"), y=y, color=colour, shape=shape, tooltip=tooltip)
    )
    chosen = alt.Chart().transform_filter("datum.highlighted")
    marked = chosen.mark_point(filled=True, size=160, opacity=1).encode(
        x=_score_x("score"), y=y, color=colour, shape=shape, tooltip=tooltip
    )
    names = chosen.mark_text(dy=-14, fontWeight="bold").encode(
        x=_score_x("score"), y=y, text="institution:N"
    )
    median = alt.Chart().transform_aggregate(median="median(score)")
    rule = median.mark_rule(color=RULE_COLOUR, strokeDash=[4, 4]).encode(x=_score_x("median"))
    caption = (
        median.transform_calculate(text="'median ' + format(datum.median, '.1f')")
        .mark_text(align="left", baseline="top", dx=4, fontSize=10)
        .encode(x=_score_x("median"), y=alt.value(0), text="text:N")
    )
    return _template(alt.layer(others, rule, caption, marked, names, data=_ROWS))


def distribution(rows: Iterable[tuple[str, float | None]], highlight: Collection[str]) -> Chart:
    """Many institutions' scores on one measure as dots on 0..100, with some highlighted.

    rows: (institution name, score or None); highlight: names of the institutions to mark (a
    distinct colour and shape, and their name). Institutions without a score are left out of the
    plot and listed in the table. Above `DOTS_UP_TO` scored institutions, a `histogram`.
    """
    chosen = set(highlight)
    listed = [(name, _number(raw)) for name, raw in rows]
    if sum(1 for _, score in listed if score is not None) > DOTS_UP_TO:
        group = spread(score for _, score in listed)
        return histogram(group, [(name, score) for name, score in listed if name in chosen])
    values: list[dict[str, Any]] = []
    marked_so_far = 0
    for name, score in listed:
        if score is None:
            continue
        marked = name in chosen
        # A vertical spread from the name, so an institution sits at the same height everywhere;
        # highlighted ones alternate between two heights so that their names do not collide.
        jitter = 0.1 + 0.8 * zlib.crc32(name.encode()) / 0xFFFFFFFF
        if marked:
            jitter = 0.25 if marked_so_far % 2 else 0.55
            marked_so_far += 1
        values.append(
            {
                "institution": name,
                "score": _round(score),
                "score_label": _fmt(score),
                "highlighted": marked,
                "group": _HIGHLIGHTED if marked else _OTHERS,
                "jitter": round(jitter, 4),
            }
        )
    ranked = sorted(listed, key=lambda item: (item[1] is None, -(item[1] or 0.0)))
    table = [[name, _fmt(score), "yes" if name in chosen else ""] for name, score in ranked]
    columns = ["Institution", "Score", "Highlighted"]
    alt_text = _distribution_alt(listed, chosen)
    if not values:
        return _empty("distribution", alt_text, columns, table)
    spec = _stamp(_distribution_template(), values, height=190)
    return Chart("distribution", spec, alt_text, columns, table)


def _distribution_alt(listed: list[tuple[str, float | None]], chosen: set[str]) -> str:
    scores = [score for _, score in listed if score is not None]
    if not listed:
        return "No institutions to show."
    if not scores:
        return f"No score for any of {_count(len(listed), 'institution')}."
    middle = statistics.median(scores)
    text = (
        f"Scores of {_count(len(scores), 'institution')} range from {_fmt(min(scores))} to "
        f"{_fmt(max(scores))} (median {_fmt(middle)})."
    )
    for name, score in [item for item in listed if item[0] in chosen][:5]:
        if score is None:
            text += f" {name} has no score."
        else:
            rank = 1 + sum(1 for other in scores if other > score)
            text += f" {name} scores {_fmt(score)}, rank {rank} of {len(scores)}."
    if len(scores) < len(listed):
        text += _left_out(len(listed) - len(scores))
    return text


def _left_out(missing: int) -> str:
    return f" {missing} without a score {'is' if missing == 1 else 'are'} not shown."


# -- histogram --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """The scores of a group, sorted once: the bins, median and ranks of every member's chart.

    Build it with `spread()`, once per group and period; each member's `histogram` then costs
    the bins and a binary search, not a pass over the group.
    """

    scores: tuple[float, ...]  # ascending, finite
    missing: int  # members without a score
    counts: tuple[int, ...]  # scores per bin, lowest bin first

    @property
    def median(self) -> float | None:
        n = len(self.scores)
        if not n:
            return None
        middle = n // 2
        return self.scores[middle] if n % 2 else (self.scores[middle - 1] + self.scores[middle]) / 2

    def rank(self, score: float) -> int:
        """1 + how many members score higher: ties share the better rank."""
        return 1 + len(self.scores) - bisect.bisect_right(self.scores, score)


def _bin(score: float) -> int:
    return min(max(int(score // _BIN_WIDTH), 0), BINS - 1)


def _bin_range(index: int) -> str:
    low, high = index * _BIN_WIDTH, (index + 1) * _BIN_WIDTH
    if index == BINS - 1:
        return f"{low:g} to {high:g}"
    return f"{low:g} to under {high:g}"


def spread(scores: Iterable[float | None]) -> Spread:
    """A group's scores (None for a member without one), sorted and binned for `histogram`."""
    numbers = [_number(score) for score in scores]
    scored = sorted(score for score in numbers if score is not None)
    counts = [0] * BINS
    for score in scored:
        counts[_bin(score)] += 1
    return Spread(tuple(scored), len(numbers) - len(scored), tuple(counts))


@functools.lru_cache(maxsize=1)
def _histogram_template() -> str:
    # Each row is a bin, the median or a marked institution (`kind`). The count axis keeps some
    # room above the bars (each page stamps its top) for the median's caption and the names.
    y = alt.Y(
        "count:Q",
        title="Institutions",
        scale=alt.Scale(domain=[0, 1], nice=True),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )
    right = "datum.score > 60"
    align = alt.ExprRef(expr=f"{right} ? 'right' : 'left'")
    bins = alt.Chart().transform_filter("datum.kind == 'bin'")
    bars = bins.mark_bar(color=OTHERS_COLOUR, opacity=0.8).encode(
        x=_score_x("lo"),
        x2="hi:Q",
        y=y,
        y2=alt.datum(0),
        tooltip=[
            alt.Tooltip("range:N", title="Scores"),
            alt.Tooltip("count:Q", title="Institutions"),
        ],
    )
    median = alt.Chart().transform_filter("datum.kind == 'median'")
    rule = median.mark_rule(color=RULE_COLOUR, strokeDash=[4, 4]).encode(x=_score_x("score"))
    caption = median.mark_text(
        align=align, baseline="top", dx=alt.ExprRef(expr=f"{right} ? -4 : 4"), fontSize=10
    ).encode(x=_score_x("score"), y=alt.value(0), text="label:N")
    chosen = alt.Chart().transform_filter("datum.kind == 'highlight'")
    tooltip = [
        alt.Tooltip("institution:N", title="Institution"),
        alt.Tooltip("score_label:N", title="Score"),
    ]
    marker = chosen.mark_rule(color=HIGHLIGHT_COLOUR, strokeWidth=2).encode(
        x=_score_x("score"), tooltip=tooltip
    )
    point = chosen.mark_point(
        filled=True, size=160, opacity=1, shape="diamond", color=HIGHLIGHT_COLOUR
    ).encode(x=_score_x("score"), y=y, tooltip=tooltip)
    names = chosen.mark_text(
        align=align, baseline="top", dx=alt.ExprRef(expr=f"{right} ? -6 : 6"), fontWeight="bold"
    ).encode(x=_score_x("score"), y=alt.Y("line:Q", scale=None), text="institution:N")
    return _template(alt.layer(bars, rule, caption, marker, point, names, data=_ROWS))


def histogram(group: Spread, highlight: Sequence[tuple[str, float | None]] = ()) -> Chart:
    """A group's scores as counts in `BINS` bins on 0..100, the median a dashed rule.

    group: the group's `spread()`; highlight: (name, score or None) of the institutions to mark
    with a rule, a point on their bin and their name. The spec and the table hold the bins, never
    the members, so the chart's size does not depend on the group's.
    """
    marked = [(name, _number(raw)) for name, raw in highlight]
    values: list[dict[str, Any]] = [
        {
            "kind": "bin",
            "lo": index * _BIN_WIDTH + _BIN_GAP,
            "hi": (index + 1) * _BIN_WIDTH - _BIN_GAP,
            "count": count,
            "range": _bin_range(index),
        }
        for index, count in enumerate(group.counts)
    ]
    if group.median is not None:
        label = f"median {_fmt(group.median)}"
        values.append({"kind": "median", "score": _round(group.median), "label": label})
    here: dict[int | None, list[str]] = {}  # bin (None: no score) -> the marked names in it
    for name, score in marked:
        here.setdefault(None if score is None else _bin(score), []).append(name)
    shown = [(name, score) for name, score in marked if score is not None]
    for line, (name, score) in enumerate(shown):
        values.append(
            {
                "kind": "highlight",
                "institution": name,
                "score": _round(score),
                "score_label": _fmt(score),
                "count": group.counts[_bin(score)],
                "line": _NAME_TOP + _NAME_LINE * line,
            }
        )

    def row(label: str, count: int, index: int | None) -> list[str]:
        return [label, str(count)] + ([", ".join(here.get(index, []))] if marked else [])

    columns = ["Scores", "Institutions"] + (["Highlighted"] if marked else [])
    table = [row(_bin_range(index), count, index) for index, count in enumerate(group.counts)]
    if group.missing:
        table.append(row("No score", group.missing, None))
    alt_text = _histogram_alt(group, marked)
    if not group.scores:
        return _empty("histogram", alt_text, columns, table)
    spec = _stamp(_histogram_template(), values, height=200)
    # The count axis reaches above the tallest bar by the room the caption and names take.
    room = min(_NAME_TOP + _NAME_LINE * len(shown) + 6, _HISTOGRAM_PLOT // 2)
    top = math.ceil(max(group.counts) * _HISTOGRAM_PLOT / (_HISTOGRAM_PLOT - room))
    for drawn in spec["layer"]:
        if "domain" in (drawn["encoding"].get("y", {}).get("scale") or {}):
            drawn["encoding"]["y"]["scale"]["domain"] = [0, top]
    return Chart("histogram", spec, alt_text, columns, table)


def _histogram_alt(group: Spread, marked: list[tuple[str, float | None]]) -> str:
    scores = group.scores
    if not scores:
        if not group.missing:
            return "No institutions to show."
        return f"No score for any of {_count(group.missing, 'institution')}."
    fullest = max(range(BINS), key=lambda index: (group.counts[index], -index))
    text = (
        f"Histogram of the scores of {_count(len(scores), 'institution')} in bins of "
        f"{_BIN_WIDTH:g} points: they range from {_fmt(scores[0])} to {_fmt(scores[-1])} "
        f"(median {_fmt(group.median)}); the fullest bin, {_bin_range(fullest)}, holds "
        f"{group.counts[fullest]}."
    )
    for name, score in marked[:5]:
        if score is None:
            text += f" {name} has no score."
        else:
            text += f" {name} scores {_fmt(score)}, rank {group.rank(score)} of {len(scores)}."
    if group.missing:
        text += _left_out(group.missing)
    return text


# -- HTML for a Markdown page -----------------------------------------------------------------

# Characters Markdown, attr_list or Jinja could read as syntax, as numeric references; control
# characters (Markdown keeps its own placeholders in STX/ETX) become U+FFFD, and line breaks an
# entity, so the block never holds a blank line.
_INERT = [(c, f"&#{ord(c)};") for c in "*_`[]{}|\\\n"]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@short_texts_once
def _text(value: str) -> str:
    # str.replace per character is several times faster than str.translate on long specs.
    text = html.escape(value.replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    for character, entity in _INERT:
        text = text.replace(character, entity)
    return _CONTROL.sub("\ufffd", text)


_TABLE_NAMES = {
    "pillar_scores": "Data: pillar scores",
    "trend": "Data: scores over time",
    "heatmap": "Data: grades by pillar",
    "distribution": "Data: distribution of scores",
    "histogram": "Data: distribution of scores",
}
_SPEC = re.compile(r'data-spec="([A-Za-z0-9+/=]*)"')


def encode_spec(spec: dict[str, Any]) -> str:
    """A spec as a `data-spec` value: its compact JSON, UTF-8, in standard base64.

    Base64 needs no character references, which Python-Markdown and MkDocs' search would decode
    one by one on every page.
    """
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def spec_text(value: str) -> str:
    """The JSON text of a `data-spec` value; the value itself when it is not base64 of UTF-8."""
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError
        return value


def decode_spec(value: str) -> dict[str, Any]:
    """The spec of a `data-spec` value (base64, or JSON as earlier builds wrote it)."""
    spec: dict[str, Any] = json.loads(spec_text(value))
    return spec


def with_plain_specs(page: str) -> str:
    """An HTML page with each chart's spec written out as escaped JSON text, as a scan for
    text (internal words, unpublished ids) must read it: base64 hides what it holds."""
    return _SPEC.sub(lambda match: f'data-spec="{_text(spec_text(match.group(1)))}"', page)


def chart_html(chart: Chart, *, chart_id: str) -> str:
    """The HTML block that embeds `chart` in a Markdown page.

    One block starting at column 0 with no blank line, so Python-Markdown passes it through
    untouched; every text is escaped, Markdown's own characters included. Put it between blank
    lines. The page's script draws the chart from the `data-spec` attribute (`encode_spec`).
    The data table is left out of the site's search index: its cells are no words to look for.
    """
    height = chart.spec.get("height")
    style = f' style="min-height:{int(height)}px"' if isinstance(height, int | float) else ""
    head = "".join(f'<th scope="col">{_text(c)}</th>' for c in chart.columns)
    body = [
        "<tr>"
        + "".join(
            f'<th scope="row">{_text(cell)}</th>' if i == 0 else f"<td>{_text(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in chart.rows
    ]
    # The drawing is one image to assistive technology (its marks are hidden from it), named by
    # the text alternative and focusable, so a keyboard reader can reach it and see the ring;
    # the data table scrolls in its own box, which takes focus so that it scrolls by keyboard.
    lines = [
        f'<figure class="scorecard-chart-figure" data-chart-kind="{_text(chart.kind)}">',
        f'<div class="scorecard-chart" id="{_text(chart_id)}"'
        f' data-spec="{encode_spec(chart.spec)}" role="img"'
        f' tabindex="0" aria-label="{_text(chart.alt)}"{style}></div>',
        f"<figcaption>{_text(chart.alt)}</figcaption>",
        '<details class="scorecard-chart-data" data-search-exclude>',
        "<summary>Data for this chart</summary>",
        f'<div class="scorecard-table-scroll" tabindex="0" role="region"'
        f' aria-label="{_text(_TABLE_NAMES.get(chart.kind, "Chart data"))}">',
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>",
        *body,
        "</tbody>\n</table>",
        "</div>",
        "</details>",
        "</figure>",
    ]
    return "\n".join(lines)
