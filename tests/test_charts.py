"""Chart builders, asserted on their Vega-Lite specs; the HTML block a page embeds."""

from __future__ import annotations

import base64
import html
import json
import math
import random
import re
import statistics
import time
from typing import Any

import altair as alt
import markdown  # type: ignore[import-untyped]
import pytest
import vl_convert
from bs4 import BeautifulSoup

from scorecard import charts
from scorecard.charts import Chart, groups, institution

PILLARS = [
    ("admin", "Streamline administrative tasks", 55.1, "C", 0.86),
    ("mission", "Recenter the mission", None, None, 0.33),
    ("autonomy", "Restore autonomy", 41.0, "D", 1.0),
    ("safety", "Cultivate psychological safety", 78.04, "B", 1.0),
]
TREND = [
    ("2025-Q4", "Overall", 58.0),
    ("2025-Q4", "Autonomy", 40.0),
    ("2026-Q1", "Overall", 60.0),
    ("2026-Q1", "Autonomy", None),
    ("2025-Q2", "Overall", 63.5),  # out of time order on purpose: the order given is kept
    ("2025-Q2", "Autonomy", 44.0),
    ("2026-Q3", "Overall", 66.2),
    ("2026-Q3", "Autonomy", 41.0),
]
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ jinja }}",
    "{: .attr}",
    "*bold* _under_ `code` [link](x) | a\\b",
    "two\n\nparagraphs & 'quotes'",
]


def heat_rows(institutions: list[str]) -> list[tuple[str, str, float | None, str | None]]:
    rows: list[tuple[str, str, float | None, str | None]] = []
    for i, name in enumerate(institutions):
        for j, pillar in enumerate(["Admin", "Mission", "Safety"]):
            score = None if (i + j) % 4 == 0 else 20.0 + 7 * i + 11 * j
            rows.append((name, pillar, score, None if score is None else "C"))
    return rows


def marks(spec: dict[str, Any]) -> list[str]:
    return [layer["mark"]["type"] for layer in spec["layer"]]


def layer(spec: dict[str, Any], mark: str, index: int = 0) -> dict[str, Any]:
    found: list[dict[str, Any]] = [lay for lay in spec["layer"] if lay["mark"]["type"] == mark]
    return found[index]


def peer_rows(count: int, seed: int = 7) -> list[tuple[str, float | None]]:
    """`count` institutions with scores spread around 60, the same for the same seed."""
    draw = random.Random(seed)
    return [(f"Institution {i}", min(max(draw.gauss(60, 14), 0.0), 100.0)) for i in range(count)]


def all_charts() -> list[Chart]:
    distribution_rows = [(f"Institution {i}", 30.0 + i) for i in range(20)]
    return [
        charts.pillar_scores(PILLARS),
        charts.trend(TREND),
        charts.heatmap(heat_rows(["North", "South"])),
        charts.distribution([*distribution_rows, ("North", 71.2)], ["North"]),
        charts.distribution([*peer_rows(60), ("North", 71.2)], ["North"]),
    ]


# -- every chart ------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c.kind)
def test_every_spec_is_complete_valid_vega_lite(chart: Chart) -> None:
    spec = chart.to_dict()
    assert spec["$schema"] == f"https://vega.github.io/schema/vega-lite/{alt.SCHEMA_VERSION}.json"
    assert spec["width"] == "container"
    # The trend's legend takes more rows on a phone: its height grows instead of its plot's.
    fit = "fit-x" if chart.kind == "trend" else "fit"
    assert spec["autosize"] == {"type": fit, "contains": "padding"}
    assert isinstance(spec["height"], int)
    assert isinstance(spec["data"]["values"], list)
    alt.Chart.from_dict(spec)  # validates against the schema
    assert vl_convert.vegalite_to_vega(spec)["marks"]  # and compiles
    # The theme comes from the page: no colours or fonts in the spec's config.
    assert set(spec["config"]) == {"view"}


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c.kind)
def test_every_chart_has_text_and_a_table(chart: Chart) -> None:
    assert chart.alt.endswith(".")
    assert chart.columns and chart.rows
    assert all(len(row) == len(chart.columns) for row in chart.rows)
    assert all(isinstance(cell, str) for row in chart.rows for cell in row)


