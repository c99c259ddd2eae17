"""Evidence: do the institutions that improve a pillar see burnout and intent to leave fall?

For each core pillar and each outcome with data (``OUTCOMES``), two views of one audience's
scores (``scorecard.facts.ScoreSet``), so that every number can be recomputed from what that
audience may see:

- **Changes** (the main view): for each *pair* of an institution's consecutive scored periods
  (two periods with a pillar score and a reported outcome value, and none between them with
  both, as a trend is taken against the previous period with a score), the change in the
  pillar's score and the change in the outcome's value. The estimate is the least-squares slope
  of the outcome's change on the pillar's change, with an intercept (which takes up a drift
  common to all, such as burnout falling everywhere after a bad year), times 10: the outcome's
  change per 10 points of pillar score. Comparing an institution with itself leaves out what
  stays the same in it (its size, its specialty, how its physicians answer surveys).
- **Latest period**: across the institutions with a result in the project's latest period
  (the latest of all the audience's results), the slope of the outcome's value on the
  pillar's score, per 10 points.

Neither view tells cause from effect: they say whether the two move together, and how surely.

**The interval** is a 95 % percentile bootstrap that resamples *institutions*, with all their
pairs (a cluster bootstrap): the periods of one institution are not independent of each other,
and resampling pairs would give intervals too narrow. A resample draws as many institutions as
there are, with replacement, from those in the order of their ids as the audience sees them,
with ``random.Random(seed)`` (how a draw is made: ``Sample.resampled``); ``seed`` comes from
the view, pillar and outcome ids (``seed_of``), so the same content gives the same numbers,
byte for byte, in any order of its files and in any process. The percentiles are interpolated
between order statistics (``percentile``). A resample whose pillar values do not vary has no
slope and is left out; where more than 2.5 % of them have none, a 95 % interval cannot be told
and the estimate is ``no-spread``. Percentile intervals are a little narrow in small samples:
in projects simulated without any link, the changes' interval held zero in 94 to 95 % of them
(20 to 60 institutions over 6 periods), the latest period's in 91 % with 20 to 30 institutions
and 96 % with 60.

Each institution's points are first reduced to their sums (n, Sx, Sy, Sxx, Sxy, around the
mean of all points, for precision), so that a resample costs a few additions per institution
drawn, whatever its number of pairs. ``RESAMPLES`` is 1,000, the number usually advised for a
percentile interval: the Monte Carlo error of a 2.5 % percentile is about ``2.67 / sqrt(B)``
standard errors of the slope, 8 % of one at 1,000 (6 % at 2,000), small beside the interval's
own width of about four standard errors, and fixed by the seed. More would cost: a resample of
1,000 institutions takes about 0.1 ms, and a national project (1,000 institutions, 5 pillars,
4 outcomes, 2 views) asks for 40,000 of them. They run on every core where the work pays
(``scorecard.parallel``), each estimate a task.

**Only where the data can carry it**: both views need at least ``min_institutions``
institutions and ``min_pairs`` points (pairs for changes, institutions for the latest period,
so that a line across institutions rests on as many points as one through their changes)
(``framework.yml``: ``evidence``, 5 and 20 by default); otherwise the estimate is ``too-few``
and says how much data there is and how much is needed.

**The verdict** of an estimate says whether its interval lies entirely below zero (``falls``:
the outcome falls as the pillar rises), entirely above (``rises``), or across it
(``no-clear-link``); ``Association.better`` says whether a lower or a higher value of the
outcome is the better one, and ``favourable`` puts the two together.

**The ranking** (``rank``) orders the pillar/outcome pairs by the strength of the evidence in
their changes, never by the size of the slope: ``strength`` is how far the interval's centre
lies from zero, in half-widths of the interval (above 1 the interval excludes zero; where the
resampled slopes are normal, it is the slope's z-score over 1.96). It has no unit, so an
outcome in percent and one in points rank on one scale. Pairs without an estimate (too few
data, or no spread) rank last, in the framework's order.

Pure functions over a ``ScoreSet``: no I/O, no pages, no charts.
"""

from __future__ import annotations

import hashlib
import math
import random
import sys
from array import array
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import repeat
from operator import add, itemgetter, mul
from typing import Generic, Literal, TypeVar

from scorecard.facts import ScoreSet
from scorecard.model import Audience, Better
from scorecard.parallel import map_shared
from scorecard.score import Result

