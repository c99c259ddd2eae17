"""Charts of many institutions: a heat map of their grades by pillar, and the distribution of
their scores on one measure, as dots or, for a large group, as a histogram (`Spread`)."""

from __future__ import annotations

import bisect
import functools
import math
import statistics
import zlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

from scorecard.charts.chart import (
    _ROWS,
    HEATMAP_SCHEME,
    HIGHLIGHT_COLOUR,
    MISSING_FILL,
    OTHERS_COLOUR,
    RULE_COLOUR,
    Chart,
    _count,
    _empty,
    _fmt,
    _join,
    _number,
    _ordered,
    _round,
    _score_x,
    _stamp,
    _template,
    _wrap,
)
from scorecard.wording import INSUFFICIENT, NOT_REPORTED

_HEAT_NARROW = 72  # heat map columns narrower than this (pixels) turn their labels
_HEAT_LINE = 12  # line height of the heat map's pillar names
HEAT_NARROW_BELOW = 560  # pixels: a heat map narrower than this has its names above the rows
_HEAT_ROW_NARROW = 44  # pixels a row takes there: the name's line and the cells
DOTS_UP_TO = 40  # a distribution of more scored institutions than this is a histogram
NAMED_UP_TO = 12  # a dot chart of this many scored institutions or fewer names every dot
_DOT_LINE = 20  # pixels: the height of a named dot's line
_DOT_CAPTION = 18  # pixels at the top of the dot chart kept for the median's caption
_DOTS_OTHERS = 110  # pixels of the band below the named lines where the other dots are spread
_DOTS_AXIS = 60  # pixels below the dots: the score axis and its title
BINS = 20  # the histogram's bins, of equal width on 0..100
_BIN_WIDTH = 100 / BINS
_BIN_GAP = 0.2  # score points left blank on each side of a bar
_NAME_TOP, _NAME_LINE = 16, 14  # pixels from the top to the first marked name, and between names
_HISTOGRAM_PLOT = 150  # about the pixel height of the histogram's plot, inside its axes


# -- heat map ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _heatmap_template() -> str:
    # Two layouts, chosen by the parameter `narrow` (the page's script sets it where the chart
    # is narrower than `HEAT_NARROW_BELOW`, with the height in `usermeta.narrow`):
    # - wide: institution names left of their row, up to 30 % of the width; pillar names wrap
    #   onto lines of words (the rule of `_wrap`) when the columns are wide enough and turn
    #   45 degrees when they are not; each page stamps the padding that lifts them clear.
    # - narrow (a phone): each institution's name on a line of its own above its row, across
    #   the whole width, and the pillar names on one line, as wide as their column.
    turned = f"!narrow && bandwidth('x') < {_HEAT_NARROW}"
    wrapped = r"split(replace(datum.label, regexp('(.{8,}?)\\s+', 'g'), '$1\n'), '\n')"
    x_axis = alt.Axis(
        orient="top",
        domain=False,
        ticks=False,
        labelLimit=alt.ExprRef(expr="narrow ? bandwidth('x') : 120"),
        labelFontSize=alt.ExprRef(expr="narrow ? 10 : 11"),
        labelLineHeight=_HEAT_LINE,
        labelExpr=f"narrow || {turned} ? datum.label : {wrapped}",
        labelAngle=alt.ExprRef(expr=f"{turned} ? -45 : 0"),
        labelAlign=alt.ExprRef(expr=f"{turned} ? 'left' : 'center'"),
        labelBaseline=alt.ExprRef(expr=f"{turned} || narrow ? 'bottom' : 'line-top'"),
        labelPadding=alt.ExprRef(expr="4"),
    )
    y_axis = alt.Axis(
        domain=False,
        ticks=False,
        labelAlign=alt.ExprRef(expr="narrow ? 'left' : 'right'"),
        labelFontSize=alt.ExprRef(expr="narrow ? 11 : 10"),
        labelBaseline=alt.ExprRef(expr="narrow ? 'bottom' : 'middle'"),
        labelPadding=alt.ExprRef(expr="narrow ? -1 : 2"),
        labelOffset=alt.ExprRef(expr="narrow ? -bandwidth('y') / 2 - 2 : 0"),
        labelLimit=alt.ExprRef(
            expr="narrow ? width - 2 : clamp(containerSize()[0] * 0.3, 60, 240)"
        ),
    )
    x = alt.X("pillar:N", sort=None, title=None, axis=x_axis, scale=alt.Scale(paddingInner=0.04))
    y_scale = alt.Scale(
        paddingInner=alt.ExprRef(expr="narrow ? 0.42 : 0.06"),
        paddingOuter=alt.ExprRef(expr="narrow ? 0.45 : 0.03"),
    )
    y = alt.Y("institution:N", sort=None, title=None, axis=y_axis, scale=y_scale)
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
    layered = alt.layer(scored, missing, letters, data=_ROWS).encode(x=x, y=y)
    return _template(layered.add_params(alt.param(name="narrow", value=False)))