def test_to_dict_is_a_copy() -> None:
    chart = charts.trend(TREND)
    chart.to_dict()["data"]["values"].clear()
    assert len(chart.spec["data"]["values"]) == len(TREND)


def test_charts_do_not_share_state() -> None:
    first = charts.pillar_scores(PILLARS)
    first.spec["layer"][0]["mark"]["type"] = "arc"
    first.spec["data"]["values"].clear()
    second = charts.pillar_scores(PILLARS[:1])
    assert second.spec["layer"][0]["mark"]["type"] == "rect"
    assert [v["pillar"] for v in second.spec["data"]["values"]] == ["admin"]


def test_templates_are_built_once_and_stamping_is_cheap() -> None:
    all_charts()
    rows = heat_rows(["North", "South", "East"])
    group = charts.spread(score for _, score in peer_rows(1000))
    start = time.perf_counter()
    for _ in range(1000):
        charts.pillar_scores(PILLARS)
        charts.trend(TREND)
        charts.heatmap(rows)
        charts.distribution([("North", 50.0), ("South", 60.0)], ["North"])
        charts.histogram(group, [("North", 50.0)])
    assert time.perf_counter() - start < 1.0 * 5
    assert institution._trend_template.cache_info().misses == 1
    assert groups._heatmap_template.cache_info().misses == 1
    assert groups._distribution_template.cache_info().misses == 1
    assert groups._histogram_template.cache_info().misses == 1


def test_one_thousand_pillar_charts_take_under_a_second() -> None:
    charts.pillar_scores(PILLARS)
    start = time.perf_counter()
    for _ in range(1000):
        charts.pillar_scores(PILLARS)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("bad", [math.nan, math.inf], ids=["nan", "inf"])
def test_a_score_that_is_not_a_number_is_missing(bad: float) -> None:
    chart = charts.pillar_scores([("admin", "Admin", bad, "C", 1.0)])
    assert chart.spec["data"]["values"][0]["score"] is None
    json.dumps(chart.spec, allow_nan=False)


@pytest.mark.parametrize(
    ("chart", "message"),
    [
        (charts.pillar_scores([]), "No pillar scores to show."),
        (charts.trend([]), "No scores to show over time."),
        (charts.heatmap([]), "No institutions to show."),
        (charts.distribution([], []), "No institutions to show."),
        (charts.distribution([("A", None)], ["A"]), "No score for any of 1 institution."),
    ],
    ids=["pillar_scores", "trend", "heatmap", "distribution", "distribution-unscored"],
)
def test_nothing_to_plot_shows_a_message(chart: Chart, message: str) -> None:
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "text"
    assert spec["data"]["values"] == [{"message": message}]
    assert chart.alt == message
    alt.Chart.from_dict(spec)


# -- pillar scores ----------------------------------------------------------------------------


