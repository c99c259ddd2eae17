"""The one place that decides what a public or an internal reader may see.

Public readers see only public, unsuppressed values of institutions that publish;
anonymous institutions appear under a stable pseudonym. Internal readers see
everything that is not suppressed for the internal audience. Each audience's scores
are computed from exactly what it may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from scorecard import anonymity
from scorecard.leaks import LeakScanner, PublicScan
from scorecard.model import (
    Action,
    Audience,
    Audit,
    AuditFile,
    Framework,
    Institution,
    MetricEntry,
    Project,
    Publish,
    Response,
    Source,
    Visibility,
)
from scorecard.score import AuditScores, Observation, score_audit

AUDIENCES: tuple[Audience, ...] = ("public", "internal")


@dataclass(frozen=True)
class Identity:
    """How an institution is named to an audience."""

    id: str
    name: str
    anonymous: bool = False


def may_see(audience: Audience, visibility: Visibility) -> bool:
    return audience == "internal" or visibility == "public"


def threshold(framework: Framework, audience: Audience) -> int:
    return framework.min_n_public if audience == "public" else framework.min_n_internal


def observe(
    entry: MetricEntry, default: Visibility, audience: Audience, framework: Framework
) -> Observation:
    """What ``audience`` sees of one metric entry: its value, a status, or that it was kept
    back.

    An entry the audience may not see keeps its status (not reported, not applicable) without
    its reason; a value is `withheld`, unless its n is below the audience's threshold, where
    it is suppressed as it would be if it were shown: suppression protects respondents and is
    never the institution's choice.
    """
    limit = threshold(framework, audience)
    small = entry.n is not None and entry.n < limit
    if not may_see(audience, entry.visibility or default):
        if entry.status is not None:
            return Observation(entry.status)
        if small:
            return Observation("suppressed", reason=f"n < {limit}")
        return Observation("withheld")
    if entry.status is not None:
        return Observation(entry.status, reason=entry.reason)
    if small:
        return Observation("suppressed", reason=f"n < {limit}")
    value = entry.value
    return Observation("reported", value, entry.n, entry.positive)


def observations(audit: Audit, audience: Audience, framework: Framework) -> dict[str, Observation]:
    return file_observations(audit.data, audience, framework)


def file_observations(
    data: AuditFile, audience: Audience, framework: Framework
) -> dict[str, Observation]:
    default = data.visibility
    return {
        metric_id: observe(entry, default, audience, framework)
        for metric_id, entry in data.metrics.items()
    }


def audit_scores(
    data: AuditFile, audience: Audience, anonymous: bool, framework: Framework
) -> AuditScores:
    """One audit's metric, pillar and overall scores as ``audience`` sees them."""
    seen = file_observations(data, audience, framework)
    if anonymous:
        seen = _without_free_text(seen)
    return score_audit(framework, seen)


def included(institution: Institution, audience: Audience) -> bool:
    return audience == "internal" or institution.data.publish != "private"


def identities(project: Project, audience: Audience) -> dict[str, Identity]:
    """Real ids and names, or for anonymous institutions in public, "Peer A", "Peer B", ...

    The letters and their limits: ``scorecard.anonymity``.
    """
    out: dict[str, Identity] = {}
    aliases = anonymity.aliases(project) if audience == "public" else {}
    for inst_id, inst in sorted(project.institutions.items()):
        if not included(inst, audience):
            continue
        if inst_id in aliases:
            letters = aliases[inst_id]
            out[inst_id] = Identity(f"peer-{letters.lower()}", f"Peer {letters}", True)
        else:
            out[inst_id] = Identity(inst_id, inst.name)
    return out


def _without_free_text(seen: dict[str, Observation]) -> dict[str, Observation]:
    """An anonymous institution's reasons ("no beds at St. X") could name it: left out."""
    return {
        metric_id: Observation(o.status) if o.status in ("not-applicable", "not-reported") else o
        for metric_id, o in seen.items()
    }


def readers(
    institution: Institution, identities: Mapping[Audience, Mapping[str, Identity]]
) -> list[tuple[Audience, bool]]:
    """Each audience that may see the institution's audits, and whether it sees them
    anonymously; ``identities``: each audience's (``identities``)."""
    out: list[tuple[Audience, bool]] = []
    for audience, shown in identities.items():
        identity = shown.get(institution.id)
        if identity is not None:
            out.append((audience, identity.anonymous))
    return out


