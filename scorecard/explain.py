"""Why a grade changed, and what would lift it.

**What the data changed and what the framework changed.** A build scores every period with the
framework in use, so the previous period's score on today's pages may differ from the one
published back then, when the framework (a target, a weight, a band) was another. The change
of a score since the previous period splits in two:

- *from the data*: (this period, current framework) - (previous period, current framework);
- *from the framework*: (previous period, current framework) - (previous period as published).

"As published" comes from the previous build's own ``data/scores.json`` (nothing new is kept in
the content): each result there records, under ``published``, the framework and scores it was
first published with whenever that framework was another than the build's own. A build reads
the previous build's file of the same audience, carries those records forward, and adds one for
each result the previous build published under a framework other than its own. Without a
previous build (a first build, a new ``--out``), or when the framework did not change, all of
a change comes from the data.

**Distance to the next grade.** For a pillar below the top grade: the smallest change of one
reported metric that lifts the pillar's score to the next band, checked by scoring the pillar
again with the changed value. "Smallest" is the change as a share of the metric's range (from
its floor to its target; for a level, of its levels; a policy's change is a whole range).
"""

from __future__ import annotations

import json
import math
import mmap
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard import charts
from scorecard.context import fmt, signed, value_text
from scorecard.model import Framework, MetricDef
from scorecard.score import MetricResult, Result, metric_score, pillar_score

SCORES_FORMAT = "scorecard-scores/1"


# --- scores as first published -------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """One institution's scores for one period as an earlier build first published them."""

    framework_version: str
    framework_sha256: str
    overall: float | None
    overall_grade: str | None
    pillars: dict[str, tuple[float | None, str | None]]


#: (institution as the audience names it, period) -> as first published, under another
#: framework than the current one.
Publications = dict[tuple[str, str], Published]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _score_pair(value: Any) -> tuple[float | None, str | None]:
    if not isinstance(value, dict):
        return None, None
    return _number(value.get("score")), _text(value.get("grade"))


def _published(framework: Any, overall: Any, pillars: Any) -> Published | None:
    if not isinstance(framework, dict):
        return None
    version, sha = _text(framework.get("version")), _text(framework.get("sha256"))
    if version is None or sha is None:
        return None
    score, grade = _score_pair(overall)
    shown = pillars if isinstance(pillars, dict) else {}
    return Published(
        version,
        sha,
        score,
        grade,
        {str(pid): _score_pair(p) for pid, p in shown.items()},
    )


def read_publications(path: Path, current_sha256: str) -> Publications:
    """What the previous build at ``path`` (its ``data/scores.json``) published under another
    framework than ``current_sha256``; an unreadable or foreign file counts as no build."""
    try:
        if _nothing_published_before(path, current_sha256):
            return {}
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != SCORES_FORMAT:
        return {}
    results = document.get("results")
    out: Publications = {}
    for r in results if isinstance(results, list) else []:
        if not isinstance(r, dict):
            continue
        inst, period = _text(r.get("institution")), _text(r.get("period"))
        if inst is None or period is None:
            continue
        carried = r.get("published")
        if isinstance(carried, dict):
            first = _published(
                carried.get("framework"), carried.get("overall"), carried.get("pillars")
            )
        else:
            first = _published(document.get("framework"), r.get("overall"), r.get("pillars"))
        if first is not None and first.framework_sha256 != current_sha256:
            out[(inst, period)] = first
    return out


_FRAMEWORK_HEAD = re.compile(
    rb'"framework":\s*\{\s*"version":\s*"[^"]*",\s*"sha256":\s*"([0-9a-f]+)"'
)


def _nothing_published_before(path: Path, current_sha256: str) -> bool:
    """Whether a previous build's scores, all under the current framework and carrying no
    earlier publication, can be passed over unread: a national site's scores.json is large."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        match = _FRAMEWORK_HEAD.search(head)
        if match is None or match.group(1).decode() != current_sha256:
            return False
        try:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as whole:
                return whole.find(b'"published"') == -1
        except ValueError:  # an empty file
            return False


def published_dict(p: Published) -> dict[str, Any]:
    """A ``published`` record of ``data/scores.json``."""

    def pair(score: float | None, grade: str | None) -> dict[str, Any]:
        return {"score": None if score is None else round(score, 2) + 0.0, "grade": grade}

    return {
        "framework": {"version": p.framework_version, "sha256": p.framework_sha256},
        "overall": pair(p.overall, p.overall_grade),
        "pillars": {pid: pair(*value) for pid, value in p.pillars.items()},
    }


def framework_marks(
    history: list[Result], publications: Publications, framework: Framework
) -> list[tuple[str, str]]:
    """(period, framework version) where the framework a period was first published with
    differs from the one of the period before: where trend charts draw a rule."""
    marks = []
    before: tuple[str, str] | None = None
    for r in history:
        p = publications.get((r.institution, r.period))
        now = (
            (p.framework_sha256, p.framework_version)
            if p
            else (framework.sha256, framework.version)
        )
        if before is not None and now[0] != before[0]:
            marks.append((r.period, now[1]))
        before = now
    return marks


# --- the change since the previous period --------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One score's change since the previous period, split into data and framework."""

    key: str  # "overall" or a pillar id
    name: str
    before: float | None  # the previous period as published
    before_grade: str | None
    rescored: float | None  # the previous period, scored with the current framework
    now: float | None
    now_grade: str | None

    @property
    def total(self) -> float | None:
        return None if self.now is None or self.before is None else self.now - self.before

    @property
    def data(self) -> float | None:
        return None if self.now is None or self.rescored is None else self.now - self.rescored

    @property
    def framework(self) -> float | None:
        if self.rescored is None or self.before is None:
            return None
        return self.rescored - self.before