def test_pillar_scores_layers_and_encodings() -> None:
    spec = charts.pillar_scores(PILLARS).to_dict()
    assert marks(spec) == ["rect", "rule", "text", "text", "bar", "text", "text"]
    bar = layer(spec, "bar")
    assert bar["transform"] == [{"filter": "datum.score != null"}]
    assert bar["encoding"]["x"]["field"] == "score"
    assert bar["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert bar["encoding"]["x"]["axis"]["values"] == [0.0, 35.0, 50.0, 65.0, 80.0, 100.0]
    assert bar["encoding"]["y"] | {"axis": None} == {
        "field": "pillar",
        "type": "nominal",
        "sort": None,
        "axis": None,
        "scale": {"paddingInner": 0, "paddingOuter": 0},
    }
    colour = bar["encoding"]["color"]
    assert colour["field"] == "grade"
    assert colour["scale"] == {
        "domain": ["A", "B", "C", "D", "F"],
        "range": list(charts.GRADE_PALETTE),
    }


def test_pillar_scores_data_and_missing_pillar_is_never_zero() -> None:
    chart = charts.pillar_scores(PILLARS)
    values = chart.spec["data"]["values"]
    assert [(v["pillar"], v["score"], v["grade"]) for v in values] == [
        ("admin", 55.1, "C"),
        ("mission", None, None),
        ("autonomy", 41.0, "D"),
        ("safety", 78.04, "B"),
    ]
    assert values[0]["label"] == ["55.1 (C)", "86% reported"]
    assert values[1]["label"] == "insufficient data (33% reported)"
    missing = layer(chart.spec, "text", 3)
    assert missing["transform"] == [{"filter": "datum.score == null"}]
    assert chart.rows[1] == ["Recenter the mission", "insufficient data", "", "33%"]
    assert chart.rows[3] == ["Cultivate psychological safety", "78.0", "B", "100%"]
    assert chart.columns == ["Pillar", "Score", "Grade", "Coverage"]


def test_pillar_scores_alt_text() -> None:
    chart = charts.pillar_scores(PILLARS)
    assert chart.alt == (
        "Bar chart of 4 core pillars, scored out of 100. Of the core pillars, Cultivate "
        "psychological safety is the highest at 78.0 (grade B) and Restore autonomy the lowest at "
        "41.0 (grade D). Insufficient data for Recenter the mission."
    )
    # Outcomes, lower than every core pillar, are named apart: never "the lowest pillar".
    beside = charts.pillar_scores(
        [*PILLARS, ("outcomes", "Outcomes", 30.0, "F", 1.0)], beside={"outcomes"}
    )
    assert beside.alt == (
        "Bar chart of 4 core pillars and 1 section reported beside them, scored out of 100. Of "
        "the core pillars, Cultivate psychological safety is the highest at 78.0 (grade B) and "
        "Restore autonomy the lowest at 41.0 (grade D). Beside them: Outcomes at 30.0 (grade F). "
        "Insufficient data for Recenter the mission."
    )
    # A tie names no pillar highest or lowest.
    alike = charts.pillar_scores([(p[0], p[1], 50.0, "C", 1.0) for p in PILLARS[:3]])
    assert alike.alt.endswith("The 3 scored core pillars are all at 50.0 (grade C).")
    only_missing = charts.pillar_scores([("mission", "Mission", None, None, 0.2)])
    assert only_missing.alt == "No pillar has enough data for a score: Mission."


def test_pillar_scores_with_custom_bands() -> None:
    bands = [("Gold", 90.0), ("Silver", 60.0), ("Bronze", 0.0)]
    spec = charts.pillar_scores([("admin", "Admin", 95.0, "Gold", 1.0)], bands).spec
    bar = layer(spec, "bar")
    assert bar["encoding"]["color"]["scale"]["domain"] == ["Gold", "Silver", "Bronze"]
    assert bar["encoding"]["x"]["axis"]["values"] == [0.0, 60.0, 90.0, 100.0]
    band_rows = spec["datasets"][layer(spec, "rect")["data"]["name"]]
    assert [(b["grade"], b["lo"], b["hi"]) for b in band_rows] == [
        ("Gold", 90.0, 100.0),
        ("Silver", 60.0, 90.0),
        ("Bronze", 0.0, 60.0),
    ]


def test_pillar_chart_grows_with_pillars() -> None:
    few = charts.pillar_scores(PILLARS[:2]).spec["height"]
    many = charts.pillar_scores(PILLARS * 2).spec["height"]
    assert many > few


# -- trend ------------------------------------------------------------------------------------


def test_trend_layers_keep_periods_in_given_order() -> None:
    spec = charts.trend(TREND).to_dict()
    assert marks(spec) == ["line", "point"]
    periods = ["2025-Q4", "2026-Q1", "2025-Q2", "2026-Q3"]
    assert spec["encoding"]["x"] | {"axis": None} == {
        "field": "period",
        "type": "ordinal",
        "sort": periods,
        "scale": {"domain": periods},
        "title": None,
        "axis": None,
    }
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 100]
    line, points = spec["layer"]
    assert line["encoding"]["stroke"]["scale"]["domain"] == ["Overall", "Autonomy"]
    assert points["encoding"]["color"]["scale"]["domain"] == ["Overall", "Autonomy"]
    assert points["encoding"]["shape"]["field"] == "series"
    assert points["transform"] == [{"filter": "datum.score != null"}]
    values = spec["data"]["values"]
    assert [(v["period"], v["series"], v["score"]) for v in values] == TREND


