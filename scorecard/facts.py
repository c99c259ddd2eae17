"""The computed truth: every audience's scores, computed once.

``facts_of(project)`` scores every audit for each audience that may see it, with trends and
peer percentiles, and gathers what the public build's scan must look for. ``scorecard score
--format json`` prints it; the pages, the data files, the badges, ``diff``, ``check``, the board
packets and the scan of the public site are views of it. What each audience may see is decided
by ``scorecard.audience``; how a score is computed, by ``scorecard.score``.

A national project holds a hundred thousand audits: they are scored on every core
(`scorecard.parallel`), each audit's results packed small (``PackedMetrics``), and an audit
scored before, unchanged since, under the same framework and the same program, comes from the
cache (`FactsCache`).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard import cache
from scorecard.audience import (
    AUDIENCES,
    AuditTexts,
    Identity,
    audit_scores,
    audit_texts,
    identities,
    readers,
)
from scorecard.model import Audience, Audit, Framework, Project
from scorecard.parallel import map_shared
from scorecard.project import code_fingerprint
from scorecard.score import (
    OverallResult,
    PackedMetrics,
    PillarResult,
    Result,
    with_peer_percentiles,
    with_trends,
)

#: Audits scored in one task of a worker.
CHUNK = 250


@dataclass(frozen=True)
class ScoreSet:
    """Every result of a project for one audience, sorted by institution and period."""

    audience: Audience
    framework: Framework
    results: list[Result]
    identities: dict[str, Identity]

    def latest(self) -> ScoreSet:
        """Only each institution's latest period."""
        last = {r.institution: r.period for r in self.results}
        kept = [r for r in self.results if last[r.institution] == r.period]
        return ScoreSet(self.audience, self.framework, kept, self.identities)


@dataclass(frozen=True)
class Facts:
    """The scores of each audience asked for, and, with the public one, the texts of every
    audit that a public reader must never see and those it may (``scorecard.audience``)."""

    project: Project
    scores: dict[Audience, ScoreSet]
    texts: list[AuditTexts]

    def __getitem__(self, audience: Audience) -> ScoreSet:
        return self.scores[audience]


#: One audit's scores for one audience: its metrics (packed), pillars and overall score.
Scored = tuple[PackedMetrics, dict[str, PillarResult], OverallResult]
#: One audit scored: for each audience that may see it, its scores; and its texts, when the
#: public audience is among those asked for.
AuditFacts = tuple[dict[Audience, Scored], AuditTexts | None]


@dataclass(frozen=True)
class _Plan:
    """What scoring an audit needs beyond the audit itself."""

    project: Project
    framework: Framework
    seen_by: dict[str, list[tuple[Audience, bool]]]  # institution -> (audience, anonymous)
    texts: bool  # gather the texts the public scan needs


def audit_facts(audit: Audit, plan: _Plan) -> AuditFacts:
    """One audit scored for every audience that may see it."""
    data = audit.data
    scored: dict[Audience, Scored] = {}
    for audience, anonymous in plan.seen_by.get(audit.institution, []):
        metrics, pillars, overall = audit_scores(data, audience, anonymous, plan.framework)
        scored[audience] = (PackedMetrics.pack(metrics), pillars, overall)
    publish = plan.project.institutions[audit.institution].data.publish
    return scored, audit_texts(data, publish) if plan.texts else None


def _score_chunk(plan: _Plan, indices: Sequence[int]) -> list[AuditFacts]:
    out = []
    for i in indices:
        audit = plan.project.audits[i]
        out.append(audit_facts(audit, plan))
        audit.release()  # in a worker: its copy of the model is not needed again
    return out