@dataclass(frozen=True)
class Changes:
    """Every score's change at an institution's latest period since the one before."""

    period: str
    previous: str
    published: Published | None  # the previous period as published, if under another framework
    rows: list[Change]


def grade_changes(
    framework: Framework, history: list[Result], publications: Publications
) -> Changes | None:
    """The changes at the latest of ``history`` (one institution, oldest first); None for a
    first period."""
    if len(history) < 2:
        return None
    latest, previous = history[-1], history[-2]
    published = publications.get((previous.institution, previous.period))
    rows = [
        _change(
            "overall",
            "Overall",
            (latest.overall.score, latest.overall.grade),
            (previous.overall.score, previous.overall.grade),
            (published.overall, published.overall_grade) if published else None,
        )
    ]
    for pid, pillar in framework.pillars.items():
        if pid not in latest.pillars and pid not in previous.pillars:
            continue
        now, then = latest.pillars.get(pid), previous.pillars.get(pid)
        rows.append(
            _change(
                pid,
                pillar.name,
                (now.score, now.grade) if now else (None, None),
                (then.score, then.grade) if then else (None, None),
                published.pillars.get(pid, (None, None)) if published else None,
            )
        )
    return Changes(latest.period, previous.period, published, rows)


def _change(
    key: str,
    name: str,
    now: tuple[float | None, str | None],
    rescored: tuple[float | None, str | None],
    published: tuple[float | None, str | None] | None,
) -> Change:
    before = published if published is not None else rescored
    return Change(key, name, before[0], before[1], rescored[0], now[0], now[1])


# --- distance to the next grade ------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """The smallest single-metric change that lifts a pillar to the next grade."""

    pillar: str
    name: str
    score: float | None
    grade: str | None
    next_grade: str | None  # None at the top grade or without a score
    threshold: float | None
    metric: str | None  # None when no single metric can do it
    metric_name: str = ""
    current: float | bool | None = None
    needed: float | bool | None = None
    text: str = ""


def _next_band(framework: Framework, score: float) -> tuple[str, float] | None:
    above = [(g, m) for g, m in framework.grades if m > score]
    return min(above, key=lambda band: band[1]) if above else None


def _needed_value(metric: MetricDef, current: float | bool, score: float) -> float | bool | None:
    """The value that scores at least ``score`` (0..100) and is nearest to ``current``."""
    if score > 100 + 1e-9:
        return None
    if metric.kind == "boolean":
        return metric.better == "higher"
    if metric.kind == "level":
        top = metric.max or 1
        level = math.ceil(score * top / 100 - 1e-9)
        return level if level <= top else None
    assert metric.target is not None and metric.floor is not None
    exact = metric.floor + max(score, 0.0) / 100 * (metric.target - metric.floor)
    # Shown with one decimal: rounded towards the target, so that the shown value is enough.
    if metric.target > metric.floor:
        return min(math.ceil(exact * 10 - 1e-6) / 10, metric.target)
    return max(math.floor(exact * 10 + 1e-6) / 10, metric.target)


def _cost(metric: MetricDef, current: float | bool, needed: float | bool) -> float:
    if metric.kind == "boolean":
        return 1.0
    if metric.kind == "level":
        return (float(needed) - float(current)) / float(metric.max or 1)
    assert metric.target is not None and metric.floor is not None
    return abs(float(needed) - float(current)) / abs(metric.target - metric.floor)


def _lifts(
    framework: Framework,
    pid: str,
    metrics: dict[str, MetricResult],
    metric_id: str,
    value: float | bool,
    threshold: float,
) -> bool:
    metric = framework.metrics[metric_id]
    old = metrics[metric_id]
    changed = dict(metrics)
    changed[metric_id] = MetricResult("reported", value, old.n, None, metric_score(metric, value))
    new = pillar_score(framework, pid, changed)
    return new.score is not None and new.score >= threshold