def test_trend_table_and_alt_text() -> None:
    chart = charts.trend(TREND)
    assert chart.columns == ["Period", "Overall", "Autonomy"]
    assert chart.rows[1] == ["2026-Q1", "60.0", "insufficient data"]
    assert chart.alt == (
        "Overall score rose from 58.0 to 66.2 over 4 quarters. In 2026-Q3, Autonomy is at 41.0."
    )
    falling = charts.trend([("2024", "Overall", 70.0), ("2025", "Overall", 61.25)])
    assert falling.alt == "Overall score fell from 70.0 to 61.2 over 2 years."


# -- heat map ---------------------------------------------------------------------------------


def test_heatmap_layers_colour_and_grade_letters() -> None:
    spec = charts.heatmap(heat_rows(["North", "South"])).to_dict()
    assert marks(spec) == ["rect", "rect", "text"]
    scored, missing, letters = spec["layer"]
    assert scored["encoding"]["color"]["field"] == "score"
    assert scored["encoding"]["color"]["scale"] == {"scheme": "blues", "domain": [0, 100]}
    assert missing["transform"] == [{"filter": "datum.score == null"}]
    assert missing["mark"]["color"] == charts.MISSING_FILL
    assert letters["encoding"]["text"]["field"] == "label"
    assert spec["encoding"]["x"]["field"] == "pillar"
    assert spec["encoding"]["y"]["field"] == "institution"
    labels = [(v["institution"], v["pillar"], v["label"]) for v in spec["data"]["values"]]
    assert labels[:3] == [
        ("North", "Admin", ""),  # grey, no letter: the caption says why
        ("North", "Mission", "C"),
        ("North", "Safety", "C"),
    ]


def test_heatmap_height_grows_with_institutions() -> None:
    small = charts.heatmap(heat_rows(["A", "B"])).spec["height"]
    large = charts.heatmap(heat_rows([f"I{i}" for i in range(40)])).spec["height"]
    assert large - small == 38 * 28


def test_heatmap_has_a_narrow_layout_with_names_above_their_rows() -> None:
    spec = charts.heatmap(heat_rows([f"I{i}" for i in range(9)])).to_dict()
    # Off by default (paper, and a wide page); the page's script turns it on below `below`.
    assert spec["params"] == [{"name": "narrow", "value": False}]
    narrow = spec["usermeta"]["narrow"]
    assert narrow["below"] == groups.HEAT_NARROW_BELOW
    assert narrow["height"] == 96 + 44 * 9 > spec["height"]
    y = spec["encoding"]["y"]
    assert y["axis"]["labelAlign"] == {"expr": "narrow ? 'left' : 'right'"}
    assert y["axis"]["labelLimit"]["expr"].startswith("narrow ? width")
    assert y["scale"]["paddingInner"] == {"expr": "narrow ? 0.42 : 0.06"}
    assert spec["encoding"]["x"]["axis"]["labelAngle"]["expr"].startswith("!narrow && ")
    for value in (False, True):
        spec["params"][0]["value"] = value
        assert vl_convert.vegalite_to_svg(spec).count(">I8</text>") == 1


def test_heatmap_table_and_alt_text() -> None:
    chart = charts.heatmap(heat_rows(["North", "South"]))
    assert chart.columns == ["Institution", "Admin", "Mission", "Safety"]
    assert chart.rows == [
        ["North", "insufficient data", "31.0 (C)", "42.0 (C)"],
        ["South", "27.0 (C)", "38.0 (C)", "49.0 (C)"],
    ]
    assert chart.alt.startswith("Heat map of 2 institutions on 3 pillars;")
    assert "Highest: South on Safety at 49.0; lowest: South on Admin at 27.0." in chart.alt
    assert chart.alt.endswith(" Grey, with no letter: insufficient data (North on Admin).")
    # A pillar an institution does not report at all: no cell, and the table says so.
    partial = charts.heatmap([*heat_rows(["North"]), ("East", "Safety", 50.0, "C")])
    assert partial.rows[1] == ["East", "not reported", "not reported", "50.0 (C)"]


# -- distribution -----------------------------------------------------------------------------


