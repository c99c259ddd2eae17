"""What every chart shares: the `Chart` type, the rows the builders take, the grade bands and
the palettes, and the helpers that build a spec once per kind (`_template`) and stamp each
chart's rows into a copy of it (`_stamp`)."""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import altair as alt

from scorecard.wording import INSUFFICIENT


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
_SCORE_TITLE = "Score (0 to 100)"

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
    """A score to one decimal; a score the data cannot carry in the site's words for it."""
    return INSUFFICIENT if score is None else f"{score:.1f}"


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