def facts_of(
    project: Project, audiences: Iterable[Audience] = AUDIENCES, *, cached: bool = True
) -> Facts:
    """Score every audience of ``project`` once; ``cached``: as for ``open_project``."""
    chosen = tuple(a for a in AUDIENCES if a in set(audiences))
    shown = {audience: identities(project, audience) for audience in chosen}
    plan = _Plan(
        project,
        project.framework,
        {i.id: readers(i, shown) for i in project.institutions.values()},
        "public" in chosen,
    )
    each = list(_all_audit_facts(plan, cached))
    scores = {audience: _score_set(project, audience, shown[audience], each) for audience in chosen}
    texts = [t for _, t in each if t is not None]
    return Facts(project, scores, texts)


def _all_audit_facts(plan: _Plan, cached: bool) -> Iterator[AuditFacts]:
    """Every audit's facts in the project's order: from the cache where they were made
    before, the rest on every core."""
    audits = plan.project.audits
    kept = FactsCache(plan, cached)
    keys = [kept.key(audit) for audit in audits]
    missing = [i for i, key in enumerate(keys) if key is None or key not in kept.entries]
    made = dict(zip(missing, _score(plan, missing), strict=True))
    for i, key in enumerate(keys):
        facts = made.pop(i) if i in made else kept.entries[key]
        if key is not None:
            kept.fresh[key] = facts
        yield facts
    kept.save()


def _score(plan: _Plan, indices: Sequence[int]) -> Iterator[AuditFacts]:
    chunks = [indices[i : i + CHUNK] for i in range(0, len(indices), CHUNK)]
    if len(chunks) < 2:
        for i in indices:
            yield audit_facts(plan.project.audits[i], plan)
        return
    with closing(map_shared(_score_chunk, plan, chunks)) as outcomes:
        for outcome in outcomes:
            yield from outcome


def _score_set(
    project: Project,
    audience: Audience,
    shown: dict[str, Identity],
    each: list[AuditFacts],
) -> ScoreSet:
    """One audience's results, with trends and peer percentiles."""
    results: list[Result] = []
    for audit, (scored, _texts) in zip(project.audits, each, strict=True):
        if audience not in scored:
            continue
        metrics, pillars, overall = scored[audience]
        period = audit.period
        results.append(
            Result(
                institution=shown[audit.institution].id,
                period=period.label,
                period_order=(period.year, period.start_month, period.months),
                peer_group=project.institutions[audit.institution].peer_group,
                overall=overall,
                pillars=pillars,
                metrics=metrics,
            )
        )
    results = with_peer_percentiles(with_trends(results))
    results.sort(key=lambda r: (r.institution, r.period_order))
    return ScoreSet(audience, project.framework, results, shown)


class FactsCache:
    """Each audit's facts from earlier runs, by the audit's checked content and who sees it.

    One file per project; a change of this program or of the framework starts anew.
    """

    def __init__(self, plan: _Plan, cached: bool = True) -> None:
        root = plan.project.root
        name = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:24]
        self.name = f"facts-{name}.pickle"
        self.plan = plan
        self.context = (code_fingerprint(), plan.framework.sha256)
        self.entries: dict[Any, AuditFacts] = {}
        self.fresh: dict[Any, AuditFacts] = {}
        self.used = cached and cache.cache_folder() is not None
        if self.used:
            context, entries = cache.fetch(self.name, pickle.load) or (None, None)
            if context == self.context and isinstance(entries, dict):
                self.entries = entries

    def key(self, audit: Audit) -> Any:
        """What an audit's facts depend on; None for an audit with no compact form (made
        in memory, not read from a file), which is never taken from the cache."""
        if not self.used or not audit.stored:
            return None
        publish = self.plan.project.institutions[audit.institution].data.publish
        seen_by = tuple(self.plan.seen_by.get(audit.institution, ()))
        digest = hashlib.blake2b(audit.stored, digest_size=16).digest()
        return (audit.file, digest, publish, seen_by, self.plan.texts)

    def save(self) -> None:
        """Keep what this run made or used (files since removed are dropped)."""
        if not self.used or self.fresh.keys() == self.entries.keys():
            return
        kept = (self.context, self.fresh)
        cache.keep(self.name, lambda handle: pickle.dump(kept, handle, pickle.HIGHEST_PROTOCOL))