def test_distribution_marks_highlight_by_colour_shape_and_a_bold_name() -> None:
    rows = [("A", 40.0), ("B", 55.5), ("C", None), ("D", 70.0)]
    chart = charts.distribution(rows, ["B"])
    spec = chart.to_dict()
    assert marks(spec) == ["point", "rule", "text", "point", "text"]
    others, chosen = layer(spec, "point", 0), layer(spec, "point", 1)
    assert others["transform"] == [{"filter": "!datum.highlighted"}]
    assert chosen["transform"] == [{"filter": "datum.highlighted"}]
    assert (others["mark"]["shape"], chosen["mark"]["shape"]) == ("circle", "diamond")
    assert (others["mark"]["color"], chosen["mark"]["color"]) == (
        charts.OTHERS_COLOUR,
        charts.HIGHLIGHT_COLOUR,
    )
    # No legend: nothing on the chart stands for a key; the names say which dot is which.
    assert "legend" not in json.dumps(spec)
    names = layer(spec, "text", 1)
    assert names["transform"] == [{"filter": "datum.named"}]
    assert names["encoding"]["text"]["field"] == "institution"
    assert names["mark"]["fontWeight"] == {"expr": "datum.highlighted ? 'bold' : 'normal'"}
    values = spec["data"]["values"]
    assert [(v["institution"], v["score"], v["highlighted"], v["named"]) for v in values] == [
        ("A", 40.0, False, True),
        ("B", 55.5, True, True),
        ("D", 70.0, False, True),
    ]
    assert chart.columns == ["Institution", "Score", "Highlighted"]
    assert chart.rows == [
        ["D", "70.0", ""],
        ["B", "55.5", "yes"],
        ["A", "40.0", ""],
        ["C", "insufficient data", ""],
    ]
    assert chart.alt == (
        "Scores of 3 institutions range from 40.0 to 70.0 (median 55.5). "
        "B scores 55.5, rank 2 of 3. Each dot is named. 1 without a score is not shown."
    )


def test_distribution_names_every_dot_on_its_own_line_up_to_twelve() -> None:
    rows = [(f"Institution {i}", 10.0 + 7 * i) for i in range(charts.NAMED_UP_TO)]
    chart = charts.distribution([*rows, ("Unscored", None)], [])
    values = chart.to_dict()["data"]["values"]
    assert all(v["named"] and not v["highlighted"] for v in values)
    # One line each, the highest score on top, all below the median's caption.
    by_height = [v["institution"] for v in sorted(values, key=lambda v: -v["y"])]
    assert by_height == [name for name, _ in reversed(rows)]
    heights = sorted(v["y"] for v in values)
    assert min(b - a for a, b in zip(heights, heights[1:], strict=False)) > 0.05
    assert max(heights) < 1 - 18 / (chart.spec["height"] - 60)
    # Nothing in focus: no column for it, and the table lists every institution.
    assert chart.columns == ["Institution", "Score"]
    assert [row[0] for row in chart.rows] == [*(n for n, _ in reversed(rows)), "Unscored"]
    assert chart.alt.endswith("Each dot is named. 1 without a score is not shown.")


def test_a_name_beside_its_dot_stays_inside_the_plot() -> None:
    spec = charts.distribution([("Left", 20.0), ("Right", 80.0)], []).to_dict()
    mark = layer(spec, "text", 1)["mark"]
    assert mark["align"] == {"expr": "datum.score >= 50 ? 'right' : 'left'"}
    assert "width" in mark["limit"]["expr"]
    vega = json.dumps(vl_convert.vegalite_to_vega(spec))
    assert "datum.score >= 50 ? datum.score : 100 - datum.score" in vega


def test_many_dots_without_focus_name_the_highest_and_the_lowest() -> None:
    rows = [(f"I{i:02}", 30.0 + i) for i in range(30)] + [("Top", 95.0), ("Bottom", 5.0)]
    chart = charts.distribution(rows, [])
    values = chart.to_dict()["data"]["values"]
    named = sorted((v["y"], v["institution"]) for v in values if v["named"])
    assert [name for _, name in named] == ["Bottom", "Top"]
    # The named lines sit above the band where the other dots are spread.
    assert max(v["y"] for v in values if not v["named"]) < min(y for y, _ in named)
    assert chart.columns == ["Institution", "Score"] and len(chart.rows) == 32
    assert chart.alt == (
        "Scores of 32 institutions range from 5.0 to 95.0 (median 44.5). "
        "Highest: Top (95.0); lowest: Bottom (5.0)."
    )


