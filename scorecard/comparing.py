"""The pages for comparing institutions: the compare page, where a reader puts any of them side
by side, and a page per peer group, ranked in tiers (``scorecard.uncertainty``).

Like ``scorecard.pages``, nothing is written here: ``pages()`` gives the pages to render.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from markupsafe import Markup

from scorecard import charts
from scorecard.context import Page, PillarHead, Score, Site, chart_block, overall_of, score_of
from scorecard.pages import Gatherer
from scorecard.score import Result
from scorecard.staleness import Stale
from scorecard.uncertainty import Ranked, overall_uncertainty, tiers
from scorecard.wording import fmt, group_name

# --- contexts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    id: str
    name: str
    url: str
    peer_group: str
    region: str  # "" for an anonymous institution
    period: str
    overall: Score
    stale: Stale | None = None  # its latest audit is older than the framework's stale_after


@dataclass(frozen=True)
class CompareContext:
    site: Site
    institutions: list[CompareRow]  # also the page's list for readers without script
    peer_groups: list[str]
    regions: list[str]


@dataclass(frozen=True)
class TierMember:
    id: str
    name: str
    url: str
    overall: Score
    uncertainty: str  # "2.3": half the width of the score's 95 % interval
    percentile: str
    pillars: list[Score]


@dataclass(frozen=True)
class Tier:
    number: int
    members: list[TierMember]  # by name: no order is claimed inside a tier


@dataclass(frozen=True)
class Unranked:
    name: str
    url: str
    why: str


@dataclass(frozen=True)
class PeerGroupContext:
    site: Site
    name: str  # the group in words: its id, each word capitalised (wording.group_name)
    period: str  # the group's latest period: the one ranked
    count: int  # members with an overall score in it
    median: str
    tiers: list[Tier]
    unranked: list[Unranked]
    pillars: list[PillarHead]  # the core pillars, for the columns
    distribution: Markup


@dataclass(frozen=True)
class PeerGroupRow:
    name: str
    url: str
    members: int
    period: str
    median: str
    tiers: int


@dataclass(frozen=True)
class PeerGroupsContext:
    site: Site
    groups: list[PeerGroupRow]


# --- pages -----------------------------------------------------------------------------------


class ComparingPages:
    """The comparison pages of one audience, from its ``Gatherer``."""

    def __init__(self, gatherer: Gatherer) -> None:
        self.g = gatherer
        self.fw = gatherer.framework

    def compare(self) -> Page:
        g = self.g
        rows = [
            CompareRow(
                id=i,
                name=g.names[i],
                url=f"institutions/{i}.md",
                peer_group=group_name(g.latest[i].peer_group),
                region=g.facts_shown(i).region,
                period=g.latest[i].period,
                overall=overall_of(g.latest[i]),
                stale=g.stale.get(i),
            )
            for i in g.shown_ids
        ]
        context = CompareContext(
            site=g.site,
            institutions=rows,
            peer_groups=sorted({r.peer_group for r in rows}),
            regions=sorted({r.region for r in rows if r.region}),
        )
        return Page("compare.md", ["compare.md.j2"], context, "Compare")

    def _group_period(self, members: list[str]) -> Result | None:
        latest = [self.g.latest[i] for i in members]
        return max(latest, key=lambda r: r.period_order, default=None)

    def peer_group(self, group: str, members: list[str]) -> Page:
        g, fw = self.g, self.fw
        newest = self._group_period(members)
        period = newest.period if newest else ""
        ranked: list[tuple[Ranked, Result]] = []
        unranked: list[Unranked] = []
        for inst_id in members:
            url = f"../institutions/{inst_id}.md"
            r = next((h for h in g.history[inst_id] if h.period == period), None)
            if r is None:
                why = f"no audit for {period} (latest: {g.latest[inst_id].period})"
                unranked.append(Unranked(g.names[inst_id], url, why))
            elif r.overall.score is None:
                unranked.append(Unranked(g.names[inst_id], url, f"no overall score for {period}"))
            else:
                u = overall_uncertainty(fw, r) or 0.0
                ranked.append((Ranked(inst_id, r.overall.score, u), r))
        by_id = {entry.id: r for entry, r in ranked}
        core = fw.core_pillars
        tier_list = []
        for number, tier in enumerate(tiers(entry for entry, _ in ranked), start=1):
            members_here = [
                TierMember(
                    id=e.id,
                    name=g.names[e.id],
                    url=f"../institutions/{e.id}.md",
                    overall=overall_of(by_id[e.id]),
                    uncertainty=fmt(e.uncertainty),
                    percentile=fmt(by_id[e.id].overall.peer_percentile, 0),
                    pillars=[score_of(by_id[e.id].pillars.get(p)) for p in core],
                )
                for e in tier
            ]
            members_here.sort(key=lambda m: (m.name.lower(), m.id))
            tier_list.append(Tier(number, members_here))
        scores = [entry.score for entry, _ in ranked]
        dist = charts.distribution(
            [(g.names[entry.id], entry.score) for entry, _ in ranked], highlight=[]
        )
        slug = g.group_slugs[group]
        name = group_name(group)
        context = PeerGroupContext(
            site=g.site,
            name=name,
            period=period,
            count=len(ranked),
            median=fmt(statistics.median(scores)) if scores else "",
            tiers=tier_list,
            unranked=sorted(unranked, key=lambda u: u.name.lower()),
            pillars=[PillarHead(p, fw.pillars[p].name, f"../pillars/{p}.md", "core") for p in core],
            distribution=chart_block(dist, f"chart-peer-group-{slug}"),
        )
        return Page(
            f"peer-groups/{slug}.md",
            [f"peer-group-{slug}.md.j2", "peer-group.md.j2"],
            context,
            f"{name} peer group",
        )

    def _groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for inst_id in self.g.shown_ids:
            groups.setdefault(self.g.latest[inst_id].peer_group, []).append(inst_id)
        return dict(sorted(groups.items()))

    def peer_groups(self, pages: list[Page]) -> Page:
        rows = []
        for page in pages:
            c: PeerGroupContext = page.context
            rows.append(
                PeerGroupRow(
                    name=c.name,
                    url=page.path.removeprefix("peer-groups/"),
                    members=sum(len(t.members) for t in c.tiers) + len(c.unranked),
                    period=c.period,
                    median=c.median,
                    tiers=len(c.tiers),
                )
            )
        context = PeerGroupsContext(self.g.site, rows)
        return Page("peer-groups/index.md", ["peer-groups.md.j2"], context, "Peer groups")

    def pages(self) -> list[Page]:
        groups = [self.peer_group(name, members) for name, members in self._groups().items()]
        return [self.compare(), self.peer_groups(groups), *groups]