def heatmap(rows: Iterable[tuple[str, str, float | None, str | None]]) -> Chart:
    """Institutions by pillars: cells coloured by score with the grade written in each.

    rows: (institution name, pillar name, score or None, grade or None); institutions and
    pillars appear in the order first given. A cell without a score is grey, with no letter:
    the caption and the data table say "insufficient data"; a pillar an institution does not
    report at all is "not reported" in the table.
    """
    values: list[dict[str, Any]] = []
    for institution, pillar, raw, grade in rows:
        score = _number(raw)
        label = (grade or _fmt(score)) if score is not None else ""
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
    turned = f"!narrow && bandwidth('x') < {_HEAT_NARROW}"
    spec["encoding"]["x"]["axis"]["labelPadding"] = {
        "expr": f"{turned} || narrow ? 4 : {lines * _HEAT_LINE + 4}"
    }
    spec["usermeta"] = {
        "narrow": {"below": HEAT_NARROW_BELOW, "height": 96 + _HEAT_ROW_NARROW * len(institutions)}
    }
    cell: dict[tuple[str, str], str] = {}
    for v in values:
        shown = v["score_label"] + (f" ({v['grade']})" if v["grade"] else "")
        cell[(v["institution"], v["pillar"])] = shown
    table = [[i, *(cell.get((i, p), NOT_REPORTED) for p in pillars)] for i in institutions]
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
    grey = [f"{v['institution']} on {v['pillar']}" for v in values if v["score"] is None]
    if grey:
        which = _join(grey) if len(grey) <= 3 else f"{len(grey)} of {len(values)} cells"
        text += f" Grey, with no letter: {INSUFFICIENT} ({which})."
    return text


# -- distribution -----------------------------------------------------------------------------

# A name beside a dot reads left of it on the right half of the axis and right of it on the
# left half, cut to the room there is (Vega's `width` is the plot's).
_RIGHT_HALF = "datum.score >= 50"
_NAME_ALIGN = alt.ExprRef(expr=f"{_RIGHT_HALF} ? 'right' : 'left'")
_NAME_DX = alt.ExprRef(expr=f"{_RIGHT_HALF} ? -9 : 9")
_NAME_LIMIT = alt.ExprRef(
    expr=f"max(40, ({_RIGHT_HALF} ? datum.score : 100 - datum.score) / 100 * width - 12)"
)


@functools.lru_cache(maxsize=1)
def _distribution_template() -> str:
    # Every dot is one institution; those named on the chart (`named`) each have a line of
    # their own (`y`), highest score on top, with the name beside the dot. No legend: the
    # institutions in focus are told by their name, written in bold, not by a key.
    y = alt.Y("y:Q", scale=alt.Scale(domain=[0, 1]), axis=None, title=None)
    tooltip = [
        alt.Tooltip("institution:N", title="Institution"),
        alt.Tooltip("score_label:N", title="Score"),
    ]
    others = (
        alt.Chart()
        .transform_filter("!datum.highlighted")
        .mark_point(filled=True, size=55, opacity=0.75, shape="circle", color=OTHERS_COLOUR)
        .encode(x=_score_x("score"), y=y, tooltip=tooltip)
    )
    chosen = alt.Chart().transform_filter("datum.highlighted")
    marked = chosen.mark_point(
        filled=True, size=160, opacity=1, shape="diamond", color=HIGHLIGHT_COLOUR
    ).encode(x=_score_x("score"), y=y, tooltip=tooltip)
    names = (
        alt.Chart()
        .transform_filter("datum.named")
        .mark_text(
            align=_NAME_ALIGN,
            dx=_NAME_DX,
            limit=_NAME_LIMIT,
            baseline="middle",
            fontSize=11,
            fontWeight=alt.ExprRef(expr="datum.highlighted ? 'bold' : 'normal'"),
        )
        .encode(x=_score_x("score"), y=y, text="institution:N")
    )
    median = alt.Chart().transform_aggregate(median="median(score)")
    rule = median.mark_rule(color=RULE_COLOUR, strokeDash=[4, 4]).encode(x=_score_x("median"))
    caption = (
        median.transform_calculate(text="'median ' + format(datum.median, '.1f')")
        .mark_text(align="left", baseline="top", dx=4, fontSize=10)
        .encode(x=_score_x("median"), y=alt.value(0), text="text:N")
    )
    return _template(alt.layer(others, rule, caption, marked, names, data=_ROWS))