def next_step(framework: Framework, pid: str, result: Result) -> NextStep | None:
    """What would lift pillar ``pid`` of ``result`` to the next grade; None if not scored."""
    pillar = result.pillars.get(pid)
    name = framework.pillars[pid].name
    if pillar is None:
        return None
    if pillar.score is None:
        text = f"{name} has no score: too few of its metrics were reported."
        return NextStep(pid, name, None, None, None, None, None, text=text)
    band = _next_band(framework, pillar.score)
    if band is None:
        text = f"{name} has the top grade."
        return NextStep(pid, name, pillar.score, pillar.grade, None, None, None, text=text)
    next_grade, threshold = band
    ids = framework.metrics_by_pillar.get(pid, [])
    metrics = {m: result.metrics.get(m, MetricResult("missing")) for m in ids}
    available = sum(framework.metrics[m].weight for m in ids if metrics[m].score is not None)
    best: tuple[float, float, int, str, float | bool, float | bool] | None = None
    for index, metric_id in enumerate(ids):
        m, metric = metrics[metric_id], framework.metrics[metric_id]
        if m.status != "reported" or m.score is None or m.value is None or metric.weight <= 0:
            continue
        wanted = m.score + (threshold - pillar.score) * available / metric.weight
        needed = _needed_value(metric, m.value, wanted)
        if needed is None:
            continue
        if metric.kind in ("number", "percent") and not _lifts(
            framework, pid, metrics, metric_id, needed, threshold
        ):
            step = 0.1 if metric.better == "higher" else -0.1
            needed = round(float(needed) + step, 1)  # a rounding hair short: one tenth more
            assert metric.target is not None
            beyond = (needed - metric.target) * (1 if metric.better == "higher" else -1) > 0
            if beyond or not _lifts(framework, pid, metrics, metric_id, needed, threshold):
                continue
        elif not _lifts(framework, pid, metrics, metric_id, needed, threshold):
            continue
        key = (_cost(metric, m.value, needed), -metric.weight, index, metric_id, m.value, needed)
        if best is None or key[:3] < best[:3]:
            best = key
    grade = pillar.grade
    if best is None:
        text = (
            f"No single reported metric can lift {name} from {grade} to {next_grade} on its own "
            f"(it needs {fmt(threshold - pillar.score)} more points)."
        )
        return NextStep(pid, name, pillar.score, grade, next_grade, threshold, None, text=text)
    _, _, _, metric_id, current, needed = best
    metric = framework.metrics[metric_id]
    if metric.kind == "boolean":
        verb = "Changing"
    else:
        verb = "Raising" if float(needed) > float(current) else "Lowering"
    quoted = metric.name if metric.name[:1] in "\"“'‘" else f"“{metric.name}”"
    text = (
        f"{verb} {quoted} from {value_text(metric, current)} to "
        f"{value_text(metric, needed)} would lift {name} from {grade} to {next_grade}."
    )
    return NextStep(
        pid,
        name,
        pillar.score,
        grade,
        next_grade,
        threshold,
        metric_id,
        metric.name,
        current,
        needed,
        text,
    )


def change_text(value: float | None) -> str:
    """A change as "+1.2", "-0.4", "0.0", or "–" when unknown."""
    return "–" if value is None else signed(value)


# --- views for the institution page --------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    name: str
    before: str  # the previous period as published: "58.1", or "no score"
    before_grade: str | None
    now: str
    now_grade: str | None
    total: str  # "+4.8", "–" when unknown
    data: str
    framework: str


@dataclass(frozen=True)
class ChangeView:
    """Why a grade changed: the rows and what the page says about them."""

    period: str
    previous: str
    framework_version: str  # the framework of this build
    framework_sha: str  # its sha256, shortened
    published_version: str  # the framework the previous period was published with, if another
    published_sha: str
    rows: list[ChangeRow]


def _shown(score: float | None) -> str:
    return "no score" if score is None else fmt(score)


def change_view(changes: Changes, framework: Framework) -> ChangeView:
    published = changes.published
    return ChangeView(
        period=changes.period,
        previous=changes.previous,
        framework_version=framework.version,
        framework_sha=framework.sha256[:12],
        published_version=published.framework_version if published else "",
        published_sha=published.framework_sha256[:12] if published else "",
        rows=[
            ChangeRow(
                c.name,
                _shown(c.before),
                c.before_grade if c.before is not None else None,
                _shown(c.now),
                c.now_grade if c.now is not None else None,
                change_text(c.total),
                change_text(c.data),
                change_text(c.framework),
            )
            for c in changes.rows
        ],
    )


def with_framework_marks(chart: charts.Chart, marks: list[tuple[str, str]]) -> charts.Chart:
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
        "mark": {"type": "rule", "strokeDash": [4, 3], "color": charts.RULE_COLOUR},
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
    return charts.Chart(chart.kind, spec, alt, chart.columns, chart.rows)
