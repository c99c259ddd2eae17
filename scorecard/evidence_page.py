"""The evidence page: what moves retention, in this project's own data.

For each core pillar and each outcome with data, the association between a change in the
pillar's score and the change in the outcome between an institution's consecutive scored
periods, and the same across institutions in the latest period, from one audience's scores
(``scorecard.evidence``, computed once per audience in a build). The page ranks the pairs by the
strength of the evidence, never by the size of a slope; it charts only the pairs whose data can
carry an estimate, and folds away the charts of those whose interval crosses zero, so that the
page stays readable (and drawn quickly) with five pillars and four outcomes.

Like ``scorecard.pages``, nothing is written here: ``EvidencePage.page()`` gives the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from scorecard import charts
from scorecard.context import Page, Site, chart_block, plain_pillar
from scorecard.evidence import Association, ChangeRow, Estimate, Evidence, LevelRow, evidence_of
from scorecard.model import Framework
from scorecard.pages import Gatherer

PAGE = "evidence.md"


@dataclass(frozen=True)
class EstimateView:
    """One estimate as the page says it."""

    status: str  # estimated, too-few or no-spread
    per_10: str  # "-1.24": the outcome's change per 10 points of pillar score
    interval: str  # "-1.89 to -0.87"
    clear: bool  # the interval excludes zero
    way: str  # "fell" or "rose" where the pillar's score rose, if clearly; else ""
    reading: str  # one plain sentence
    institutions: int
    points: int
    strength: str  # "2.3": the interval's centre from zero, in half-widths


@dataclass(frozen=True)
class LinkView:
    """One pillar and one outcome."""

    anchor: str  # the id of its section on the page
    rank: int  # in the summary, strongest evidence first
    pillar: str  # the pillar in plain words ("psychological safety")
    pillar_name: str  # its name in the framework
    outcome: str  # the outcome in plain words ("burnout")
    unit: str  # of its change ("percentage points")
    better: str  # "lower" or "higher": which value of the outcome is the better one
    changes: EstimateView
    latest: EstimateView
    direction: str  # "a better score went with a better outcome", or "" without a clear link
    chart: Markup  # the changes and the fitted line; empty without an estimate


@dataclass(frozen=True)
class PillarLinks:
    id: str
    name: str
    links: list[LinkView]


@dataclass(frozen=True)
class EvidenceContext:
    site: Site
    ranked: list[LinkView]  # every pair, strongest evidence first (``Evidence.ranked``)
    pillars: list[PillarLinks]  # the same pairs by pillar, in the framework's order
    outcomes: list[str]  # the outcomes with data, in plain words
    institutions: int  # institutions with a result in this audience's scores
    pairs: int  # pairs of consecutive scored periods, at most, of any pillar and outcome
    estimated: int  # pairs of a pillar and an outcome with an estimate
    clear: int  # of those, how many have an interval that excludes zero
    min_institutions: int
    min_pairs: int
    resamples: int
    latest_period: str


def outcome_words(outcome_id: str) -> str:
    """``outcomes.intent_to_leave`` -> ``intent to leave``."""
    return outcome_id.split(".", 1)[-1].replace("_", " ")


def unit_of(framework: Framework, outcome_id: str) -> str:
    metric = framework.metrics[outcome_id]
    if metric.kind == "percent":
        return "percentage points"
    return metric.unit.strip() or "units"


def _num(value: float, digits: int = 2) -> str:
    text = f"{value:+.{digits}f}"
    return text if float(text) != 0 else f"{0:.{digits}f}"


def _interval(ci95: tuple[float, float] | None) -> str:
    return "" if ci95 is None else f"{_num(ci95[0])} to {_num(ci95[1])}"


def _view(e: Estimate[ChangeRow] | Estimate[LevelRow], reading: str, way: str) -> EstimateView:
    return EstimateView(
        status=e.status,
        per_10="" if e.per_10 is None else _num(e.per_10),
        interval=_interval(e.ci95),
        clear=bool(way),
        way=way,
        reading=reading,
        institutions=e.institutions,
        points=e.points,
        strength="" if e.strength is None else f"{e.strength:.1f}",
    )


def _way(ci95: tuple[float, float], below: str, above: str) -> str:
    """``below`` for an interval below zero, ``above`` above it, "" across it."""
    low, high = ci95
    return below if high < 0 else above if low > 0 else ""


def _changes_view(e: Estimate[ChangeRow], pillar: str, outcome: str, unit: str) -> EstimateView:
    have = f"{e.points:,} pairs of consecutive periods of {e.institutions:,} institutions"
    if e.per_10 is None or e.ci95 is None:
        reading = (
            f"Not enough data: {have}; an estimate needs at least {e.needed_institutions} "
            f"institutions and {e.needed_points} pairs."
        )
        if e.status == "no-spread":
            reading = f"No estimate: the {pillar} score barely changed in the {have}."
        return _view(e, reading, "")
    way = _way(e.ci95, "fell", "rose")
    reading = (
        f"Between consecutive periods, each 10 points that the {pillar} score rose went with "
        f"a change of {_num(e.per_10)} {unit} in {outcome} (95 % interval "
        f"{_interval(e.ci95)}), over {have}: "
    )
    if way:
        reading += f"where the score rose, {outcome} {way}."
    else:
        reading += "the interval crosses zero, so these data show no clear link."
    return _view(e, reading, way)


def _latest_view(
    e: Estimate[LevelRow], pillar: str, outcome: str, unit: str, period: str
) -> EstimateView:
    if e.per_10 is None or e.ci95 is None:
        needed = max(e.needed_institutions, e.needed_points)
        reading = (
            f"Across institutions in {period}: not enough data ({e.institutions:,} institutions "
            f"with both; at least {needed} needed)."
        )
        if e.status == "no-spread":
            reading = f"Across institutions in {period}: no estimate, the scores barely differ."
        return _view(e, reading, "")
    way = _way(e.ci95, "was lower", "was higher")
    reading = (
        f"Across the {e.institutions:,} institutions in {period}, each 10 points more of "
        f"{pillar} score went with {_num(e.per_10)} {unit} of {outcome} (95 % interval "
        f"{_interval(e.ci95)})" + ("." if way else ": no clear link.")
    )
    return _view(e, reading, way)


def _direction(a: Association) -> str:
    if a.favourable is None:
        return ""
    if a.favourable:
        return "a better score went with a better outcome"
    return "a better score went with a worse outcome"


class EvidencePage:
    """The evidence page of one audience, from its ``Gatherer``; the evidence is computed here
    once (``evidence`` gives it, to build the page from numbers computed elsewhere)."""

    def __init__(self, gatherer: Gatherer, evidence: Evidence | None = None) -> None:
        self.g = gatherer
        self.fw = gatherer.framework
        self.evidence = evidence if evidence is not None else evidence_of(gatherer.scores)

    def _link(self, a: Association, rank: int) -> LinkView:
        fw, ev = self.fw, self.evidence
        pillar = plain_pillar(a.pillar, fw.pillars[a.pillar].name)
        outcome, unit = outcome_words(a.outcome), unit_of(fw, a.outcome)
        anchor = f"{a.pillar}-{a.outcome.split('.', 1)[-1]}".replace("_", "-")
        changes = _changes_view(a.changes, pillar, outcome, unit)
        chart = Markup()
        e = a.changes
        if e.status == "estimated" and e.per_10 is not None and e.ci95 is not None:
            # by institution, as the table lists them; each institution's pairs in time order
            rows = sorted(e.rows, key=lambda r: (r.name.lower(), r.institution))
            scatter = charts.changes_scatter(
                [
                    (r.name, r.period_from, r.period_to, r.pillar_change, r.outcome_change)
                    for r in rows
                ],
                [(p.x, p.fitted, p.low, p.high) for p in e.line],
                pillar=pillar,
                outcome=outcome,
                unit=unit,
                estimate=(e.per_10, *e.ci95),
            )
            chart = chart_block(scatter, f"chart-{anchor}")
        return LinkView(
            anchor=anchor,
            rank=rank,
            pillar=pillar,
            pillar_name=fw.pillars[a.pillar].name,
            outcome=outcome,
            unit=unit,
            better=a.better,
            changes=changes,
            latest=_latest_view(a.latest, pillar, outcome, unit, ev.latest_period or ""),
            direction=_direction(a),
            chart=chart,
        )

    def page(self) -> Page:
        ev, fw = self.evidence, self.fw
        ranked = ev.ranked()
        views = {(a.pillar, a.outcome): self._link(a, i) for i, a in enumerate(ranked, 1)}
        pillars = [
            PillarLinks(
                pid,
                fw.pillars[pid].name,
                [views[(a.pillar, a.outcome)] for a in ev.associations if a.pillar == pid],
            )
            for pid in fw.core_pillars
        ]
        estimated = [v for v in views.values() if v.changes.status == "estimated"]
        context = EvidenceContext(
            site=self.g.site,
            ranked=[views[(a.pillar, a.outcome)] for a in ranked],
            pillars=[p for p in pillars if p.links],
            outcomes=list(dict.fromkeys(outcome_words(a.outcome) for a in ev.associations)),
            institutions=len(self.g.shown_ids),
            pairs=max((a.changes.points for a in ev.associations), default=0),
            estimated=len(estimated),
            clear=sum(1 for v in estimated if v.changes.clear),
            min_institutions=ev.min_institutions,
            min_pairs=ev.min_pairs,
            resamples=ev.resamples,
            latest_period=ev.latest_period or "",
        )
        return Page(PAGE, ["evidence.md.j2"], context, "What moves retention")