@dataclass(frozen=True)
class UnitView:
    id: str
    name: str
    visibility: Visibility
    observations: dict[str, Observation]


@dataclass(frozen=True)
class AuditView:
    """What an audience may see of one audit beyond its scores."""

    audit: Audit
    sources: dict[str, Source]
    actions: list[Action]
    units: list[UnitView]
    notes: str
    metric_notes: dict[str, str]
    auditor: str
    audited: date | None  # none when the audit is kept back (see `shown_date`)
    responses: list[Response] = field(default_factory=list)


def kept_back(audit: Audit, audience: Audience) -> bool:
    """Whether the whole audit is kept back from ``audience``: a file marked `visibility:
    internal`. The public then learns only that an audit for its period exists: not who
    carried it out, when, or from which sources; only items marked public show."""
    return not may_see(audience, audit.visibility)


def shown_date(audit: Audit, audience: Audience) -> date | None:
    """The date the audit was carried out, as ``audience`` may know it."""
    return None if kept_back(audit, audience) else audit.audited


def shown_responses(
    data: AuditFile, audience: Audience, as_of: date | None = None, *, anonymous: bool = False
) -> list[Response]:
    """The institution's responses that ``audience`` may see: each by its own visibility
    (else the file's), and none that expired before ``as_of``, the project's newest audit
    date (``Project.as_of``). None of an institution shown anonymously: its own words could
    name it (``anonymised``)."""
    if anonymous:
        return []
    return [
        r
        for r in data.responses
        if may_see(audience, r.visibility or data.visibility)
        and (as_of is None or r.expires is None or r.expires >= as_of)
    ]


def view_audit(
    audit: Audit, audience: Audience, framework: Framework, as_of: date | None = None
) -> AuditView:
    """Actions, units, notes and responses as ``audience`` may see them.

    Notes and every ``note`` are internal. Units are internal unless marked public; their
    values are suppressed below the audience's threshold like any survey item. Responses
    that expired before ``as_of`` are left out (`shown_responses`).
    """
    data = audit.data
    default = data.visibility
    internal = audience == "internal"
    actions = [a for a in data.actions if may_see(audience, a.visibility or default)]
    if not internal:  # owners and notes are for the internal site only
        actions = [a.model_copy(update={"owner": None, "note": None}) for a in actions]
    units = [
        UnitView(
            unit_id,
            unit.name,
            unit.visibility,
            {
                metric_id: observe(entry, unit.visibility, audience, framework)
                for metric_id, entry in unit.metrics.items()
            },
        )
        for unit_id, unit in data.units.items()
        if may_see(audience, unit.visibility)
    ]
    metric_notes = {mid: e.note for mid, e in data.metrics.items() if e.note} if internal else {}
    withheld = kept_back(audit, audience)
    sources = {} if withheld else {s.id: s for s in data.sources}
    if not internal:  # a source's note too
        sources = {i: s.model_copy(update={"note": None}) for i, s in sources.items()}
    return AuditView(
        audit=audit,
        sources=sources,
        actions=actions,
        units=units,
        notes=(data.notes or "") if internal else "",
        metric_notes=metric_notes,
        auditor="" if withheld else data.auditor,
        audited=shown_date(audit, audience),
        responses=shown_responses(data, audience, as_of),
    )


@dataclass(frozen=True)
class InstitutionFacts:
    """What a reader may learn of an institution itself: nothing identifying when anonymous."""

    kind: str | None
    region: str
    beds: int | None
    physicians: int | None
    website: str | None


def shown_facts(institution: Institution, identity: Identity) -> InstitutionFacts:
    if identity.anonymous:
        return InstitutionFacts(None, "", None, None, None)
    d = institution.data
    return InstitutionFacts(d.kind, d.region, d.beds, d.physicians, d.website)


def anonymised(view: AuditView) -> AuditView:
    """What a public reader sees of an anonymous institution's audit beyond its scores: no
    auditor, actions, units or responses, and each source only as its kind, since any free
    text written by the institution could name it."""
    sources = {
        source_id: Source.model_construct(id=s.kind.replace("-", " "), kind=s.kind)
        for source_id, s in view.sources.items()
    }
    return replace(
        view, sources=sources, actions=[], units=[], auditor="", metric_notes={}, responses=[]
    )


AuditTexts = tuple[frozenset[str], frozenset[str]]


def audit_texts(data: AuditFile, publish: Publish) -> AuditTexts:
    """The texts of one audit that a public reader must never see, and those it may."""
    return audit_internal_texts(data, publish), audit_public_texts(data, publish)


