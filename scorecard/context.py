"""A typed context per page kind: what each page template gets to show.

The fields are the template author's documentation. Everything here is already decided
for one audience: contexts hold only what that audience may see. Texts are plain strings;
the template environment escapes them. Charts arrive as finished HTML blocks.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from scorecard import charts
from scorecard.changes import Changes, NextStep
from scorecard.facts import ScoreSet
from scorecard.model import Audience, EvidenceThresholds, Framework, MetricDef
from scorecard.responses import ResponseView
from scorecard.score import MetricResult, OverallResult, PillarResult, Result
from scorecard.staleness import Stale
from scorecard.wording import (
    INSUFFICIENT,
    STATUS_TEXT,
    absent_words,
    extremes,
    fmt,
    number,
    percent_share,
    signed,
    status_text,
    target_text,
    value_text,
)

if TYPE_CHECKING:  # these modules build on this one
    from scorecard.badges import BadgeView


@dataclass(frozen=True)
class Page:
    """One Markdown page to render: ``path`` inside the docs folder."""

    path: str
    templates: list[str]
    context: Any
    title: str


@dataclass(frozen=True)
class Site:
    """Shared by every page: who the site is for and which framework made its numbers."""

    audience: Audience
    internal: bool
    framework_name: str
    framework_version: str
    framework_sha256: str
    latest_period: str
    #: each word for an absent value, and what it means: the legend of a page that shows one
    absent: list[tuple[str, str]] = field(default_factory=list)
    withheld: str = "zero"  # how the public scores count withheld values (framework.yml)


@dataclass(frozen=True)
class Score:
    """A score as a reader sees it."""

    value: float | None
    text: str  # "71.2", or "no score"
    grade: str | None
    coverage: str  # "86 %"
    status: str  # "scored" or "insufficient-data"


@dataclass(frozen=True)
class InstitutionRow:
    id: str
    name: str
    url: str
    peer_group: str
    period: str
    overall: Score
    trend: str
    pillars: list[Score]
    stale: Stale | None = None  # its latest audit is older than the framework's stale_after


@dataclass(frozen=True)
class Mover:
    id: str
    name: str
    url: str
    change: float
    change_text: str  # "+4.2 (± 1.3)": the change and its uncertainty
    score: Score
    period: str


@dataclass(frozen=True)
class PillarHead:
    id: str
    name: str
    url: str
    role: str


@dataclass(frozen=True)
class HomeContext:
    site: Site
    pillars: list[PillarHead]
    institutions: list[InstitutionRow]
    rises: list[Mover]  # changes larger than their uncertainty only
    falls: list[Mover]
    unclear: int  # institutions whose latest change is within its uncertainty
    heatmap: Markup  # empty above pages.HEATMAP_UP_TO institutions: the table holds the grades
    user_pages: list[tuple[str, str]]
    grades: list[tuple[str, str]] = field(default_factory=list)  # as MethodologyContext.grades


@dataclass(frozen=True)
class MetricRow:
    id: str
    name: str
    value: str
    target: str
    score: str
    n: str
    interval: str
    source: str
    status: str  # "reported", or the word for the absent value with its reason
    note: str  # internal only; empty in public
    word: str = ""  # the word for an absent value, without its reason ("" when reported)
    reason: str = ""  # why it does not apply, for a not-applicable metric


@dataclass(frozen=True)
class PillarSection:
    id: str
    name: str
    question: str
    url: str
    score: Score
    metrics: list[MetricRow]
    public: Score | None = None  # internal site: the score the public site shows for it


@dataclass(frozen=True)
class PublicView:
    """On the internal page: what the public site shows of the same audit."""

    shown: bool  # the institution is published (by name or anonymously)
    name: str  # as the public site names it ("Peer B" when anonymous)
    overall: Score | None
    withheld: list[str]  # the metrics the audit keeps back from the public, by name


@dataclass(frozen=True)
class PeriodRow:
    period: str
    overall: Score
    trend: str  # "+4.2 (± 1.3)"; "" for the first scored period
    unclear: bool = False  # the change is within its uncertainty: no clear change


@dataclass(frozen=True)
class ActionRow:
    title: str
    pillar: str
    status: str
    due: str
    owner: str  # internal only


@dataclass(frozen=True)
class UnitRow:
    name: str
    visibility: str
    metrics: list[MetricRow]


@dataclass(frozen=True)
class InstitutionContext:
    site: Site
    id: str
    name: str
    anonymous: bool
    facts: list[tuple[str, str]]  # (label, text): kind, region, beds, peer group ...
    website: str  # an http(s) address or ""
    period: str
    audited: str
    auditor: str
    overall: Score
    trend: str
    peer_group: str
    peer_percentile: str
    peer_median: str
    peer_count: int
    pillars: list[PillarSection]
    beside: list[PillarSection]
    periods: list[PeriodRow]
    actions: list[ActionRow]
    units: list[UnitRow]
    notes: str  # internal only
    charts: dict[str, Markup] = field(default_factory=dict)
    summary: str = ""  # two plain sentences on the scores, for the top of the page
    changes: ChangeView | None = None  # why the grades changed since the previous period
    next_steps: list[NextStep] = field(default_factory=list)  # distance to the next grade
    badge: BadgeView | None = None  # the SVG badges and the snippet to embed them
    peer_group_url: str = ""  # the peer group's page, ranked in tiers
    compare_url: str = ""  # the compare page with it and its nearest peers chosen; "" alone
    searchable: bool = True  # in the site's search index (not above pages.SEARCHED_UP_TO)
    public: PublicView | None = None  # internal site: the public scores of the same audit
    stale: Stale | None = None  # its latest audit is older than the framework's stale_after
    # the institution's responses to its results, by target: "overall", a pillar or metric id
    responses: dict[str, list[ResponseView]] = field(default_factory=dict)


@dataclass(frozen=True)
class PillarInstitutionRow:
    id: str
    name: str
    url: str
    period: str
    score: Score
    metrics: list[str]  # the metric scores, in the order of PillarContext.metrics


@dataclass(frozen=True)
class PillarContext:
    site: Site
    id: str
    name: str
    question: str
    description: str
    role: str
    weight: str
    # (id, name, target text, short label for a column heading: wording.metric_short)
    metrics: list[tuple[str, str, str, str]]
    institutions: list[PillarInstitutionRow]
    distribution: Markup
    median: str
    rises: list[Mover] = field(default_factory=list)  # biggest changes of this pillar's score
    falls: list[Mover] = field(default_factory=list)
    unclear: int = 0  # institutions whose change is within its uncertainty


@dataclass(frozen=True)
class MetricDefRow:
    id: str
    name: str
    description: str
    kind: str
    unit: str
    better: str
    target: str
    floor: str
    weight: str
    collected: str
    basis: str


@dataclass(frozen=True)
class MethodologyPillar:
    id: str
    name: str
    question: str
    role: str
    weight: str
    metrics: list[MetricDefRow]


@dataclass(frozen=True)
class MethodologyContext:
    site: Site
    pillars: list[MethodologyPillar]
    grades: list[tuple[str, str]]  # (grade, "80 and above")
    min_n_public: int
    min_n_internal: int
    overall_min_pillars: int
    core_count: int
    references: list[tuple[str, str]]
    evidence: EvidenceThresholds = field(default_factory=EvidenceThresholds)  # the data needed
    evidence_resamples: int = 1000  # bootstrap resamples of each interval
    points_up_to: int = charts.POINTS_UP_TO  # an evidence chart's points, at most
    grid: int = charts.GRID  # beyond, its cells across and up
    stale_after: str = "4 quarters"


@dataclass(frozen=True)
class DataContext:
    site: Site
    files: list[tuple[str, str, str]]  # (link, title, description)
    result_count: int
    # (name, its JSON file, its overall badge), links relative to the data page
    institutions: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class InstitutionsIndexContext:
    site: Site
    institutions: list[InstitutionRow]
    peer_groups: list[tuple[str, int]]
    searchable: bool = True  # the institutions' own pages are in the search index


# --- formatting ----------------------------------------------------------------------------


def score_of(result: PillarResult | None) -> Score:
    if result is None:
        return Score(None, "not reported", None, "0 %", "insufficient-data")
    if result.score is None:
        return Score(None, INSUFFICIENT, None, percent_share(result.coverage), result.status)
    return Score(
        result.score, fmt(result.score), result.grade, percent_share(result.coverage), "scored"
    )


def overall_of(result: Result) -> Score:
    o = result.overall
    if o.score is None:
        return Score(None, INSUFFICIENT, None, percent_share(o.coverage), "insufficient-data")
    return Score(o.score, fmt(o.score), o.grade, percent_share(o.coverage), "scored")


def metric_row(
    metric_id: str,
    metric: MetricDef,
    result: MetricResult,
    source: str = "",
    note: str = "",
) -> MetricRow:
    interval = ""
    if result.ci95 is not None:
        interval = f"{result.ci95[0]:.1f} to {result.ci95[1]:.1f}"
    return MetricRow(
        id=metric_id,
        name=metric.name,
        value=value_text(metric, result.value),
        target=target_text(metric),
        score=fmt(result.score),
        n="" if result.n is None else f"{result.n:,}",
        interval=interval,
        source=source,
        status=status_text(result),
        note=note,
        word=""
        if result.status == "reported"
        else STATUS_TEXT[result.status]
        + (f" ({result.reason})" if result.status == "suppressed" and result.reason else ""),
        reason=(result.reason or "") if result.status == "not-applicable" else "",
    )


def chart_block(chart: charts.Chart, chart_id: str, *, table_on_page: bool = False) -> Markup:
    """A chart's HTML block; ``table_on_page``: the page's template shows the same data in a
    table of its own (`charts.chart_html`)."""
    html = charts.chart_html(chart, chart_id=chart_id, table_on_page=table_on_page)
    return Markup(html)  # noqa: S704 - escaped by charts


def grade_bands(framework: Framework) -> list[tuple[str, str]]:
    """Each grade and the scores that earn it: ("A", "80 and above") ... ("F", "below 35")."""
    bands = list(framework.grades)
    out = []
    for index, (letter, minimum) in enumerate(bands):
        if index == len(bands) - 1:
            out.append((letter, f"below {number(bands[index - 1][1])}" if index else "all"))
        else:
            out.append((letter, f"{number(minimum)} and above"))
    return out


#: The most peers an institution's link to the compare page chooses: the compare chart tells
#: six institutions apart by colour and shape.
COMPARE_PEERS = 5


Peer = tuple[str, str, float | None]  # a member of a peer group: id, name, overall score


def compare_addresses(group: Iterable[Peer]) -> dict[str, str]:
    """The compare page, from the page of each member of a peer group, with it and its peers
    chosen: the `COMPARE_PEERS` nearest to its overall score, those without one last, by name
    on a tie; "" for a member alone. The group is sorted once: a page then looks at a few
    members around its own score, however large the group."""
    members = list(group)
    by_name = sorted(members, key=lambda m: (m[2] is None, m[1].lower(), m[0]))
    scored = [(m[2], m) for m in members if m[2] is not None]
    scored.sort(key=lambda s: (s[0], s[1][1].lower(), s[1][0]))
    scores = [score for score, _ in scored]
    unscored = [m for m in by_name if m[2] is None][: COMPARE_PEERS + 1]
    addresses = {}
    for inst_id, _, own in members:
        if own is None:
            candidates = by_name[: COMPARE_PEERS + 1]
        else:
            # The k nearest are among the k + 1 on either side (sorted by score, then name),
            # and those below scored as the lowest of them, whose names come first.
            at = bisect.bisect_left(scores, own)
            lo, hi = max(0, at - COMPARE_PEERS - 1), min(len(scores), at + COMPARE_PEERS + 2)
            while lo > 0 and scores[lo - 1] == scores[lo]:
                lo -= 1
            near = sorted(scored[lo:hi], key=lambda s: (abs(s[0] - own), s[1][1].lower(), s[1][0]))
            candidates = [m for _, m in near] + unscored
        chosen = [m[0] for m in candidates if m[0] != inst_id][:COMPARE_PEERS]
        addresses[inst_id] = "../compare.md?ids=" + ",".join([inst_id, *chosen]) if chosen else ""
    return addresses


def median_text(values: list[float]) -> str:
    return fmt(statistics.median(values)) if values else ""


def site_of(scores: ScoreSet) -> Site:
    fw: Framework = scores.framework
    latest = max((r for r in scores.results), key=lambda r: r.period_order, default=None)
    return Site(
        audience=scores.audience,
        internal=scores.audience == "internal",
        framework_name=fw.name,
        framework_version=fw.version,
        framework_sha256=fw.sha256,
        latest_period=latest.period if latest else "",
        absent=absent_words(
            fw.min_n_public if scores.audience == "public" else fw.min_n_internal, fw.withheld
        ),
        withheld=fw.withheld,
    )


# Pillars in plain words, for sentences ("strongest on psychological safety").
PLAIN_PILLAR_NAMES = {
    "admin": "administration",
    "mission": "mission",
    "autonomy": "autonomy",
    "safety": "psychological safety",
    "recognition": "recognition",
}
_CADENCE_WORDS = {3: "quarter", 6: "half-year", 12: "year"}


def plain_pillar(pillar_id: str, name: str) -> str:
    return PLAIN_PILLAR_NAMES.get(pillar_id, name)


def _previous_text(previous: str, cadence_months: int | None) -> str:
    if cadence_months in _CADENCE_WORDS:
        return f"the previous {_CADENCE_WORDS[cadence_months]} ({previous})"
    return previous


def plain_summary(
    name: str,
    period: str,
    overall: OverallResult,
    core: list[tuple[str, float | None]],
    *,
    previous: str | None = None,
    previous_months: int | None = None,
    trend_uncertainty: float | None = None,
    min_pillars: int = 4,
) -> str:
    """Two sentences in plain words: the overall score and its change, then the pillars.

    core: (plain pillar name, score or None) of each core pillar; previous: the period the
    trend is measured against, with its length in months when it is the period just before.
    """
    reported = percent_share(overall.coverage)
    if overall.score is None:
        have = sum(1 for _, score in core if score is not None)
        enough = "none" if have == 0 else f"only {have}"
        first = (
            f"{name} has no overall score for {period}: {enough} of its {len(core)} core pillars "
            f"{'has' if have <= 1 else 'have'} enough data, and {min_pillars} are needed."
        )
    else:
        grade = f" (grade {overall.grade})" if overall.grade else ""
        first = f"{name} scored {fmt(overall.score)} out of 100{grade} in {period}"
        if overall.trend is None or previous is None:
            first += ", its first overall score."
        elif round(overall.trend, 1) == 0:
            first += f", unchanged from {_previous_text(previous, previous_months)}."
        elif trend_uncertainty is not None and abs(overall.trend) < trend_uncertainty:
            first += (
                f", no clear change from {_previous_text(previous, previous_months)}: "
                f"{signed(overall.trend)} points, within the scores' uncertainty "
                f"(± {fmt(trend_uncertainty)})."
            )
        else:
            way = "up" if overall.trend > 0 else "down"
            points = abs(overall.trend)
            first += (
                f", {way} {fmt(points)} point{'' if fmt(points) == '1.0' else 's'} from "
                f"{_previous_text(previous, previous_months)}."
            )
    scored = [(pillar, score) for pillar, score in core if score is not None]
    ends = extremes(scored) if len(scored) >= 2 else None
    if ends:
        second = (
            f"Of its core pillars, it is strongest on {ends[0]} and weakest on {ends[1]}, "
            f"with {reported} of the measures reported."
        )
    elif len(scored) >= 2:
        second = (
            f"Its {len(scored)} scored core pillars score alike ({fmt(scored[0][1])}), "
            f"with {reported} of the measures reported."
        )
    elif scored:
        second = f"Only {scored[0][0]} has a score, with {reported} of the measures reported."
    else:
        second = f"Too few measures were reported for any pillar score ({reported} reported)."
    return f"{first} {second}"


def as_dict(context: Any) -> dict[str, Any]:
    """A context's fields as template variables (shallow: nested objects stay objects)."""
    return {name: getattr(context, name) for name in context.__dataclass_fields__}


# --- why a grade changed ------------------------------------------------------------------


def change_text(value: float | None) -> str:
    """A change as "+1.2", "-0.4", "0.0", or "–" when unknown."""
    return "–" if value is None else signed(value)


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

    @property
    def framework_changed(self) -> bool:
        """Whether the previous period was published with another framework: only then has
        the change a part from the framework (else it all comes from the data)."""
        return bool(self.published_version)


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