def _named(scored: list[tuple[str, float]], chosen: set[str]) -> set[str]:
    """Whom the chart names: everyone up to `NAMED_UP_TO`; above, those in focus, or, with
    none in focus, the highest and the lowest (ties: the first by name)."""
    if len(scored) <= NAMED_UP_TO:
        return {name for name, _ in scored}
    focus = {name for name, _ in scored if name in chosen}
    if focus:
        return focus
    highest = min(scored, key=lambda item: (-item[1], item[0]))
    lowest = min(scored, key=lambda item: (item[1], item[0]))
    return {highest[0], lowest[0]}


def distribution(rows: Iterable[tuple[str, float | None]], highlight: Collection[str]) -> Chart:
    """Many institutions' scores on one measure as dots on 0..100, with some highlighted.

    rows: (institution name, score or None); highlight: names of the institutions in focus
    (a distinct colour and shape, their name in bold). Up to `NAMED_UP_TO` scored institutions,
    every dot is named on the chart; above, the highlighted ones, or, when none is, the highest
    and the lowest. Institutions without a score are left out of the plot; the table lists
    every institution. Above `DOTS_UP_TO` scored institutions, a `histogram`.
    """
    chosen = set(highlight)
    listed = [(name, _number(raw)) for name, raw in rows]
    scored = [(name, score) for name, score in listed if score is not None]
    named = _named(scored, chosen)
    if len(scored) > DOTS_UP_TO:
        group = spread(score for _, score in listed)
        marked = [(name, score) for name, score in listed if name in chosen]
        extremes = [] if marked else [(n, s) for n, s in scored if n in named]
        return histogram(group, marked, named=sorted(extremes, key=lambda item: -item[1]))
    values, plot = _dots(scored, chosen, named)
    ranked = sorted(listed, key=lambda item: (item[1] is None, -(item[1] or 0.0)))
    focus = any(name in chosen for name, _ in listed)
    columns = ["Institution", "Score"] + (["Highlighted"] if focus else [])
    table = [
        [name, _fmt(score)] + (["yes" if name in chosen else ""] if focus else [])
        for name, score in ranked
    ]
    alt_text = _distribution_alt(listed, chosen, named)
    if not values:
        return _empty("distribution", alt_text, columns, table)
    spec = _stamp(_distribution_template(), values, height=plot + _DOTS_AXIS)
    return Chart("distribution", spec, alt_text, columns, table)


def _dots(
    scored: list[tuple[str, float]], chosen: set[str], named: set[str]
) -> tuple[list[dict[str, Any]], int]:
    """The rows of a dot chart, each with its height `y` (0 bottom, 1 top), and the plot's
    height in pixels.

    Below the room the median's caption takes, each named institution has a line of its own,
    highest score on top; the others share a band below, spread in height by their name, so
    that an institution sits at the same height on every chart.
    """
    lines = sorted((item for item in scored if item[0] in named), key=lambda i: (-i[1], i[0]))
    below = _DOTS_OTHERS if len(lines) < len(scored) else _DOT_LINE // 2
    plot = _DOT_CAPTION + _DOT_LINE * len(lines) + below
    line_of = {
        name: 1 - (_DOT_CAPTION + _DOT_LINE * (i + 0.5)) / plot for i, (name, _) in enumerate(lines)
    }
    band = 1 - (_DOT_CAPTION + _DOT_LINE * len(lines)) / plot  # the top of the others' band
    values: list[dict[str, Any]] = []
    for name, score in scored:
        spread_y = band * (0.1 + 0.8 * zlib.crc32(name.encode()) / 0xFFFFFFFF)
        values.append(
            {
                "institution": name,
                "score": _round(score),
                "score_label": _fmt(score),
                "highlighted": name in chosen,
                "named": name in named,
                "y": round(line_of.get(name, spread_y), 4),
            }
        )
    return values, plot