def internal_texts(project: Project, each_audit: Iterable[AuditTexts]) -> set[str]:
    """Every text a public reader must never see: the canaries of the public build's scan;
    ``each_audit``: every audit's `audit_texts`."""
    texts: set[str] = set()
    for inst in project.institutions.values():
        if inst.data.publish != "named":
            texts.update({inst.name, inst.data.website or "", inst.data.region})
    for internal, _public in each_audit:
        texts |= internal
    return {t for t in texts if t.strip()}


def audit_internal_texts(data: AuditFile, publish: Publish) -> frozenset[str]:
    """The texts of one audit that a public reader must never see."""
    texts: set[str] = set()
    default = data.visibility
    if publish != "named" or not may_see("public", default):
        # what could tell an unnamed institution, or was kept back with the whole audit: its
        # auditor and sources
        texts.add(data.auditor)
        texts.update(s.instrument or "" for s in data.sources)
    if publish != "named":
        # and, of an unnamed institution, its reasons, plans, units and own words
        texts.update(e.reason or "" for e in data.metrics.values())
        texts.update(a.title for a in data.actions)
        texts.update(u.name for u in data.units.values())
        texts.update(r.text for r in data.responses)
    texts.add(data.notes or "")
    for entry in data.metrics.values():
        texts.add(entry.note or "")
        if not may_see("public", entry.visibility or default):
            texts.add(entry.reason or "")
    for source in data.sources:
        texts.add(source.note or "")
    for action in data.actions:
        texts.update({action.owner or "", action.note or ""})
        if not may_see("public", action.visibility or default):
            texts.add(action.title)
    for unit in data.units.values():
        texts.add(unit.note or "")
        texts.update(entry.note or "" for entry in unit.metrics.values())
        if unit.visibility != "public":
            texts.add(unit.name)
    for response in data.responses:
        if not may_see("public", response.visibility or default):
            texts.add(response.text)
    return frozenset(t for t in texts if t.strip())


def public_texts(project: Project, each_audit: Iterable[AuditTexts]) -> set[str]:
    """Texts a public reader may see: an internal text equal to one of these is no secret."""
    texts: set[str] = set()
    for inst in project.institutions.values():
        if inst.data.publish == "named":
            texts.update({inst.name, inst.data.website or "", inst.data.region})
    for _internal, public in each_audit:
        texts |= public
    return {t for t in texts if t.strip()}


def audit_public_texts(data: AuditFile, publish: Publish) -> frozenset[str]:
    """The texts of one audit that a public reader may see."""
    if publish != "named":
        return frozenset()
    texts: set[str] = set()
    if may_see("public", data.visibility):
        texts.add(data.auditor)
        texts.update(source.instrument or "" for source in data.sources)
    for entry in data.metrics.values():
        if may_see("public", entry.visibility or data.visibility):
            texts.add(entry.reason or "")
    for action in data.actions:
        if may_see("public", action.visibility or data.visibility):
            texts.add(action.title)
    for unit in data.units.values():
        if unit.visibility == "public":
            texts.add(unit.name)
    for response in data.responses:
        if may_see("public", response.visibility or data.visibility):
            texts.add(response.text)
    return frozenset(t for t in texts if t.strip())


def canaries(project: Project, each_audit: Sequence[AuditTexts]) -> list[str]:
    """Internal texts worth scanning for: each line of each text, 6 characters or more;
    ``each_audit``: every audit's `audit_texts`."""
    found = set()
    for text in internal_texts(project, each_audit):
        for line in text.splitlines():
            flat = " ".join(line.split())
            if len(flat) >= 6:
                found.add(flat)
    # An internal text that is also public (an owner who is also the auditor) is no secret.
    public = "\n".join(" ".join(t.split()) for t in public_texts(project, each_audit))
    shared = LeakScanner(found).all_in(public) if found else set()
    return sorted(found - shared)


def public_scan(project: Project, each_audit: Sequence[AuditTexts]) -> PublicScan:
    """What the public site and packets must not hold: the canaries, and the ids of the
    institutions not published by name (5 characters or more); ``each_audit``: every audit's
    `audit_texts` (``Facts.texts``)."""
    private_ids = [
        i.id for i in project.institutions.values() if i.data.publish != "named" and len(i.id) >= 5
    ]
    return PublicScan(canaries(project, each_audit), private_ids)