#: The outcomes whose links to the pillars are estimated, where a project reports them.
OUTCOMES = (
    "outcomes.burnout",
    "outcomes.intent_to_leave",
    "outcomes.turnover",
    "outcomes.joy_score",
)
#: Bootstrap resamples of each estimate (the module's docstring says why this many).
RESAMPLES = 1_000
#: Slopes are given per this many points of pillar score.
PER = 10.0
#: Points at which the fitted line and its band are given, from the lowest x to the highest.
GRID = 21
#: The share of resamples that may have no slope before an interval cannot be told.
MAX_FLAT_SHARE = 0.025
#: Institutions drawn in all the resamples of a call, above which they run on every core.
PARALLEL_DRAWS = 2_000_000

View = Literal["changes", "latest"]
Status = Literal["estimated", "too-few", "no-spread"]
Verdict = Literal["falls", "rises", "no-clear-link"]


@dataclass(frozen=True)
class ChangeRow:
    """One pair of consecutive scored periods of one institution."""

    institution: str  # the id the audience sees
    name: str  # its name for the audience ("Peer A" for an anonymous institution in public)
    period_from: str
    period_to: str
    pillar_change: float  # points of pillar score
    outcome_change: float  # in the outcome's unit


@dataclass(frozen=True)
class LevelRow:
    """One institution in the latest period."""

    institution: str
    name: str
    period: str
    pillar_score: float
    outcome_value: float


Row = TypeVar("Row", ChangeRow, LevelRow)


@dataclass(frozen=True)
class LinePoint:
    """The fitted line at one x (a pillar change, or score), and its 95 % band: the 2.5 and
    97.5 % of the resamples' fitted values there."""

    x: float
    fitted: float
    low: float
    high: float