def test_many_dots_with_focus_name_only_the_focus() -> None:
    rows = [(f"I{i:02}", 30.0 + i) for i in range(30)]
    values = charts.distribution(rows, ["I07"]).to_dict()["data"]["values"]
    assert [v["institution"] for v in values if v["named"]] == ["I07"]
    assert [v["institution"] for v in values if v["highlighted"]] == ["I07"]


def test_distribution_spread_is_stable() -> None:
    rows = [(f"I{i:02}", 30.0 + i) for i in range(30)]
    first = charts.distribution([*rows, ("A", 40.0)], []).spec["data"]["values"]
    again = charts.distribution([("A", 41.0), *reversed(rows)], []).spec["data"]["values"]
    assert first[-1]["y"] == again[0]["y"]
    assert all(0.0 < v["y"] < 1.0 for v in first)


@pytest.mark.parametrize(
    ("scored", "kind"),
    [(2, "distribution"), (40, "distribution"), (41, "histogram"), (500, "histogram")],
    ids=["2", "40", "41", "500"],
)
def test_dots_up_to_forty_scored_then_a_histogram(scored: int, kind: str) -> None:
    unscored: list[tuple[str, float | None]] = [(f"Unscored {i}", None) for i in range(5)]
    chart = charts.distribution([*peer_rows(scored), *unscored], ["Institution 1"])
    assert chart.kind == kind
    assert charts.DOTS_UP_TO == 40


def test_histogram_of_500_peers_holds_bins_not_peers() -> None:
    rows = [*peer_rows(500), ("Hôpital Zoë — 北", 71.3), ("Unscored", None)]
    chart = charts.distribution(rows, ["Hôpital Zoë — 北"])
    spec = chart.to_dict()
    assert chart.kind == "histogram"
    values = spec["data"]["values"]
    assert [v["kind"] for v in values] == ["bin"] * 20 + ["median", "highlight"]
    assert sum(v["count"] for v in values if v["kind"] == "bin") == 501
    named = {v["institution"] for v in values if "institution" in v}
    assert named == {"Hôpital Zoë — 北"}
    text = json.dumps(spec, ensure_ascii=False)
    assert "Institution 1" not in text and "Unscored" not in text
    assert len(text) < 6_000
    assert len(charts.chart_html(chart, chart_id="chart-peers")) < 12_000
    assert chart.columns == ["Scores", "Institutions", "Named on the chart"]
    assert len(chart.rows) == 21  # the bins, and those without a score
    assert chart.rows[14] == ["70 to under 75", chart.rows[14][1], "Hôpital Zoë — 北"]
    assert chart.rows[-1] == ["No score", "1", ""]
    assert [row[2] for row in chart.rows].count("") == 20
    alt.Chart.from_dict(spec)
    assert vl_convert.vegalite_to_vega(spec)["marks"]


def test_histogram_size_does_not_grow_with_the_group() -> None:
    sizes = [
        len(json.dumps(charts.distribution(peer_rows(n), ["Institution 3"]).spec))
        for n in (41, 500, 5000)
    ]
    assert max(sizes) - min(sizes) < 200, sizes


