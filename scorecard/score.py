"""The scoring contract: metric -> pillar -> overall, trends and peer percentiles.

Pure functions over plain values. What an audience may see is decided before these are
called (``scorecard.audience``); here every observation is taken as given. Scores keep
full precision; rounding is for display and export only.
"""

from __future__ import annotations

import functools
import json
import math
import pickle
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, replace
from typing import Any

from scorecard.model import Framework, MetricDef, Status, WithheldPolicy

Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Observation:
    """What one audience sees of one metric in one audit."""

    status: Status
    value: float | bool | None = None
    n: int | None = None
    positive: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class MetricResult:
    status: Status
    value: float | bool | None = None
    n: int | None = None
    ci95: tuple[float, float] | None = None
    score: float | None = None
    reason: str | None = None


def r2(value: float | None) -> float | None:
    """A score as data (exports, the scores' JSON): two decimals, never -0.0."""
    return None if value is None else round(value, 2) + 0.0


def metric_data(m: MetricResult) -> dict[str, Any]:
    """A metric result as the scores' JSON (``scorecard-scores/1``) gives it."""
    value: Any = m.value
    if isinstance(value, float):
        value = r2(value)
    out: dict[str, Any] = {"value": value}
    if m.n is not None:
        out["n"] = m.n
    if m.ci95 is not None:
        out["ci95"] = [r2(m.ci95[0]), r2(m.ci95[1])]
    out["score"] = r2(m.score)
    out["status"] = m.status
    if m.reason:
        out["reason"] = m.reason
    return out


def metrics_json(metrics: Mapping[str, MetricResult]) -> str:
    """A result's metrics as the compact JSON of the scores' data files."""
    data = {mid: metric_data(m) for mid, m in metrics.items()}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class PackedMetrics(Mapping[str, MetricResult]):
    """One audit's metric results, packed into a single compressed value, with their JSON.

    A national project holds a hundred thousand audits of some forty metrics each: as objects
    they would take gigabytes. Packed, they take under a kilobyte each and are unpacked on use
    (the last few unpacked are kept at hand). Their JSON (``metrics_json``) is made when they
    are packed, on the core that scored them, so that writing a national site's data files is
    a copy.
    """

    __slots__ = ("packed", "exported")

    def __init__(self, packed: bytes, exported: bytes) -> None:
        self.packed = packed
        self.exported = exported

    @classmethod
    def pack(cls, metrics: Mapping[str, MetricResult]) -> PackedMetrics:
        rows = tuple(
            (mid, m.status, m.value, m.n, m.ci95, m.score, m.reason) for mid, m in metrics.items()
        )
        packed = zlib.compress(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL), 1)
        return cls(packed, zlib.compress(metrics_json(metrics).encode("utf-8"), 1))

    def json(self) -> str:
        """The results as ``metrics_json`` gives them."""
        return zlib.decompress(self.exported).decode("utf-8")

    def _metrics(self) -> dict[str, MetricResult]:
        return _unpack(self.packed)

    def __getitem__(self, metric_id: str) -> MetricResult:
        return self._metrics()[metric_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics())

    def __len__(self) -> int:
        return len(self._metrics())

    # Unpacked once per call, not once per metric as Mapping's own methods would.
    def __contains__(self, metric_id: object) -> bool:
        return metric_id in self._metrics()

    def get(self, metric_id: str, default: Any = None) -> Any:
        return self._metrics().get(metric_id, default)

    def items(self) -> ItemsView[str, MetricResult]:
        return self._metrics().items()

    def values(self) -> ValuesView[MetricResult]:
        return self._metrics().values()

    def keys(self) -> KeysView[str]:
        return self._metrics().keys()

    def __repr__(self) -> str:
        return f"PackedMetrics({self._metrics()!r})"

    def __reduce__(self) -> tuple[type[PackedMetrics], tuple[bytes, bytes]]:
        return (PackedMetrics, (self.packed, self.exported))


@functools.lru_cache(maxsize=256)
def _unpack(packed: bytes) -> dict[str, MetricResult]:
    rows = pickle.loads(zlib.decompress(packed))
    return {row[0]: MetricResult(*row[1:]) for row in rows}


