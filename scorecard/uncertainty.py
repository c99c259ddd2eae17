"""Comparing institutions with care: the uncertainty of a score, tiers, and movers.

Pure functions over scored results, like ``scorecard.score``.

**Uncertainty.** A survey item carries its Wilson 95 % interval; its *metric* interval is the
metric score of each end of it, and its uncertainty is half that interval's width. Other
measures (EHR logs, HR records, policies) are taken as exact. A pillar's uncertainty is the
weighted mean of its scored metrics' uncertainties, and the overall score's the weighted mean
of its pillars': as if every survey item erred the same way at once. That overstates the
sampling error of independent items, on purpose: it never makes two institutions look more
different than their data can tell.

**Tiers.** Two institutions can be told apart only when their overall scores differ, and by at
least the larger of their two uncertainties. Institutions are ranked in tiers: a new tier
starts only where every institution above the cut can be told apart from every one below it,
so two institutions in different tiers can always be told apart, and no order is claimed
inside a tier. (The institutions that cannot be told apart from a given one always sit next
to it in score order, so the tiers are runs of the ranking.)

**Movers.** The change of a score (overall or one pillar) since the institution's previous
period with a score for it, at its latest period. A change is called rising or falling only
when it is larger than its uncertainty, by the rule of the tiers: the two scores can be told
apart. A smaller change is no clear change: it is never listed among the movers, and pages
and ``scorecard diff`` say so where they show it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scorecard.model import Framework
from scorecard.score import MetricResult, Result, metric_score


def metric_uncertainty(framework: Framework, metric_id: str, result: MetricResult) -> float:
    """Half the width of the metric score's 95 % interval; 0 without an interval."""
    metric = framework.metrics.get(metric_id)
    if metric is None or result.ci95 is None or result.score is None:
        return 0.0
    if metric.kind not in ("number", "percent") or metric.target is None or metric.floor is None:
        return 0.0
    low, high = (metric_score(metric, bound) for bound in result.ci95)
    return abs(high - low) / 2


def pillar_uncertainty(framework: Framework, pillar_id: str, result: Result) -> float | None:
    """The weighted mean uncertainty of the pillar's scored metrics; None without a score."""
    pillar = result.pillars.get(pillar_id)
    if pillar is None or pillar.score is None:
        return None
    total = weighted = 0.0
    for metric_id in framework.metrics_by_pillar.get(pillar_id, []):
        m = result.metrics.get(metric_id)
        if m is None or m.score is None:
            continue
        weight = framework.metrics[metric_id].weight
        total += weight
        weighted += weight * metric_uncertainty(framework, metric_id, m)
    return weighted / total if total > 0 else 0.0


def overall_uncertainty(framework: Framework, result: Result) -> float | None:
    """The weighted mean uncertainty of the core pillars with a score; None without a score."""
    if result.overall.score is None:
        return None
    total = weighted = 0.0
    for pillar_id in framework.core_pillars:
        u = pillar_uncertainty(framework, pillar_id, result)
        if u is None:
            continue
        weight = framework.pillars[pillar_id].weight
        total += weight
        weighted += weight * u
    return weighted / total if total > 0 else 0.0


@dataclass(frozen=True)
class Ranked:
    """One institution to rank: its score and the score's uncertainty (both 0 to 100)."""

    id: str
    score: float
    uncertainty: float


def apart(a: Ranked, b: Ranked) -> bool:
    """Whether two scores can be told apart: they differ, by the larger uncertainty or more."""
    difference = abs(a.score - b.score)
    return difference > 0 and difference >= max(a.uncertainty, b.uncertainty)


def tiers(entries: Iterable[Ranked]) -> list[list[Ranked]]:
    """Runs of the ranking (best first) that cannot be told apart; see the module's notes.

    Inside a tier, entries keep score order (the page lists them by name).
    """
    order = sorted(entries, key=lambda e: (-e.score, e.id))
    if not order:
        return []
    # joined[k]: the cut between order[k - 1] and order[k] has a pair across it that cannot
    # be told apart, so it is not a tier boundary.
    joined = [False] * len(order)
    for i, a in enumerate(order):
        for j in range(len(order) - 1, i, -1):
            if not apart(a, order[j]):
                for k in range(i + 1, j + 1):
                    joined[k] = True
                break
    out: list[list[Ranked]] = [[order[0]]]
    for k in range(1, len(order)):
        if joined[k]:
            out[-1].append(order[k])
        else:
            out.append([order[k]])
    return out