@dataclass(frozen=True)
class Estimate(Generic[Row]):
    """One slope, per 10 points of pillar score, its interval, and the data behind it.

    ``points`` are pairs of periods (changes) or institutions (latest period). Without an
    estimate (``status`` other than ``estimated``), ``per_10``, ``ci95``, ``verdict`` and
    ``strength`` are None and ``line`` is empty; the rows are always there.
    """

    status: Status
    institutions: int
    points: int
    needed_institutions: int
    needed_points: int
    per_10: float | None
    ci95: tuple[float, float] | None
    verdict: Verdict | None
    strength: float | None
    line: tuple[LinePoint, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Association:
    """What the data say of one pillar and one outcome."""

    pillar: str
    outcome: str
    better: Better  # which value of the outcome is the better one
    changes: Estimate[ChangeRow]
    latest: Estimate[LevelRow]

    @property
    def favourable(self) -> bool | None:
        """Whether the changes link a better pillar with a better outcome (True), with a
        worse one (False), or neither clearly (None)."""
        return favourable(self.changes.verdict, self.better)


@dataclass(frozen=True)
class Evidence:
    """Every pillar/outcome association of one audience's scores, in the framework's order."""

    audience: Audience
    min_institutions: int
    min_pairs: int
    resamples: int
    latest_period: str | None  # the project's latest period, of the latest-period view
    associations: tuple[Association, ...]

    def ranked(self) -> list[Association]:
        """The associations, the strongest evidence first (``rank``)."""
        return rank(self.associations)


def favourable(verdict: Verdict | None, better: Better) -> bool | None:
    """Whether a verdict links a better pillar with a better outcome (True), with a worse one
    (False), or neither clearly (None)."""
    if verdict is None or verdict == "no-clear-link":
        return None
    return (verdict == "falls") == (better == "lower")


def strength(ci95: tuple[float, float]) -> float:
    """How far an interval's centre lies from zero, in half-widths of the interval."""
    low, high = ci95
    centre, half = (low + high) / 2, (high - low) / 2
    if half <= 0:
        return math.inf if centre else 0.0
    return abs(centre) / half


def rank(associations: Sequence[Association]) -> list[Association]:
    """The strongest evidence of a link in changes first (``strength``), never the largest
    slope; ties, and then the associations without an estimate, in the order given."""

    def key(item: tuple[int, Association]) -> tuple[bool, float, int]:
        i, a = item
        s = a.changes.strength
        return (s is None, 0.0 if s is None else -s, i)

    return [a for _, a in sorted(enumerate(associations), key=key)]


def seed_of(view: View, pillar: str, outcome: str) -> int:
    """The bootstrap's seed for one view of one pillar and outcome: the same in any process
    (Python's ``hash`` of a text is not)."""
    digest = hashlib.sha256(f"scorecard-evidence\0{view}\0{pillar}\0{outcome}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


# --- the data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    """What the evidence reads of one result."""

    period: str
    order: tuple[int, int, int]
    pillars: dict[str, float]
    outcomes: dict[str, float]


def _periods(scores: ScoreSet, outcomes: Sequence[str]) -> dict[str, list[_Period]]:
    """Each institution's periods in time order, with its core pillar scores and outcome
    values; results given in any order."""
    core = scores.framework.core_pillars
    out: dict[str, list[_Period]] = {}
    for r in sorted(scores.results, key=lambda r: (r.institution, r.period_order)):
        pillars = {p: s for p in core if (s := _pillar(r, p)) is not None}
        values = {o: v for o in outcomes if (v := _value(r, o)) is not None}
        out.setdefault(r.institution, []).append(_Period(r.period, r.period_order, pillars, values))
    return out


def _pillar(result: Result, pillar: str) -> float | None:
    found = result.pillars.get(pillar)
    return None if found is None else found.score


def _value(result: Result, outcome: str) -> float | None:
    """The outcome's reported value, if a finite number."""
    found = result.metrics.get(outcome)
    if found is None or found.status != "reported":
        return None
    value = found.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _change_rows(
    periods: dict[str, list[_Period]], names: dict[str, str], pillar: str, outcome: str
) -> list[ChangeRow]:
    rows = []
    for inst, history in periods.items():
        both = [p for p in history if pillar in p.pillars and outcome in p.outcomes]
        for a, b in zip(both, both[1:], strict=False):
            rows.append(
                ChangeRow(
                    inst,
                    names.get(inst, inst),
                    a.period,
                    b.period,
                    b.pillars[pillar] - a.pillars[pillar],
                    b.outcomes[outcome] - a.outcomes[outcome],
                )
            )
    return rows


def _level_rows(
    periods: dict[str, list[_Period]],
    names: dict[str, str],
    latest: tuple[int, int, int] | None,
    pillar: str,
    outcome: str,
) -> list[LevelRow]:
    rows = []
    for inst, history in periods.items():
        last = history[-1]
        if last.order == latest and pillar in last.pillars and outcome in last.outcomes:
            rows.append(
                LevelRow(
                    inst,
                    names.get(inst, inst),
                    last.period,
                    last.pillars[pillar],
                    last.outcomes[outcome],
                )
            )
    return rows


# --- the statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Points grouped by institution, the unit a resample draws: each institution's count
    and sums, around the mean of all points (``centre``)."""

    n: list[int]
    x: list[float]
    y: list[float]
    xx: list[float]
    xy: list[float]
    centre: tuple[float, float]

    @classmethod
    def of(cls, groups: Sequence[Sequence[tuple[float, float]]]) -> Sample:
        """From each institution's points (x, y), institutions in a fixed order."""
        count = sum(len(g) for g in groups)
        cx = math.fsum(x for g in groups for x, _ in g) / count if count else 0.0
        cy = math.fsum(y for g in groups for _, y in g) / count if count else 0.0
        sample = cls([], [], [], [], [], (cx, cy))
        for g in groups:
            dx = [x - cx for x, _ in g]
            dy = [y - cy for _, y in g]
            sample.n.append(len(g))
            sample.x.append(math.fsum(dx))
            sample.y.append(math.fsum(dy))
            sample.xx.append(math.fsum(a * a for a in dx))
            sample.xy.append(math.fsum(a * b for a, b in zip(dx, dy, strict=True)))
        return sample

    def fit(self) -> tuple[float, float] | None:
        """(intercept, slope) of all points, around the centre; None if x does not vary."""
        return line_of(sum(self.n), sum(self.x), sum(self.y), sum(self.xx), sum(self.xy))

    def resampled(self, resamples: int, seed: int) -> list[tuple[float, float]]:
        """(intercept, slope) of each resample of institutions that has one.

        A resample draws as many institutions as there are (k), with replacement. A draw takes
        two bytes of ``random.Random(seed).randbytes``, a little-endian number v below 65,536:
        v below the largest multiple of k up to 65,536 draws the institution ``v mod k`` (in
        the sample's order); the others are drawn again, after the other draws of the
        resample, so that every institution is equally likely. Drawn this way, a resample runs
        no Python code per institution: each column is laid out over all 65,536 numbers
        (``_spread``) and picked with one ``itemgetter`` of the numbers drawn. (Beyond 32,768
        institutions, where up to half of the numbers would be drawn again, the draws are
        ``rng.choices(range(k), k=k)``.)
        """
        rng = random.Random(seed)
        k = len(self.n)
        if k < 2:  # every resample is the sample itself
            fit = self.fit()
            return [] if fit is None else [fit] * resamples
        out = []
        if k > WIDTH // 2:
            everyone = range(k)
            for _ in range(resamples):
                pick = itemgetter(*rng.choices(everyone, k=k))
                fit = line_of(*(sum(pick(c)) for c in (self.n, self.x, self.y, self.xx, self.xy)))
                if fit is not None:
                    out.append(fit)
            return out
        counts = _spread(self.n, 0)
        sums = [_spread(c, 0.0) for c in (self.x, self.y, self.xx, self.xy)]
        for _ in range(resamples):
            n, x, y, xx, xy = 0, 0.0, 0.0, 0.0, 0.0
            wanted = k
            while wanted:
                # WIDTH, a zero of every column, keeps the picked values a tuple when one
                # number is drawn
                pick = itemgetter(*_numbers(rng, wanted), WIDTH)
                picked = pick(counts)
                wanted = picked.count(0) - 1  # numbers drawn again, beside WIDTH's
                n += sum(picked)
                x += sum(pick(sums[0]))
                y += sum(pick(sums[1]))
                xx += sum(pick(sums[2]))
                xy += sum(pick(sums[3]))
            fit = line_of(n, x, y, xx, xy)
            if fit is not None:
                out.append(fit)
        return out


#: The numbers a draw of an institution is made from (``Sample.resampled``).
WIDTH = 1 << 16

Number = TypeVar("Number", int, float)


def _spread(column: list[Number], zero: Number) -> list[Number]:
    """An institution's value at each number that draws it, zero at the others and at
    WIDTH."""
    k = len(column)
    return column * (WIDTH // k) + [zero] * (WIDTH % k + 1)


def _numbers(rng: random.Random, count: int) -> array[int]:
    """``count`` numbers below WIDTH: two bytes each, little-endian, on every machine."""
    numbers = array("H", rng.randbytes(2 * count))
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


def line_of(n: float, sx: float, sy: float, sxx: float, sxy: float) -> tuple[float, float] | None:
    """(intercept, slope) of the least-squares line through points with these sums; None when
    x does not vary (its spread lost in rounding counts as none)."""
    if n < 2:
        return None
    spread = sxx - sx * sx / n
    if spread <= 1e-12 * sxx:
        return None
    slope = (sxy - sx * sy / n) / spread
    return (sy - slope * sx) / n, slope


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ascending values, interpolated between order statistics."""
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass(frozen=True)
class _Task:
    """One estimate's bootstrap: its sample, where its line is given, and its seed."""

    sample: Sample
    grid: tuple[float, ...]
    seed: int


#: The slope's interval and the band at each grid point, or None when it cannot be told.
_Interval = tuple[tuple[float, float], list[tuple[float, float]]] | None


def _interval(resamples: int, task: _Task) -> _Interval:
    fits = task.sample.resampled(resamples, task.seed)
    if len(fits) < (1 - MAX_FLAT_SHARE) * resamples:
        return None
    slopes = sorted(b for _, b in fits)
    cx, cy = task.sample.centre
    intercepts, slopes_drawn = [a for a, _ in fits], [b for _, b in fits]
    band = []
    for g in task.grid:
        at = sorted(map(add, intercepts, map(mul, slopes_drawn, repeat(g - cx))))
        band.append((cy + percentile(at, 0.025), cy + percentile(at, 0.975)))
    return (percentile(slopes, 0.025), percentile(slopes, 0.975)), band


def _intervals(tasks: list[_Task], resamples: int) -> list[_Interval]:
    """Each task's interval, on every core where the work pays."""
    draws = sum(len(t.sample.n) for t in tasks) * resamples
    if draws < PARALLEL_DRAWS or len(tasks) < 2:
        return [_interval(resamples, t) for t in tasks]
    # Largest first, so that no core is left with a large one at the end.
    order = sorted(range(len(tasks)), key=lambda i: -len(tasks[i].sample.n))
    out: list[_Interval] = [None] * len(tasks)
    with closing(map_shared(_interval, resamples, [tasks[i] for i in order])) as done:
        for i, interval in zip(order, done, strict=True):
            out[i] = interval
    return out


# --- the estimates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan(Generic[Row]):
    """One estimate to make: its rows, their points by institution, and its seed."""

    rows: tuple[Row, ...]
    groups: list[list[tuple[float, float]]]
    seed: int


def _plan_changes(rows: list[ChangeRow], seed: int) -> _Plan[ChangeRow]:
    groups: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        groups.setdefault(r.institution, []).append((r.pillar_change, r.outcome_change))
    return _Plan(tuple(rows), [groups[i] for i in sorted(groups)], seed)


def _plan_levels(rows: list[LevelRow], seed: int) -> _Plan[LevelRow]:
    ordered = sorted(rows, key=lambda r: r.institution)
    return _Plan(tuple(ordered), [[(r.pillar_score, r.outcome_value)] for r in ordered], seed)


class _Prepared(Generic[Row]):
    """One estimate on its way: its plan, and, where there is enough data to fit a line, its
    sample and the bootstrap task of its interval."""

    def __init__(self, plan: _Plan[Row], needed: tuple[int, int]) -> None:
        self.plan: _Plan[Row] = plan
        self.needed = needed
        self.grid = _grid(plan.groups)
        enough = len(plan.groups) >= needed[0] and len(plan.rows) >= needed[1]
        self.sample = Sample.of(plan.groups) if enough else None
        self.fit = self.sample.fit() if self.sample is not None else None
        self.task: _Task | None = None
        if self.sample is not None and self.fit is not None:
            self.task = _Task(self.sample, self.grid, plan.seed)

    def estimate(self, interval: _Interval) -> Estimate[Row]:
        plan, sample, fit = self.plan, self.sample, self.fit
        counts = (len(plan.groups), len(plan.rows), *self.needed)
        if sample is None:
            return Estimate("too-few", *counts, None, None, None, None, (), plan.rows)
        if fit is None or interval is None:
            return Estimate("no-spread", *counts, None, None, None, None, (), plan.rows)
        intercept, slope = fit
        (low, high), band = interval
        ci95 = (PER * low, PER * high)
        verdict: Verdict = "falls" if high < 0 else "rises" if low > 0 else "no-clear-link"
        cx, cy = sample.centre
        line = tuple(
            LinePoint(g, cy + intercept + slope * (g - cx), lo, hi)
            for g, (lo, hi) in zip(self.grid, band, strict=True)
        )
        return Estimate(
            "estimated", *counts, PER * slope, ci95, verdict, strength(ci95), line, plan.rows
        )


def _grid(groups: list[list[tuple[float, float]]]) -> tuple[float, ...]:
    xs = [x for g in groups for x, _ in g]
    if not xs:
        return ()
    low, high = min(xs), max(xs)
    return (*(low + (high - low) * i / (GRID - 1) for i in range(GRID - 1)), high)


def evidence_of(scores: ScoreSet, *, resamples: int = RESAMPLES) -> Evidence:
    """Every core pillar's association with every outcome that has data, in one audience's
    scores (see the module's docstring)."""
    framework = scores.framework
    thresholds = framework.evidence
    needed = (thresholds.min_institutions, thresholds.min_pairs)
    outcomes = [o for o in OUTCOMES if o in framework.metrics]
    periods = _periods(scores, outcomes)
    outcomes = [o for o in outcomes if any(o in p.outcomes for h in periods.values() for p in h)]
    names = {identity.id: identity.name for identity in scores.identities.values()}
    latest = max((r.period_order for r in scores.results), default=None)
    latest_label = next((r.period for r in scores.results if r.period_order == latest), None)

    pairs = [(p, o) for p in framework.core_pillars for o in outcomes]
    changes = [
        _Prepared(
            _plan_changes(_change_rows(periods, names, p, o), seed_of("changes", p, o)), needed
        )
        for p, o in pairs
    ]
    levels = [
        _Prepared(
            _plan_levels(_level_rows(periods, names, latest, p, o), seed_of("latest", p, o)),
            needed,
        )
        for p, o in pairs
    ]
    tasks = [t for t in [c.task for c in changes] + [v.task for v in levels] if t is not None]
    done = dict(zip(map(id, tasks), _intervals(tasks, resamples), strict=True))

    def interval(prepared: _Prepared[ChangeRow] | _Prepared[LevelRow]) -> _Interval:
        return done[id(prepared.task)] if prepared.task is not None else None

    associations = tuple(
        Association(
            p, o, framework.metrics[o].better, c.estimate(interval(c)), v.estimate(interval(v))
        )
        for (p, o), c, v in zip(pairs, changes, levels, strict=True)
    )
    return Evidence(
        scores.audience,
        thresholds.min_institutions,
        thresholds.min_pairs,
        resamples,
        latest_label,
        associations,
    )
