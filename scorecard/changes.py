"""Why a grade changed, and what would lift it: analysis over scored results.

How the page shows them is ``scorecard.context``'s (``change_view``).

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

import math
from dataclasses import dataclass

from scorecard.model import Framework, MetricDef
from scorecard.publications import Publications, Published
from scorecard.score import MetricResult, Result, metric_score, pillar_score
from scorecard.wording import fmt, value_text

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