@dataclass(frozen=True)
class Move:
    """A score's change since the institution's previous period with a score."""

    institution: str
    period: str
    previous_period: str
    now: float
    change: float
    uncertainty: float  # the larger of the two scores' uncertainties

    @property
    def clear(self) -> bool:
        """Whether the change is larger than its uncertainty (`apart`, the rule of the tiers):
        only then is it called rising or falling."""
        before = Ranked(self.institution, self.now - self.change, self.uncertainty)
        return apart(Ranked(self.institution, self.now, self.uncertainty), before)

    @property
    def word(self) -> str:
        if not self.clear:
            return "no clear change"
        return "rising" if self.change > 0 else "falling"


def _score(framework: Framework, result: Result, pillar: str | None) -> Ranked | None:
    """A result's overall score (or ``pillar``'s) with its uncertainty."""
    if pillar is None:
        score, u = result.overall.score, overall_uncertainty(framework, result)
    else:
        p = result.pillars.get(pillar)
        score = p.score if p is not None else None
        u = pillar_uncertainty(framework, pillar, result)
    return None if score is None else Ranked(result.institution, score, u or 0.0)


def moves(framework: Framework, history: list[Result], pillar: str | None = None) -> list[Move]:
    """Each change of the overall score (or of ``pillar``'s) along ``history`` (one
    institution's results, oldest first), each since the previous period with a score."""
    out: list[Move] = []
    before: tuple[Result, Ranked] | None = None
    for result in history:
        now = _score(framework, result, pillar)
        if now is None:
            continue
        if before is not None:
            earlier, then = before
            out.append(
                Move(
                    result.institution,
                    result.period,
                    earlier.period,
                    now.score,
                    now.score - then.score,
                    max(now.uncertainty, then.uncertainty),
                )
            )
        before = (result, now)
    return out


def latest_move(
    framework: Framework, history: list[Result], pillar: str | None = None
) -> Move | None:
    """The change at the latest of ``history`` since its previous period with a score."""
    if not history or _score(framework, history[-1], pillar) is None:
        return None
    found = moves(framework, history, pillar)
    return found[-1] if found and found[-1].period == history[-1].period else None


@dataclass(frozen=True)
class Movers:
    """The biggest clear rises and falls, and how many changed within their uncertainty."""

    rises: list[Move]
    falls: list[Move]
    unclear: int


def movers(
    framework: Framework,
    histories: Mapping[str, list[Result]],
    names: Mapping[str, str],
    pillar: str | None = None,
    count: int = 5,
) -> Movers:
    """The ``count`` biggest rises and falls larger than their uncertainty, biggest first,
    ties by name; a change within its uncertainty is no clear change, and only counted."""
    found = [m for h in histories.values() if (m := latest_move(framework, h, pillar)) is not None]

    def name(m: Move) -> str:
        return names.get(m.institution, m.institution).lower()

    clear = [m for m in found if m.clear]
    rises = sorted((m for m in clear if m.change > 0), key=lambda m: (-m.change, name(m)))
    falls = sorted((m for m in clear if m.change < 0), key=lambda m: (m.change, name(m)))
    return Movers(rises[:count], falls[:count], sum(1 for m in found if not m.clear))


def group_slugs(groups: Iterable[str]) -> dict[str, str]:
    """A peer group's name -> the name of its page: lower-case letters, digits and dashes,
    unique, never ``index``."""
    out: dict[str, str] = {}
    taken = {"index"}
    for group in sorted(set(groups)):
        base = re.sub(r"[^a-z0-9]+", "-", group.lower()).strip("-") or "group"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        out[group] = slug
    return out