def test_histogram_marks_median_and_institution_and_tells_its_rank() -> None:
    rows: list[tuple[str, float | None]] = [(f"I{i}", float(2 * i)) for i in range(45)]
    chart = charts.distribution([*rows, ("North", None)], ["I20", "North"])
    spec = chart.to_dict()
    assert marks(spec) == ["bar", "rule", "text", "rule", "rule", "point", "text"]
    bars = layer(spec, "bar")
    assert bars["transform"] == [{"filter": "datum.kind == 'bin'"}]
    assert (bars["encoding"]["x"]["field"], bars["encoding"]["x2"]["field"]) == ("lo", "hi")
    median, marker = layer(spec, "rule", 0), layer(spec, "rule", 2)
    assert median["mark"]["strokeDash"] == [4, 4]
    assert marker["mark"]["color"] == charts.HIGHLIGHT_COLOUR
    assert layer(spec, "point")["mark"]["shape"] == "diamond"
    values = spec["data"]["values"]
    assert [v for v in values if v["kind"] == "median"] == [
        {"kind": "median", "score": 44.0, "label": "median 44.0"}
    ]
    (mark,) = [v for v in values if v["kind"] == "highlight"]
    assert (mark["institution"], mark["score"], mark["count"]) == ("I20", 40.0, 3)
    # The count axis leaves room above the tallest bar for the caption and the name.
    assert layer(spec, "bar")["encoding"]["y"]["scale"]["domain"][1] > 3
    assert chart.rows[8] == ["40 to under 45", "3", "I20"]
    assert chart.rows[-1] == ["No score", "1", "North"]
    assert chart.alt == (
        "Histogram of the scores of 45 institutions in bins of 5 points: they range from 0.0 "
        "to 88.0 (median 44.0); the fullest bin, 0 to under 5, holds 3. I20 scores 40.0, "
        "rank 25 of 45. North has no score. 1 without a score is not shown."
    )


def test_histogram_without_focus_names_the_highest_and_the_lowest() -> None:
    rows: list[tuple[str, float | None]] = [(f"I{i}", 20.0 + i) for i in range(50)]
    chart = charts.distribution([*rows, ("Top", 97.5), ("Bottom", 2.5)], [])
    values = chart.to_dict()["data"]["values"]
    named = [(v["kind"], v["institution"], v["score"]) for v in values if "institution" in v]
    assert named == [("named", "Top", 97.5), ("named", "Bottom", 2.5)]
    lines = [v["line"] for v in values if "institution" in v]
    assert len(set(lines)) == 2  # a line each: the names never sit on one another
    # Their rule is the thin grey one, their name in the text colour and not bold.
    extreme = layer(chart.spec, "rule", 1)
    assert extreme["transform"] == [{"filter": "datum.kind == 'named'"}]
    assert extreme["mark"]["color"] == charts.RULE_COLOUR
    names = layer(chart.spec, "text", 1)["mark"]
    assert names["fontWeight"] == {"expr": "datum.kind == 'highlight' ? 'bold' : 'normal'"}
    assert chart.columns == ["Scores", "Institutions", "Named on the chart"]
    assert (chart.rows[0], chart.rows[19][2]) == (["0 to under 5", "1", "Bottom"], "Top")
    assert chart.alt.endswith(" Highest: Top (97.5); lowest: Bottom (2.5).")


def test_histogram_with_nobody_named_has_no_empty_column() -> None:
    chart = charts.histogram(charts.spread([10.0, 20.0, None]))
    assert chart.columns == ["Scores", "Institutions"]
    assert chart.rows[-1] == ["No score", "1"]


@pytest.mark.parametrize(
    ("score", "index"),
    [(0.0, 0), (4.99, 0), (5.0, 1), (62.5, 12), (95.0, 19), (100.0, 19)],
    ids=["0", "4.99", "5", "62.5", "95", "100"],
)
def test_histogram_bins_hold_their_lower_edge(score: float, index: int) -> None:
    group = charts.spread([score])
    assert group.counts[index] == 1 and sum(group.counts) == 1


def test_spread_gives_the_median_and_ranks_of_a_full_pass() -> None:
    draw = random.Random(3)
    for size in (1, 2, 7, 100, 1001):
        scores = [round(draw.uniform(0, 100), 1) for _ in range(size)]
        group = charts.spread([*scores, None, math.nan])
        assert group.missing == 2
        assert group.median == statistics.median(scores)
        for score in scores[:20]:
            assert group.rank(score) == 1 + sum(1 for other in scores if other > score)


# -- HTML block -------------------------------------------------------------------------------


def hostile_chart() -> Chart:
    rows = [(name, "Admin", 50.0 + i, "C") for i, name in enumerate(HOSTILE)]
    return charts.heatmap(rows)