@dataclass(frozen=True, slots=True)
class PillarResult:
    score: float | None
    grade: str | None
    coverage: float  # the share of the weight reported (withheld values are not reported)
    status: str = "scored"  # or "insufficient-data"
    withheld: float = 0.0  # the share of the weight kept back from this audience
    #: for a pillar under the insufficient-data line only because values were kept back:
    #: the mean with the withheld values at 0 (policy `zero`), which the overall score counts,
    #: so that keeping values back never lifts the overall score by taking a weak pillar out
    counted: float | None = None

    @property
    def in_overall(self) -> float | None:
        """What the overall score counts for this pillar: its score, or `counted`."""
        return self.score if self.score is not None else self.counted


@dataclass(frozen=True, slots=True)
class OverallResult:
    score: float | None
    grade: str | None
    coverage: float
    trend: float | None = None
    peer_percentile: float | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """The scores of one institution for one period, as one audience sees them."""

    institution: str
    period: str
    period_order: tuple[int, int, int]
    peer_group: str
    overall: OverallResult
    pillars: dict[str, PillarResult]
    metrics: Mapping[str, MetricResult]  # a dict, or PackedMetrics


def wilson(positive: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion, in percent."""
    n = float(n)  # as a whole number, n * n of a huge n cannot be divided into
    p = positive / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def metric_score(metric: MetricDef, value: float | bool) -> float:
    """0..100 for one value, as the metric's kind says."""
    if metric.kind == "boolean":
        good = metric.better == "higher"
        return 100.0 if bool(value) is good else 0.0
    if metric.kind == "level":
        return 100.0 * float(value) / float(metric.max or 1)
    assert metric.target is not None and metric.floor is not None
    raw = 100.0 * (float(value) - metric.floor) / (metric.target - metric.floor)
    return min(100.0, max(0.0, raw))


def score_metric(
    metric: MetricDef, seen: Observation, withheld: WithheldPolicy = "zero"
) -> MetricResult:
    """One metric's result as an audience sees it; a value kept back from it (``withheld``)
    scores 0 under the policy `zero`, and nothing under `missing`."""
    if seen.status == "withheld":
        return MetricResult("withheld", score=0.0 if withheld == "zero" else None)
    if seen.status != "reported":
        return MetricResult(seen.status, reason=seen.reason)
    value = seen.value
    ci: tuple[float, float] | None = None
    if seen.positive is not None and seen.n:
        value = 100.0 * seen.positive / seen.n
        ci = wilson(seen.positive, seen.n)
    elif metric.kind == "percent" and seen.n and isinstance(value, int | float):
        ci = wilson(min(max(float(value), 0.0), 100.0) * seen.n / 100.0, seen.n)
    if value is None:
        return MetricResult("missing")
    if metric.kind == "level" and not isinstance(value, bool):
        value = int(value)
    elif metric.kind in ("number", "percent") and not isinstance(value, bool):
        value = float(value)
    return MetricResult("reported", value, seen.n, ci, metric_score(metric, value))


def grade(framework: Framework, score: float | None) -> str | None:
    if score is None:
        return None
    for letter, minimum in framework.grades:
        if score >= minimum:
            return letter
    return framework.grades[-1][0]


def pillar_score(
    framework: Framework, pillar: str, metrics: Mapping[str, MetricResult]
) -> PillarResult:
    """Weighted mean of the metrics with a score; not-applicable ones leave the weight.

    Coverage is the share of the weight reported; under half of it, the pillar has
    insufficient data. A withheld value counts as not reported for coverage and, under the
    policy `zero`, scores 0 in the mean (see `PillarResult.counted` for the overall score).
    """
    total = reported = withheld = weighted = 0.0
    for metric_id in framework.metrics_by_pillar.get(pillar, []):
        result = metrics.get(metric_id, MetricResult("missing"))
        weight = framework.metrics[metric_id].weight
        if result.status == "not-applicable":
            continue
        total += weight
        if result.status == "withheld":
            withheld += weight
        elif result.score is not None:
            reported += weight
            weighted += weight * result.score
    coverage = reported / total if total > 0 else 0.0
    kept_back = withheld / total if total > 0 else 0.0
    # the weight the mean is taken over: withheld values score 0 under the policy `zero`
    over = reported + (withheld if framework.withheld == "zero" else 0.0)
    if total <= 0 or reported <= 0 or coverage < 0.5:
        counted = None
        if withheld and over > 0 and over / total >= 0.5 and framework.withheld == "zero":
            counted = weighted / over
        return PillarResult(None, None, coverage, "insufficient-data", kept_back, counted)
    value = weighted / over
    return PillarResult(value, grade(framework, value), coverage, "scored", kept_back)


def overall_score(framework: Framework, pillars: Mapping[str, PillarResult]) -> OverallResult:
    """Weighted mean of the core pillars, given when enough of them count
    (`PillarResult.in_overall`: a score, or values kept back that score 0)."""
    total = weighted = weight_scored = covered = 0.0
    scored = 0
    for pillar_id in framework.core_pillars:
        weight = framework.pillars[pillar_id].weight
        result = pillar_results_get(pillars, pillar_id)
        total += weight
        covered += weight * result.coverage
        counted = result.in_overall
        if counted is not None:
            scored += 1
            weight_scored += weight
            weighted += weight * counted
    coverage = covered / total if total > 0 else 0.0
    if scored < framework.overall_min_pillars or weight_scored <= 0:
        return OverallResult(None, None, coverage)
    value = weighted / weight_scored
    return OverallResult(value, grade(framework, value), coverage)


def pillar_results_get(pillars: Mapping[str, PillarResult], pillar_id: str) -> PillarResult:
    return pillars.get(pillar_id, PillarResult(None, None, 0.0, "insufficient-data"))


AuditScores = tuple[dict[str, MetricResult], dict[str, PillarResult], OverallResult]


def score_audit(framework: Framework, observations: Mapping[str, Observation]) -> AuditScores:
    """Every metric, pillar and the overall score of one audit, for one audience."""
    metrics: dict[str, MetricResult] = {}
    pillars: dict[str, PillarResult] = {}
    for pillar_id in framework.pillars:
        ids = framework.metrics_by_pillar.get(pillar_id, [])
        is_beside = framework.pillars[pillar_id].role == "beside"
        if is_beside and not any(
            observations[m].status != "missing" for m in ids if m in observations
        ):
            continue
        for metric_id in ids:
            seen = observations.get(metric_id, Observation("missing"))
            metrics[metric_id] = score_metric(
                framework.metrics[metric_id], seen, framework.withheld
            )
        pillars[pillar_id] = pillar_score(framework, pillar_id, metrics)
    return metrics, pillars, overall_score(framework, pillars)


def with_trends(results: Iterable[Result]) -> list[Result]:
    """Each overall score's change since the institution's previous scored period."""
    out: list[Result] = []
    previous: dict[str, float] = {}
    for result in sorted(results, key=lambda r: (r.institution, r.period_order)):
        trend = None
        score = result.overall.score
        if score is not None:
            if result.institution in previous:
                trend = score - previous[result.institution]
            previous[result.institution] = score
        out.append(replace(result, overall=replace(result.overall, trend=trend)))
    return out


def peer_percentile(score: float, peers: list[float], min_peers: int = 5) -> float | None:
    """100 x (B + E/2) / N, N counting the institution itself; none below ``min_peers``."""
    return _percentile(score, sorted(peers), min_peers)


def _percentile(score: float, ordered: list[float], min_peers: int = 5) -> float | None:
    """``peer_percentile`` of peers already in ascending order: two bisections, not a scan."""
    if len(ordered) < min_peers:
        return None
    below = bisect_left(ordered, score)
    equal = bisect_right(ordered, score, lo=below) - below
    return 100.0 * (below + equal / 2) / len(ordered)


def with_peer_percentiles(results: Iterable[Result]) -> list[Result]:
    items = list(results)
    groups: dict[tuple[str, str], list[float]] = {}
    for r in items:
        if r.overall.score is not None:
            groups.setdefault((r.peer_group, r.period), []).append(r.overall.score)
    for scores in groups.values():
        scores.sort()
    out = []
    for r in items:
        pct = None
        if r.overall.score is not None:
            pct = _percentile(r.overall.score, groups[(r.peer_group, r.period)])
        out.append(replace(r, overall=replace(r.overall, peer_percentile=pct)))
    return out