def _distribution_alt(
    listed: list[tuple[str, float | None]], chosen: set[str], named: set[str]
) -> str:
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
    focus = [item for item in listed if item[0] in chosen]
    for name, score in focus[:5]:
        if score is None:
            text += f" {name} has no score."
        else:
            rank = 1 + sum(1 for other in scores if other > score)
            text += f" {name} scores {_fmt(score)}, rank {rank} of {len(scores)}."
    if len(named) == len(scores):
        text += " Each dot is named."
    elif not focus:
        text += " " + _extremes_text([(n, s) for n, s in listed if n in named and s is not None])
    if len(scores) < len(listed):
        text += _left_out(len(listed) - len(scores))
    return text


def _extremes_text(extremes: Sequence[tuple[str, float | None]]) -> str:
    """ "Highest: A (91.3); lowest: B (3.0)." for the named highest and lowest."""
    ranked = sorted(extremes, key=lambda item: -(item[1] or 0.0))
    if not ranked:
        return ""
    high, low = ranked[0], ranked[-1]
    return f"Highest: {high[0]} ({_fmt(high[1])}); lowest: {low[0]} ({_fmt(low[1])})."


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
    # Each row is a bin, the median, an institution in focus (`highlight`) or one named for
    # being the highest or the lowest (`named`). The count axis keeps some room above the bars
    # (each page stamps its top) for the median's caption and the names.
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
    tooltip = [
        alt.Tooltip("institution:N", title="Institution"),
        alt.Tooltip("score_label:N", title="Score"),
    ]
    chosen = alt.Chart().transform_filter("datum.kind == 'highlight'")
    marker = chosen.mark_rule(color=HIGHLIGHT_COLOUR, strokeWidth=2).encode(
        x=_score_x("score"), tooltip=tooltip
    )
    point = chosen.mark_point(
        filled=True, size=160, opacity=1, shape="diamond", color=HIGHLIGHT_COLOUR
    ).encode(x=_score_x("score"), y=y, tooltip=tooltip)
    extremes = alt.Chart().transform_filter("datum.kind == 'named'")
    extreme = extremes.mark_rule(color=RULE_COLOUR, strokeWidth=1).encode(
        x=_score_x("score"), tooltip=tooltip
    )
    names = (
        alt.Chart()
        .transform_filter("datum.kind == 'highlight' || datum.kind == 'named'")
        .mark_text(
            align=align,
            baseline="top",
            dx=alt.ExprRef(expr=f"{right} ? -6 : 6"),
            fontWeight=alt.ExprRef(expr="datum.kind == 'highlight' ? 'bold' : 'normal'"),
        )
        .encode(x=_score_x("score"), y=alt.Y("line:Q", scale=None), text="institution:N")
    )
    layers = (bars, rule, caption, extreme, marker, point, names)
    return _template(alt.layer(*layers, data=_ROWS))


def histogram(
    group: Spread,
    highlight: Sequence[tuple[str, float | None]] = (),
    *,
    named: Sequence[tuple[str, float]] = (),
) -> Chart:
    """A group's scores as counts in `BINS` bins on 0..100, the median a dashed rule.

    group: the group's `spread()`; highlight: (name, score or None) of the institutions in
    focus, marked with a rule, a point on their bin and their name in bold; named: (name,
    score) of others to name with a thin rule, such as the highest and the lowest of a group
    with none in focus. The spec and the table hold the bins and the institutions named, never
    the other members, so the chart's size does not depend on the group's.
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
    here: dict[int | None, list[str]] = {}  # bin (None: no score) -> the names in it
    for name, score in [*marked, *named]:
        here.setdefault(None if score is None else _bin(score), []).append(name)
    shown = [("highlight", name, score) for name, score in marked if score is not None]
    shown += [("named", name, score) for name, score in named]
    for line, (kind, name, score) in enumerate(shown):
        values.append(
            {
                "kind": kind,
                "institution": name,
                "score": _round(score),
                "score_label": _fmt(score),
                "count": group.counts[_bin(score)],
                "line": _NAME_TOP + _NAME_LINE * line,
            }
        )

    def row(label: str, count: int, index: int | None) -> list[str]:
        return [label, str(count)] + ([", ".join(here.get(index, []))] if here else [])

    columns = ["Scores", "Institutions"] + (["Named on the chart"] if here else [])
    table = [row(_bin_range(index), count, index) for index, count in enumerate(group.counts)]
    if group.missing:
        table.append(row("No score", group.missing, None))
    alt_text = _histogram_alt(group, marked, named)
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


def _histogram_alt(
    group: Spread,
    marked: list[tuple[str, float | None]],
    named: Sequence[tuple[str, float]],
) -> str:
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
    if named:
        text += " " + _extremes_text(named)
    if group.missing:
        text += _left_out(group.missing)
    return text
