"""Gather every page of one audience's site: its path, its templates and its context.

Nothing is written here. Links are relative to the page's own Markdown file, so MkDocs
(or Zensical) resolves and checks them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from markupsafe import Markup

from scorecard import charts
from scorecard.audience import (
    AuditView,
    InstitutionFacts,
    anonymised,
    shown_facts,
    view_audit,
)
from scorecard.badges import BadgeView, badge_paths, grade_badge, inline, site_address
from scorecard.changes import grade_changes, next_step
from scorecard.context import (
    ActionRow,
    HomeContext,
    InstitutionContext,
    InstitutionRow,
    InstitutionsIndexContext,
    MetricRow,
    Mover,
    Page,
    PeriodRow,
    PillarContext,
    PillarHead,
    PillarInstitutionRow,
    PillarSection,
    PublicView,
    Site,
    UnitRow,
    change_view,
    chart_block,
    compare_addresses,
    grade_bands,
    median_text,
    metric_row,
    overall_of,
    plain_pillar,
    plain_summary,
    score_of,
    site_of,
)
from scorecard.facts import ScoreSet
from scorecard.model import Audit, Framework, Institution, Project, Source
from scorecard.publications import Publications, framework_marks
from scorecard.reference_pages import data_page, methodology_page
from scorecard.responses import response_views
from scorecard.score import MetricResult, Result, score_metric
from scorecard.staleness import stale_institutions
from scorecard.uncertainty import Move, group_slugs, latest_move, movers, moves
from scorecard.wording import (
    KIND_NAMES,
    STATUS_TEXT,
    fmt,
    group_name,
    metric_short,
    number,
    short_name,
    signed,
    target_text,
    uncertain_change,
)

MOVERS = 5
HEATMAP_UP_TO = 60  # more institutions than this: no heat map on the home page, only the table
# More institutions than this: their pages stay out of the search index, which would otherwise
# grow by about 12 KB per institution (70 MB for 6,000) and take a browser minutes to load;
# an institution is found by name on the Institutions page, which the index holds.
SEARCHED_UP_TO = 300


def _latest(results: list[Result]) -> dict[str, Result]:
    latest: dict[str, Result] = {}
    for r in results:
        latest[r.institution] = r  # results are sorted by institution, then period
    return latest


def _by_institution(results: list[Result]) -> dict[str, list[Result]]:
    grouped: dict[str, list[Result]] = {}
    for r in results:
        grouped.setdefault(r.institution, []).append(r)
    return grouped


class Gatherer:
    """Builds the page contexts of one audience from its scores."""

    def __init__(
        self,
        project: Project,
        scores: ScoreSet,
        publications: Publications | None = None,
        site_url: str = "",
        public: ScoreSet | None = None,
    ) -> None:
        self.project = project
        self.scores = scores
        #: on the internal site: the public scores, shown beside the internal ones, by
        #: (institution, period)
        self.public = public if scores.audience == "internal" else None
        self.public_results: dict[tuple[str, str], Result] = {}
        if self.public is not None:
            real = {ident.id: real_id for real_id, ident in self.public.identities.items()}
            for result in self.public.results:
                self.public_results[(real[result.institution], result.period)] = result
        self.site_url = site_address(site_url)  # for the badge snippets
        # what the previous build published under another framework (scorecard.publications)
        self.publications: Publications = publications or {}
        self.framework: Framework = scores.framework
        self.site: Site = site_of(scores)
        self.latest = _latest(scores.results)
        self.history = _by_institution(scores.results)
        #: (peer group, period) -> its results, so that a page does not scan every result
        self.peers: dict[tuple[str, str], list[Result]] = {}
        for result in scores.results:
            self.peers.setdefault((result.peer_group, result.period), []).append(result)
        #: the same groups' overall scores, sorted once for all their members' pages
        self.spreads: dict[tuple[str, str], charts.Spread] = {}
        self.compare_urls: dict[tuple[str, str], dict[str, str]] = {}  # by member, as the groups
        # shown id -> real institution
        self.real: dict[str, Institution] = {
            ident.id: project.institutions[real_id] for real_id, ident in scores.identities.items()
        }
        self.names = {ident.id: ident.name for ident in scores.identities.values()}
        self.audits: dict[tuple[str, str], Audit] = {}
        for audit in project.audits:
            ident = scores.identities.get(audit.institution)
            if ident is not None:
                self.audits[(ident.id, audit.period.label)] = audit
        self.shown_ids = sorted(
            (i for i in self.names if i in self.latest), key=lambda i: self.names[i].lower()
        )
        self.badge_paths = badge_paths({i: list(self.latest[i].pillars) for i in self.shown_ids})
        self.group_slugs = group_slugs(self.latest[i].peer_group for i in self.shown_ids)
        # Whether institution pages are in the search index (see SEARCHED_UP_TO).
        self.searched = len(self.shown_ids) <= SEARCHED_UP_TO
        #: shown id -> why its latest audit is stale (scorecard.staleness)
        self.stale = stale_institutions(scores)
        self.as_of = project.as_of  # the day responses expire by (Project.as_of)

    # --- shared pieces ------------------------------------------------------------------

    def is_anonymous(self, inst_id: str) -> bool:
        """Whether the institution shown as ``inst_id`` is anonymous to this audience."""
        return self.scores.identities[self.real[inst_id].id].anonymous

    def facts_shown(self, inst_id: str) -> InstitutionFacts:
        """What this audience may learn of the institution shown as ``inst_id`` itself."""
        real = self.real[inst_id]
        return shown_facts(real, self.scores.identities[real.id])

    def public_view(self, inst_id: str, r: Result) -> PublicView | None:
        """On the internal site: what the public site shows of the same audit."""
        if self.public is None:
            return None
        identity = self.public.identities.get(inst_id)
        seen = self.public_results.get((inst_id, r.period))
        if identity is None or seen is None:
            return PublicView(False, "", None, [])
        fw = self.framework
        withheld = [fw.metrics[m].name for m, x in seen.metrics.items() if x.status == "withheld"]
        return PublicView(True, identity.name, overall_of(seen), withheld)

    def _row(self, inst_id: str, prefix: str) -> InstitutionRow:
        r = self.latest[inst_id]
        return InstitutionRow(
            id=inst_id,
            name=self.names[inst_id],
            url=f"{prefix}institutions/{inst_id}.md",
            peer_group=group_name(r.peer_group),
            period=r.period,
            overall=overall_of(r),
            trend=signed(r.overall.trend),
            pillars=[score_of(r.pillars.get(p)) for p in self.framework.pillars],
            stale=self.stale.get(inst_id),
        )

    def _pillar_heads(self, prefix: str) -> list[PillarHead]:
        return [
            PillarHead(pid, p.name, f"{prefix}pillars/{pid}.md", p.role)
            for pid, p in self.framework.pillars.items()
        ]

    def _movers(self, prefix: str, pillar: str | None = None) -> dict[str, Any]:
        """The biggest clear rises and falls of the overall score (or ``pillar``'s), and how
        many institutions changed within their uncertainty (`scorecard.uncertainty.movers`)."""
        found = movers(self.framework, self.history, self.names, pillar, MOVERS)

        def mover(m: Move) -> Mover:
            r = self.latest[m.institution]
            score = overall_of(r) if pillar is None else score_of(r.pillars.get(pillar))
            url = f"{prefix}institutions/{m.institution}.md"
            return Mover(
                m.institution,
                self.names[m.institution],
                url,
                m.change,
                uncertain_change(m.change, m.uncertainty),
                score,
                m.period,
            )

        return {
            "rises": [mover(m) for m in found.rises],
            "falls": [mover(m) for m in found.falls],
            "unclear": found.unclear,
        }

    def _spread(self, key: tuple[str, str]) -> charts.Spread:
        """The overall scores of one peer group in one period, sorted and binned once."""
        if key not in self.spreads:
            self.spreads[key] = charts.spread(x.overall.score for x in self.peers[key])
        return self.spreads[key]

    def _peer_chart(self, inst_id: str, r: Result) -> charts.Chart:
        """The peer group's overall scores with this institution marked: its peers as dots up
        to `charts.DOTS_UP_TO` scored, else a histogram that costs the same for any group."""
        key = (r.peer_group, r.period)
        name, group = self.names[inst_id], self._spread(key)
        if len(group.scores) > charts.DOTS_UP_TO:
            return charts.histogram(group, [(name, r.overall.score)])
        peers = [(self.names[x.institution], x.overall.score) for x in self.peers[key]]
        return charts.distribution(peers, highlight=[name])

    # --- pages --------------------------------------------------------------------------

    def home(self) -> Page:
        rows = [self._row(i, "") for i in self.shown_ids]
        heatmap = Markup()
        if len(self.shown_ids) <= HEATMAP_UP_TO:
            heat = charts.heatmap(
                (
                    self.names[i],
                    short_name(pid),
                    self.latest[i].pillars[pid].score if pid in self.latest[i].pillars else None,
                    self.latest[i].pillars[pid].grade if pid in self.latest[i].pillars else None,
                )
                for i in self.shown_ids
                for pid, p in self.framework.pillars.items()
                if p.role == "core"
            )
            heatmap = chart_block(heat, "chart-heatmap")
        moved = self._movers("")
        context = HomeContext(
            site=self.site,
            pillars=self._pillar_heads(""),
            institutions=rows,
            **moved,
            heatmap=heatmap,
            user_pages=[],
            grades=grade_bands(self.framework),
        )
        return Page("index.md", ["home.md.j2"], context, "Home")

    def institutions_index(self) -> Page:
        groups: dict[str, int] = {}
        for i in self.shown_ids:
            groups[self.latest[i].peer_group] = groups.get(self.latest[i].peer_group, 0) + 1
        context = InstitutionsIndexContext(
            site=self.site,
            institutions=[self._row(i, "../") for i in self.shown_ids],
            peer_groups=[(group_name(g), n) for g, n in sorted(groups.items())],
            searchable=self.searched,
        )
        return Page("institutions/index.md", ["institutions.md.j2"], context, "Institutions")

    def latest_audit(self, inst_id: str) -> Audit:
        """The audit of the institution's latest scored period: what its page shows."""
        return self.audits[(inst_id, self.latest[inst_id].period)]

    def institution(self, inst_id: str) -> Page:
        fw = self.framework
        r = self.latest[inst_id]
        inst = self.real[inst_id]
        audit = self.latest_audit(inst_id)
        view = view_audit(audit, self.scores.audience, fw, self.as_of)
        anonymous = self.scores.identities[inst.id].anonymous
        if anonymous:
            view = anonymised(view)
        public = self.public_view(inst_id, r)
        seen = self.public_results.get((inst_id, r.period)) if public else None
        sections = [self._section(pid, r, view, seen) for pid in fw.pillars if pid in r.pillars]
        metric_ids = {m.id for s in sections for m in s.metrics}
        peers = self._spread((r.peer_group, r.period))
        history = self.history[inst_id]
        trend_rows: list[tuple[str, str, float | None]] = []
        for h in history:
            trend_rows.append((h.period, "Overall", h.overall.score))
            for pid in fw.core_pillars:
                pillar = h.pillars.get(pid)
                trend_rows.append(
                    (h.period, fw.pillars[pid].name, pillar.score if pillar else None)
                )
        chart_map = {
            "pillars": chart_block(
                charts.pillar_scores(
                    [
                        (s.id, s.name, s.score.value, s.score.grade, r.pillars[s.id].coverage)
                        for s in sections
                    ],
                    bands=list(fw.grades),
                    beside=fw.beside_pillars,
                ),
                "chart-pillars",
                table_on_page=True,  # institution.md.j2's table of pillars follows the chart
            ),
            "trend": chart_block(
                charts.with_framework_marks(
                    charts.trend(trend_rows), framework_marks(history, self.publications, fw)
                ),
                "chart-trend",
            ),
        }
        if len(self.peers[(r.peer_group, r.period)]) > 1:
            chart_map["peers"] = chart_block(self._peer_chart(inst_id, r), "chart-peers")
        shown = shown_facts(inst, self.scores.identities[inst.id])
        facts: list[tuple[str, str]] = [("Peer group", group_name(r.peer_group))]
        if shown.kind is not None:
            facts = [("Kind", KIND_NAMES.get(shown.kind, shown.kind)), *facts]
        if shown.region:
            facts.insert(len(facts) - 1, ("Region", shown.region))
        if shown.beds is not None:
            facts.append(("Beds", f"{shown.beds:,}"))
        if shown.physicians is not None:
            facts.append(("Physicians", f"{shown.physicians:,}"))
        fw_pillars = fw.pillars
        period_rows = self._period_rows(history)
        summary = plain_summary(
            self.names[inst_id],
            r.period,
            r.overall,
            [
                (plain_pillar(pid, fw_pillars[pid].name), r.pillars[pid].score)
                if pid in r.pillars
                else (plain_pillar(pid, fw_pillars[pid].name), None)
                for pid in fw.core_pillars
            ],
            min_pillars=fw.overall_min_pillars,
            **self._previous(inst_id, r),
        )
        context = InstitutionContext(
            site=self.site,
            id=inst_id,
            name=self.names[inst_id],
            anonymous=anonymous,
            facts=facts,
            website=shown.website or "",
            period=r.period,
            audited=view.audited.isoformat() if view.audited else "",
            auditor="" if anonymous else view.auditor,
            overall=overall_of(r),
            trend=period_rows[-1].trend + (" no clear change" if period_rows[-1].unclear else ""),
            peer_group=group_name(r.peer_group),
            peer_percentile=fmt(r.overall.peer_percentile, 0),
            peer_median=fmt(peers.median),
            peer_count=len(peers.scores),
            pillars=[s for s in sections if fw_pillars[s.id].role == "core"],
            beside=[s for s in sections if fw_pillars[s.id].role != "core"],
            periods=period_rows,
            actions=[
                ActionRow(
                    title=a.title,
                    pillar=fw_pillars[a.pillar].name if a.pillar in fw_pillars else a.pillar,
                    status=a.status.replace("-", " "),
                    due=a.due.isoformat() if a.due else "",
                    owner=a.owner or "",
                )
                for a in view.actions
            ],
            units=self._units(view),
            notes=view.notes,
            charts=chart_map,
            summary=summary,
            searchable=self.searched,
            public=public,
            stale=self.stale.get(inst_id),
            responses=response_views(
                view.responses,
                fw,
                {"overall", *(s.id for s in sections)} | metric_ids,
                audit.data.visibility,
            ),
            **self._explained(inst_id),
        )
        return Page(
            f"institutions/{inst_id}.md",
            [f"institution-{inst_id}.md.j2", "institution.md.j2"],
            context,
            self.names[inst_id],
        )

    def _period_rows(self, history: list[Result]) -> list[PeriodRow]:
        """Each period's overall score and its change, marked when within its uncertainty."""
        changes = {m.period: m for m in moves(self.framework, history)}
        rows = []
        for h in history:
            m = changes.get(h.period)
            trend = "" if m is None else uncertain_change(m.change, m.uncertainty)
            rows.append(PeriodRow(h.period, overall_of(h), trend, m is not None and not m.clear))
        return rows

    def _previous(self, inst_id: str, r: Result) -> dict[str, Any]:
        """The period the trend is measured against, and its length when it is the one before."""
        earlier = [h for h in self.history[inst_id] if h.period_order < r.period_order]
        scored = [h for h in earlier if h.overall.score is not None]
        if not scored:
            return {}
        before = scored[-1]
        now = self.audits[(inst_id, r.period)].period
        then = self.audits[(inst_id, before.period)].period
        adjacent = (
            12 * then.year + then.start_month + then.months == 12 * now.year + now.start_month
        )
        move = latest_move(self.framework, self.history[inst_id])
        return {
            "previous": before.period,
            "previous_months": then.months if adjacent else None,
            "trend_uncertainty": move.uncertainty if move else None,
        }

    def _source_text(self, source: Source | None, source_id: str | None) -> str:
        if source is None:
            return source_id or ""
        text = source.instrument or source.id
        if source.kind and text != source.kind.replace("-", " "):
            text += f" ({source.kind.replace('-', ' ')})"
        return text

    def _section(
        self, pid: str, r: Result, view: AuditView, public: Result | None = None
    ) -> PillarSection:
        fw = self.framework
        pillar = fw.pillars[pid]
        entries = view.audit.data.metrics
        rows: list[MetricRow] = []
        for mid in fw.metrics_by_pillar.get(pid, []):
            metric = fw.metrics[mid]
            result = r.metrics.get(mid, MetricResult("missing"))
            entry = entries.get(mid)
            source_id = entry.source if entry is not None and result.status == "reported" else None
            source = view.sources.get(source_id) if source_id else None
            rows.append(
                metric_row(
                    mid,
                    metric,
                    result,
                    source=self._source_text(source, source_id),
                    note=view.metric_notes.get(mid, ""),
                )
            )
        return PillarSection(
            id=pid,
            name=pillar.name,
            question=pillar.question,
            url=f"../pillars/{pid}.md",
            score=score_of(r.pillars.get(pid)),
            metrics=rows,
            public=score_of(public.pillars.get(pid)) if public else None,
        )

    def _units(self, view: AuditView) -> list[UnitRow]:
        fw = self.framework
        out = []
        for unit in view.units:
            rows = []
            for mid, seen in unit.observations.items():
                metric = fw.metrics.get(mid)
                if metric is None:
                    continue
                rows.append(metric_row(mid, metric, score_metric(metric, seen)))
            out.append(UnitRow(unit.name, unit.visibility, rows))
        return out

    def pillar(self, pid: str) -> Page:
        fw = self.framework
        pillar = fw.pillars[pid]
        metric_ids = fw.metrics_by_pillar.get(pid, [])
        rows = []
        scores = []
        for inst_id in self.shown_ids:
            r = self.latest[inst_id]
            if pid not in r.pillars:
                continue
            score = score_of(r.pillars[pid])
            if score.value is not None:
                scores.append(score.value)
            rows.append(
                PillarInstitutionRow(
                    id=inst_id,
                    name=self.names[inst_id],
                    url=f"../institutions/{inst_id}.md",
                    period=r.period,
                    score=score,
                    metrics=[_cell(r.metrics.get(m)) for m in metric_ids],
                )
            )
        dist = charts.distribution([(row.name, row.score.value) for row in rows], highlight=[])
        context = PillarContext(
            site=self.site,
            id=pid,
            name=pillar.name,
            question=pillar.question,
            description=pillar.description,
            role=pillar.role,
            weight=number(pillar.weight),
            metrics=[
                (m, fw.metrics[m].name, target_text(fw.metrics[m]), metric_short(m))
                for m in metric_ids
            ],
            institutions=rows,
            distribution=chart_block(dist, f"chart-pillar-{pid}"),
            median=median_text(scores),
            **self._movers("../", pid),
        )
        return Page(
            f"pillars/{pid}.md", [f"pillar-{pid}.md.j2", "pillar.md.j2"], context, pillar.name
        )

    def _explained(self, inst_id: str) -> dict[str, Any]:
        """Why the grades changed, the distance to the next grade, the badges, and the ways to
        its peers."""
        fw = self.framework
        r = self.latest[inst_id]
        changes = grade_changes(fw, self.history[inst_id], self.publications)
        steps = [s for pid in fw.pillars if (s := next_step(fw, pid, r)) is not None]
        paths = self.badge_paths
        subject = f"{self.names[inst_id]}, overall"
        svg = grade_badge("Overall", r.period, r.overall.grade, r.overall.score, subject)
        badge = BadgeView(
            preview=inline(svg),
            overall=paths[(inst_id, None)],
            page=f"institutions/{inst_id}/",
            alt=f"{self.names[inst_id]}: grade {r.overall.grade or 'none'}, {r.period}",
            pillars=[
                (fw.pillars[pid].name, paths[(inst_id, pid)])
                for pid in r.pillars
                if (inst_id, pid) in paths
            ],
            base=self.site_url,
        )
        return {
            "changes": change_view(changes, fw) if changes else None,
            "next_steps": steps,
            "badge": badge,
            "peer_group_url": f"../peer-groups/{self.group_slugs[r.peer_group]}.md",
            "compare_url": self._compare_url(inst_id, (r.peer_group, r.period)),
        }

    def _compare_url(self, inst_id: str, key: tuple[str, str]) -> str:
        """The compare page with the institution and its nearest peers chosen."""
        if key not in self.compare_urls:
            group = (
                (x.institution, self.names[x.institution], x.overall.score) for x in self.peers[key]
            )
            self.compare_urls[key] = compare_addresses(group)
        return self.compare_urls[key][inst_id]

    def methodology(self) -> Page:
        return methodology_page(self.site, self.framework)

    def data(self) -> Page:
        per_institution = [
            (self.names[i], f"data/institutions/{i}.json", self.badge_paths[(i, None)])
            for i in self.shown_ids
        ]
        return data_page(self.site, len(self.scores.results), per_institution)

    def pages(self, *, institutions: bool = True) -> Iterator[Page]:
        """Every generated page; ``institutions=False``: but each institution's own, which
        `institution` makes one by one (the site renders them apart, on other cores)."""
        yield self.home()
        yield self.institutions_index()
        for inst_id in self.shown_ids if institutions else ():
            yield self.institution(inst_id)
        for pid in self.framework.pillars:
            yield self.pillar(pid)
        yield self.methodology()
        yield self.data()


def gather(
    project: Project,
    scores: ScoreSet,
    progress: Callable[[int], None] | None = None,
    publications: Publications | None = None,
) -> list[Page]:
    """Every generated page of one audience's site."""
    out = []
    for page in Gatherer(project, scores, publications).pages():
        out.append(page)
        if progress:
            progress(1)
    return out


def _cell(result: MetricResult | None) -> str:
    """A metric in a pillar page's table: its score, or the word for why there is none."""
    if result is None:
        return STATUS_TEXT["missing"]
    return fmt(result.score) if result.status == "reported" else STATUS_TEXT[result.status]
