"""The pages and files for comparing institutions: the compare page, a page per peer group
ranked in tiers, the data dictionary, open data per institution, and SVG badges.

Like ``scorecard.pages``, nothing is written here: ``pages()`` gives pages to render and
``files()`` the other files of one audience's site, by path in the docs folder.

**The compare page works without a server.** Its data is ``data/compare.json`` for anyone to
fetch, and the same JSON as ``assets/scorecard-compare-data.js`` (``window.scorecardCompareData =
{...}``), which the page's script loads with a ``<script>`` element only when a compare page is
shown: a script element loads from ``file://`` where ``fetch()`` does not, the data is not on
every page of the site (as it would be through ``extra_javascript``), and it stays plain JSON
text, which the public build's scan for internal text reads (base64 in the page would hide it
from the scan).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import chain
from typing import Any

from markupsafe import Markup

from scorecard import charts
from scorecard.audience import InstitutionFacts, shown_facts
from scorecard.badges import grade_badge
from scorecard.compare import Ranked, overall_uncertainty, tiers
from scorecard.context import (
    PillarHead,
    Score,
    Site,
    chart_block,
    overall_of,
    score_of,
)
from scorecard.dictionary import FILES, DataFile
from scorecard.export import compact_json, json_with_items, result_with_publication
from scorecard.pages import Gatherer, Page
from scorecard.score import Result, r2
from scorecard.text import inert
from scorecard.wording import fmt, status_text, target_text, value_text

COMPARE_JS = "assets/scorecard-compare.js"
COMPARE_CSS = "assets/scorecard-compare.css"
COMPARE_DATA_JS = "assets/scorecard-compare-data.js"
COMPARE_JSON = "data/compare.json"
DATA_GLOBAL = "scorecardCompareData"


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
    name: str
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


@dataclass(frozen=True)
class FieldRow:
    name: str
    type: Markup
    meaning: Markup


@dataclass(frozen=True)
class DictionaryFile:
    title: str
    path: str
    summary: Markup
    fields: list[FieldRow]


@dataclass(frozen=True)
class DataDictionaryContext:
    site: Site
    files: list[DictionaryFile]


def _with_code(text: str) -> Markup:
    """Trusted text of the dictionary as inert text, its `code` spans as code."""
    return Markup(re.sub("&#96;(.*?)&#96;", r"<code>\1</code>", inert(text)))  # noqa: S704


def _dictionary_file(f: DataFile) -> DictionaryFile:
    fields = [FieldRow(x.name, _with_code(x.type), _with_code(x.meaning)) for x in f.fields]
    return DictionaryFile(f.title, f.path, _with_code(f.summary), fields)


# --- pages -----------------------------------------------------------------------------------


class Comparisons:
    """The comparison pages and files of one audience, from its ``Gatherer``."""

    def __init__(self, gatherer: Gatherer) -> None:
        self.g = gatherer
        self.fw = gatherer.framework

    def _anonymous(self, inst_id: str) -> bool:
        return self.g.scores.identities[self.g.real[inst_id].id].anonymous

    def _facts(self, inst_id: str) -> InstitutionFacts:
        real = self.g.real[inst_id]
        return shown_facts(real, self.g.scores.identities[real.id])

    def _region(self, inst_id: str) -> str:
        return self._facts(inst_id).region

    def compare(self) -> Page:
        g = self.g
        rows = [
            CompareRow(
                id=i,
                name=g.names[i],
                url=f"institutions/{i}.md",
                peer_group=g.latest[i].peer_group,
                region=self._region(i),
                period=g.latest[i].period,
                overall=overall_of(g.latest[i]),
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
        context = PeerGroupContext(
            site=g.site,
            name=group,
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
            f"Peer group {group}",
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

    def data_dictionary(self) -> Page:
        context = DataDictionaryContext(self.g.site, [_dictionary_file(f) for f in FILES])
        return Page("data-dictionary.md", ["data-dictionary.md.j2"], context, "Data dictionary")

    def pages(self) -> list[Page]:
        groups = [self.peer_group(name, members) for name, members in self._groups().items()]
        return [self.compare(), self.peer_groups(groups), *groups, self.data_dictionary()]

    # --- files -------------------------------------------------------------------------------

    def compare_document(self) -> dict[str, Any]:
        document = self._compare_head()
        document["institutions"] = [self._compared(inst_id) for inst_id in self.g.shown_ids]
        return document

    def compare_json_parts(self) -> Iterator[str]:
        """``compare_document`` as compact JSON, an institution at a time (the whole document
        of a national site would hold millions of values at once)."""
        compared = (compact_json(self._compared(inst_id)) for inst_id in self.g.shown_ids)
        return json_with_items(compact_json(self._compare_head()), compared)

    def _compare_head(self) -> dict[str, Any]:
        g, fw = self.g, self.fw
        orders = {r.period: r.period_order for r in g.scores.results}
        return {
            "format": "scorecard-compare/1",
            "audience": g.scores.audience,
            "framework": {"version": fw.version, "sha256": fw.sha256},
            "periods": sorted(orders, key=lambda p: orders[p]),
            "pillars": [
                {"id": pid, "name": p.name, "role": p.role} for pid, p in fw.pillars.items()
            ],
            "metrics": [
                {
                    "id": mid,
                    "name": m.name,
                    "pillar": mid.split(".", 1)[0],
                    "target": target_text(m),
                }
                for mid, m in fw.metrics.items()
            ],
            "institutions": [],
        }

    def _compared(self, inst_id: str) -> dict[str, Any]:
        """An institution as the compare page has it: every period's scores, and the metrics
        of its latest."""
        g, fw = self.g, self.fw
        latest = g.latest[inst_id]
        scores: dict[str, dict[str, list[Any]]] = {}
        for h in g.history[inst_id]:
            row = {"overall": [r2(h.overall.score), h.overall.grade]}
            row.update({pid: [r2(p.score), p.grade] for pid, p in h.pillars.items()})
            scores[h.period] = row
        metrics: dict[str, list[Any]] = {}
        for mid, m in latest.metrics.items():
            metric = fw.metrics[mid]
            shown = value_text(metric, m.value) if m.status == "reported" else status_text(m)
            metrics[mid] = [shown, r2(m.score), m.status]
        return {
            "id": inst_id,
            "name": g.names[inst_id],
            "peer_group": latest.peer_group,
            "region": self._region(inst_id) or None,
            "anonymous": self._anonymous(inst_id),
            "period": latest.period,
            "peer_percentile": r2(latest.overall.peer_percentile),
            "scores": scores,
            "metrics": metrics,
        }

    def institution_document(self, inst_id: str, *, results: bool = True) -> dict[str, Any]:
        g, fw = self.g, self.fw
        shown = self._facts(inst_id)
        facts: dict[str, Any] = {
            "id": inst_id,
            "name": g.names[inst_id],
            "anonymous": self._anonymous(inst_id),
            "peer_group": g.real[inst_id].data.peer_group,
        }
        if shown.kind is not None:
            facts["kind"] = shown.kind
            facts["region"] = shown.region
        for key in ("beds", "physicians", "website"):
            if getattr(shown, key) is not None:
                facts[key] = getattr(shown, key)
        badges = {"overall": g.badge_paths[(inst_id, None)]}
        for pid in g.latest[inst_id].pillars:
            if (inst_id, pid) in g.badge_paths:
                badges[pid] = g.badge_paths[(inst_id, pid)]
        return {
            "format": "scorecard-institution/1",
            "framework": {"version": fw.version, "sha256": fw.sha256},
            "audience": g.scores.audience,
            "institution": facts,
            "page": f"institutions/{inst_id}/",
            "badges": badges,
            "results": [
                result_with_publication(r, g.publications)
                for r in (g.history[inst_id] if results else [])
            ],
        }

    def institution_json(self, inst_id: str, results: list[str]) -> bytes:
        """``data/institutions/<id>.json`` around its results already written as JSON (the
        same texts go into data/scores.json: each result is written once for both)."""
        document = compact_json(self.institution_document(inst_id, results=False))
        return ("".join(json_with_items(document, results)) + "\n").encode("utf-8")

    def badges(self) -> Iterator[tuple[str, bytes]]:
        """Each badge's SVG file, one at a time."""
        g, fw = self.g, self.fw
        for (inst_id, pid), path in g.badge_paths.items():
            r = g.latest[inst_id]
            if pid is None:
                label, subject = "Overall", f"{g.names[inst_id]}, overall"
                svg = grade_badge(label, r.period, r.overall.grade, r.overall.score, subject)
            else:
                p = r.pillars[pid]
                name = fw.pillars[pid].name
                svg = grade_badge(name, r.period, p.grade, p.score, f"{g.names[inst_id]}, {name}")
            yield path, (svg + "\n").encode("utf-8")

    def data_texts(self) -> Iterator[tuple[str, Iterable[str]]]:
        """The compare page's data, as JSON and as a script: (docs path, its text in pieces,
        to be written one after another; a national site's is tens of megabytes)."""
        # Data files are compact: Python writes indented JSON many times slower.
        parts = list(self.compare_json_parts())
        yield COMPARE_JSON, chain(parts, ["\n"])
        # In a script, "</" could end it and U+2028/9 break older parsers: escape them. No
        # part ends inside a string (they end at a brace or a bracket), so none splits "</".
        yield COMPARE_DATA_JS, chain([f"window.{DATA_GLOBAL} = "], map(_in_script, parts), [";\n"])

    def files(self) -> Iterator[tuple[str, bytes]]:
        """The scripts and badges behind the pages, one at a time: (docs path, content)."""
        yield COMPARE_JS, _asset("scorecard-compare.js")
        yield COMPARE_CSS, _asset("scorecard-compare.css")
        yield from self.badges()


def _in_script(json_text: str) -> str:
    """JSON text made safe to stand in a script element."""
    escaped = json_text.replace("</", "<\\/").replace("\u2028", "\\u2028")
    return escaped.replace("\u2029", "\\u2029")


def _asset(name: str) -> bytes:
    return resources.files("scorecard").joinpath("assets", name).read_bytes()