def test_chart_html_round_trips_spec_alt_and_table() -> None:
    chart = hostile_chart()
    block = charts.chart_html(chart, chart_id="home-heatmap")
    soup = BeautifulSoup(block, "html.parser")
    figure = soup.find("figure")
    assert figure is not None and figure["class"] == ["scorecard-chart-figure"]
    div = soup.select_one("div.scorecard-chart")
    assert div is not None
    assert div["id"] == "home-heatmap"
    assert div["role"] == "img"
    text = base64.b64decode(str(div["data-spec"]), validate=True).decode("utf-8")
    assert json.loads(text) == chart.spec
    assert text == json.dumps(chart.spec, ensure_ascii=False, separators=(",", ":"))
    assert charts.decode_spec(str(div["data-spec"])) == chart.spec
    assert div["aria-label"] == chart.alt
    assert div.get_text() == ""
    caption = soup.find("figcaption")
    assert caption is not None and caption.get_text() == chart.alt
    summary = soup.select_one("details > summary")
    assert summary is not None and summary.get_text() == "Data for this chart"
    assert [th.get_text() for th in soup.select("thead th")] == chart.columns
    body = [
        [cell.get_text() for cell in tr.find_all(["th", "td"])] for tr in soup.select("tbody tr")
    ]
    assert body == chart.rows
    assert [row[0] for row in body] == HOSTILE  # shown literally, as text


def test_chart_html_spec_is_base64_and_keeps_any_name() -> None:
    name = 'Hôpital Zoë — 北 <b>&amp;</b> "quoted"'
    chart = charts.distribution([(name, 61.5), ("Other", 40.0)], [name])
    block = charts.chart_html(chart, chart_id="chart-peers")
    value = re.search(r'data-spec="([^"]*)"', block)
    assert value is not None
    assert re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", value.group(1))  # no character references
    assert charts.decode_spec(value.group(1)) == chart.spec
    assert charts.decode_spec(value.group(1))["data"]["values"][0]["institution"] == name
    # What a scan for text reads: the spec as escaped JSON, with the name in it.
    plain = charts.with_plain_specs(block)
    assert html.escape(name, quote=True) in plain
    assert charts.spec_text("not base64 {}") == "not base64 {}"
    assert charts.decode_spec('{"a":1}') == {"a": 1}  # JSON as earlier builds wrote it


def test_chart_data_table_is_left_out_of_search() -> None:
    soup = BeautifulSoup(charts.chart_html(hostile_chart(), chart_id="c"), "html.parser")
    details = soup.select_one("details.scorecard-chart-data")
    assert details is not None and details.has_attr("data-search-exclude")
    assert soup.select_one("figcaption:not([data-search-exclude])") is not None


def test_chart_html_never_becomes_markup() -> None:
    block = charts.chart_html(hostile_chart(), chart_id='x"><script>y</script>')
    soup = BeautifulSoup(block, "html.parser")
    assert soup.find_all(["script", "img"]) == []
    assert [tag.name for tag in soup.find_all(True)][:2] == ["figure", "div"]
    assert soup.select_one("div.scorecard-chart")["id"] == 'x"><script>y</script>'  # type: ignore[index]
    for character in "*_`[]{}|\\":
        assert character not in block, character
    assert "<script" not in block and "<img" not in block


def test_chart_html_is_one_markdown_html_block() -> None:
    block = charts.chart_html(hostile_chart(), chart_id="c1")
    lines = block.split("\n")
    assert lines[0].startswith("<figure ") and lines[-1] == "</figure>"
    assert all(line.strip() for line in lines), "a blank line would end the HTML block"
    assert all(not line[:1].isspace() for line in lines)
    source = f"# Page\n\nSome *text*.\n\n{block}\n\nMore text.\n"
    for extensions in ([], ["attr_list", "md_in_html", "tables", "admonition", "toc"]):
        html = markdown.markdown(source, extensions=extensions)
        assert block in html, extensions  # passed through untouched


def test_chart_html_reserves_the_chart_height() -> None:
    chart = charts.pillar_scores(PILLARS)
    block = charts.chart_html(chart, chart_id="p")
    div = BeautifulSoup(block, "html.parser").select_one("div.scorecard-chart")
    assert div is not None and div["style"] == f"min-height:{chart.spec['height']}px"
