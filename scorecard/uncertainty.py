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
period with a score for it, at its latest period.
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
    """A score's change at an institution's latest period."""

    institution: str
    period: str
    previous_period: str
    now: float
    change: float


def _score(result: Result, pillar: str | None) -> float | None:
    if pillar is None:
        return result.overall.score
    p = result.pillars.get(pillar)
    return p.score if p is not None else None


def latest_move(history: list[Result], pillar: str | None = None) -> Move | None:
    """The change of the overall score (or of ``pillar``'s) at the latest of ``history``
    (one institution's results, oldest first) since its previous period with a score."""
    if not history:
        return None
    latest = history[-1]
    now = _score(latest, pillar)
    if now is None:
        return None
    for earlier in reversed(history[:-1]):
        before = _score(earlier, pillar)
        if before is not None:
            return Move(latest.institution, latest.period, earlier.period, now, now - before)
    return None


def movers(
    histories: Mapping[str, list[Result]],
    names: Mapping[str, str],
    pillar: str | None = None,
    count: int = 5,
) -> tuple[list[Move], list[Move]]:
    """The ``count`` biggest rises and falls, biggest first, ties by name."""
    moves = [m for h in histories.values() if (m := latest_move(h, pillar)) is not None]

    def name(m: Move) -> str:
        return names.get(m.institution, m.institution).lower()

    rises = sorted((m for m in moves if m.change > 0), key=lambda m: (-m.change, name(m)))
    falls = sorted((m for m in moves if m.change < 0), key=lambda m: (m.change, name(m)))
    return rises[:count], falls[:count]


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
