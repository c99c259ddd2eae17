"""A deterministic generator of sample scorecard projects.

`write_sample_project` writes a complete project (``mkdocs.yml``, institutions, audits and an
about page) in the layout of SPEC.md, with values drawn around the published benchmarks of the
built-in framework. The same arguments always give byte-identical files. Every institution is
fictional: names are built from invented place names.

The module depends only on the standard library and PyYAML, and imports nothing else from
``scorecard``, so that tests and benchmarks can use it on its own::

    python -m scorecard.sample DIR [--institutions N] [--periods P] [--seed S] [--lean]
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FRAMEWORK_PATH = Path(__file__).parent / "builtin" / "framework.yml"

__all__ = ["FRAMEWORK_PATH", "main", "write_sample_project"]

# --------------------------------------------------------------------------------------------
# Fixed vocabularies. Place names are invented; descriptors avoid religious or founder names so
# that no combination reads as a real hospital.

_STEMS: tuple[str, ...] = tuple(
    (
        "Harrow Linden Thistle Bramble Quill Morrow Ember Corrin Tamber Kestrel Orrin Pell "
        "Sorrel Yarrow Bellin Everly Hollin Ivel Jessam Kelder Larch Mistle Nettle Oriel "
        "Penrow Rook Tansy Umber Vell Yew Aster Brindle Caddis Dapple Elver Fennel Gorse "
        "Heron Juniper Marlin Ottery Quince Rushen Teasel Wisp"
    ).split()
)
_SUFFIXES: tuple[str, ...] = tuple(
    (
        "gate field brook mere ford wick stead haven crest ridge dale moor combe vale thorpe "
        "shaw marsh holm ley fold"
    ).split()
)
# Combinations that are real places (or too close to one) are never used.
_DENY_PLACES = frozenset(
    {
        "Hollinfield",
        "Yewdale",
        "Yewfield",
        "Larchfield",
        "Heronfield",
        "Rookley",
        "Herongate",
        "Larchmere",
        "Gorseley",
        "Heronsford",
        "Pellfield",
        "Nettlestead",
        "Nettlecombe",
        "Nettlefold",
        "Rookfield",
    }
)
_MODIFIERS = ("North", "South", "East", "West", "Upper", "Lower", "New", "Old", "Port")

_DESCRIPTORS: dict[str, tuple[str, ...]] = {
    "academic-medical-center": (
        "University Medical Center",
        "Academic Medical Center",
        "University Hospital",
        "Medical Center",
    ),
    "community-hospital": (
        "Community Hospital",
        "General Hospital",
        "Regional Medical Center",
        "Area Hospital",
    ),
    "health-system": ("Health", "Health System", "Healthcare"),
    "group-practice": ("Medical Group", "Physician Partners", "Clinic"),
    "other": ("Rehabilitation Institute", "Specialty Center"),
}

_REGIONS: tuple[str, ...] = tuple(
    (
        "US-MA US-OH US-PA US-NY US-IL US-MN US-WI US-MI US-CA US-OR US-WA US-CO US-NC US-GA "
        "US-TX US-VT US-ME US-NH US-MD US-VA"
    ).split()
)

_AUDITORS = (
    "Office of Professional Wellbeing",
    "Chief Wellness Officer",
    "Physician Wellbeing Council",
    "Office of the Chief Medical Officer",
    "Quality and Patient Safety Office",
    "Medical Staff Office",
)

# metric -> (reason, the institution kinds for which it is believable)
_NA_REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "recognition.mentorship_coverage": (
        "No early-career physicians joined in the last five years",
        ("community-hospital", "group-practice", "other"),
    ),
    "recognition.non_volume_incentives": (
        "Salaried physicians without incentive pay",
        ("academic-medical-center", "community-hospital", "health-system", "other"),
    ),
    "autonomy.prior_auth_turnaround": (
        "Integrated plan: no external payer prior authorisation",
        ("health-system",),
    ),
    "outcomes.third_next_available": (
        "Inpatient-only service without scheduled appointments",
        ("other",),
    ),
    "complex_care.visit_minutes_new": (
        "New complex-care patients are seen as inpatients only",
        ("academic-medical-center", "community-hospital", "health-system"),
    ),
    "complex_care.accepting_new": (
        "Complex-care service takes consults only, no own panels",
        ("academic-medical-center", "community-hospital", "health-system", "other"),
    ),
}

# internal notes on a metric, by how the metric is collected ("" for any)
_METRIC_NOTES: dict[str, tuple[str, ...]] = {
    "survey": (
        "response rate low in surgery",
        "includes locum physicians",
        "question wording changed this period",
    ),
    "ehr-log": (
        "vendor report, awaiting validation",
        "pilot units only",
        "excludes residents",
    ),
    "hr": (
        "figure from the finance team, not yet reconciled",
        "includes locum physicians",
    ),
    "payer": ("two denials escalated", "largest two payers only"),
    "": ("definition changed this period", "estimate from a one-week time study"),
}

_AUDIT_NOTES = (
    "Survey response rate fell in surgery; repeat the pulse survey next quarter.",
    "Two department chairs asked to see unit results before publication.",
    "Inbox volume rose after the patient portal relaunch.",
    "The physician council reviewed these results on a closed agenda.",
    "Prior-authorisation hours are self-reported; validate against the payer portal.",
    "Early-career physicians report less control over their schedule than seniors.",
    "Scribe pilot expanded to three more clinics.",
    "Staffing vacancies in hospital medicine remain the main driver of work pace.",
    "The board asked for a quarterly update on intent to leave.",
    "Complex-care referrals still exceed clinic capacity.",
)

_UNITS: tuple[tuple[str, str], ...] = (
    ("emergency", "Emergency Department"),
    ("primary-care", "Primary Care"),
    ("hospital-medicine", "Hospital Medicine"),
    ("surgery", "Surgical Services"),
    ("pediatrics", "Pediatrics"),
    ("oncology", "Oncology"),
    ("complex-care", "Complex Care Clinic"),
)

# who owns an action, by pillar
_OWNERS: dict[str, tuple[str, ...]] = {
    "admin": ("CMIO", "CMO", "Director of Clinical Informatics"),
    "mission": ("CMO", "Chief Wellness Officer", "Physician Council"),
    "autonomy": ("CMO", "VP Revenue Cycle", "Chair of Medicine"),
    "safety": ("Director of Patient Safety", "CNO", "CMO"),
    "recognition": ("Chief Wellness Officer", "HR Director", "Chair of Medicine"),
    "outcomes": ("Chief Wellness Officer", "HR Director", "COO"),
    "complex_care": ("Complex Care Clinic Lead", "CMO", "VP Revenue Cycle"),
}

_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "admin": (
        ("ambient-scribes", "Ambient scribes for all primary care"),
        ("inbox-triage", "Team-based inbox triage in every clinic"),
        ("standing-orders", "Standing orders entered by the care team"),
        ("note-templates", "Shorter note templates"),
    ),
    "mission": (
        ("physician-metrics-council", "Physician council approves physician-facing metrics"),
        ("pay-redesign", "Reduce the volume share of target pay"),
        ("wellbeing-plan", "Well-being goal in the strategic plan"),
    ),
    "autonomy": (
        ("gold-carding", "Ask payers for gold-carding of frequent requests"),
        ("prior-auth-team", "Central prior-authorisation team"),
        ("fewer-sign-offs", "Remove non-clinical sign-offs from referrals"),
        ("protocol-deviation", "Allow documented deviation from protocols"),
    ),
    "safety": (
        ("safety-huddles", "Daily safety huddles in every unit"),
        ("anonymous-reporting", "Anonymous reporting channel"),
        ("aggression-protocol", "Protocol for aggressive patients and visitors"),
        ("learning-reviews", "Learning reviews instead of blame reviews"),
    ),
    "recognition": (
        ("mentor-programme", "A mentor for every early-career physician"),
        ("advocacy-awards", "Annual awards for advocacy and teaching"),
        ("protected-time", "Protected time for QI and teaching"),
    ),
    "outcomes": (
        ("stay-interviews", "Stay interviews with every physician"),
        ("open-access", "Open-access scheduling pilot"),
    ),
    "complex_care": (
        ("message-policy", "Published expectations for patient messages"),
        ("longer-new-visits", "Ninety-minute new complex-care visits"),
        ("complexity-targets", "Complexity-adjusted productivity targets"),
    ),
}

_CORE = ("admin", "mission", "autonomy", "safety", "recognition")

# Decimals by unit; physical bounds by metric (otherwise 0..100 for percents, >= 0 for numbers).
_DECIMALS = {
    "hours": 1,
    "minutes": 0,
    "%": 1,
    "% positive": 1,
    "% of FTE": 1,
    "requests": 0,
    "days": 0,
    "sign-offs": 0,
    "mean": 2,
    "points": 1,
    "messages": 1,
    "months": 0,
}
_BOUNDS = {
    "safety.team_psych_safety": (1.0, 7.0),
    "recognition.leader_behavior": (12.0, 60.0),
    "outcomes.joy_score": (10.0, 50.0),
    "outcomes.third_next_available": (2.0, 120.0),
    "complex_care.new_patient_wait": (14.0, 730.0),
    "complex_care.visit_minutes_new": (30.0, 120.0),
    "complex_care.diagnostic_delay": (2.0, 120.0),
}

# The typical value of a metric in the simulated population, close to the published values
# cited in METRICS.md (a little better, since organisations that audit themselves tend to be the
# ones that act). An institution of average quality sits here; better ones sit nearer the target.
_TYPICAL: dict[str, float] = {
    "admin.ehr_time_per_8h": 5.6,
    "admin.work_outside_work": 80,
    "admin.inbox_time_per_8h": 60,
    "admin.documentation_time_ok": 61,
    "admin.ambient_documentation": 30,
    "admin.orders_with_team": 25,
    "mission.values_alignment": 71.4,
    "mission.meaningful_work": 80.8,
    "mission.career_fit": 58,
    "mission.volume_pay_share": 50,
    "autonomy.workload_control": 57,
    "autonomy.prior_auth_requests_week": 32,
    "autonomy.prior_auth_hours_week": 11,
    "autonomy.prior_auth_turnaround": 7,
    "autonomy.approval_layers": 1.6,
    "safety.speak_up": 76,
    "safety.response_to_error": 61,
    "safety.management_support": 68,
    "safety.staffing_work_pace": 56,
    "safety.team_psych_safety": 4.8,
    "safety.patient_aggression": 45,
    "recognition.feel_valued": 54.5,
    "recognition.job_satisfaction": 72.1,
    "recognition.protected_time": 25,
    "recognition.mentorship_coverage": 55,
    "recognition.non_volume_incentives": 15,
    "recognition.leader_behavior": 42,
    "outcomes.burnout": 43.2,
    "outcomes.intent_to_leave": 31.9,
    "outcomes.turnover": 7.6,
    "outcomes.joy_score": 31,
    "outcomes.third_next_available": 30,
    "complex_care.new_patient_wait": 200,
    "complex_care.accepting_new": 60,
    "complex_care.departures": 8,
    "complex_care.prior_auth_hours": 13,
    "complex_care.messages_per_8h": 15,
    "complex_care.visit_minutes_new": 60,
    "complex_care.collegial_respect": 62,
    "complex_care.diagnostic_delay": 24,
}
# values scheduled in whole blocks of minutes
_STEPS = {"complex_care.visit_minutes_new": 15.0}

SURVEY_ID = "wellbeing-survey"
EHR_ID = "ehr-signal"
HR_ID = "hr-records"
_SOURCE_BY_COLLECTED = {"survey": SURVEY_ID, "ehr-log": EHR_ID, "hr": HR_ID}

# --------------------------------------------------------------------------------------------
# Small YAML emitter: block mappings, flow mappings for leaf entries, conservative plain scalars.

_PLAIN_RE = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ._/()'-]*[A-Za-z0-9.)])?")
_RESERVED = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def _s(text: str) -> str:
    """A YAML scalar for `text`: plain when unambiguous in any context, else double-quoted."""
    if _PLAIN_RE.fullmatch(text) and text.lower() not in _RESERVED and "  " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _num(value: float, decimals: int) -> str:
    """`value` (never negative here) rounded for display: a whole number or fixed decimals."""
    return str(round(value)) if decimals == 0 else f"{value:.{decimals}f}"


def _literal(text: str, indent: str) -> list[str]:
    return [indent + line if line else "" for line in text.splitlines()]


# --------------------------------------------------------------------------------------------
# Framework and periods


@dataclass(frozen=True)
class _Metric:
    id: str
    pillar: str
    kind: str
    floor: float
    span: float
    lo: float
    hi: float
    decimals: int
    collected: str
    survey_item: bool
    max_level: int
    shift: float  # where the typical value sits on the floor (0) .. target (1) scale, minus 0.5
    step: float  # round values to a multiple of this, when not 0
    source: str  # "source: <id>" for the audit's source of this kind of data, or ""
    survey_percent: bool  # a percent from the survey: given with n
    notes: tuple[str, ...]  # internal notes that fit how the metric is collected


def _load_metrics() -> list[_Metric]:
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    framework: dict[str, Any] = yaml.load(FRAMEWORK_PATH.read_text(encoding="utf-8"), loader)
    metrics: list[_Metric] = []
    for mid, spec in framework["metrics"].items():
        kind = str(spec["kind"])
        collected = str(spec.get("collected", ""))
        floor = float(spec.get("floor", 0.0))
        target = float(spec.get("target", 1.0))
        lo, hi = _BOUNDS.get(mid, (0.0, 100.0 if kind == "percent" else float("inf")))
        metrics.append(
            _Metric(
                id=str(mid),
                pillar=str(mid).split(".", 1)[0],
                kind=kind,
                floor=floor,
                span=target - floor,
                lo=lo,
                hi=hi,
                decimals=_DECIMALS.get(str(spec.get("unit", "")), 1),
                collected=collected,
                survey_item=bool(spec.get("survey_item", False)),
                max_level=int(spec.get("max", 0)),
                shift=(_TYPICAL[mid] - floor) / (target - floor) - 0.5
                if mid in _TYPICAL and target != floor
                else 0.0,
                step=_STEPS.get(mid, 0.0),
                source=f"source: {_SOURCE_BY_COLLECTED[collected]}"
                if collected in _SOURCE_BY_COLLECTED
                else "",
                survey_percent=kind == "percent" and collected == "survey",
                notes=_METRIC_NOTES.get(collected, _METRIC_NOTES[""]),
            )
        )
    return metrics


@dataclass(frozen=True)
class _Period:
    label: str
    start: dt.date
    end: dt.date


_PERIOD_RE = re.compile(r"(\d{4})(?:-([QH])([1-4]))?")


def _periods(first: str, count: int) -> list[_Period]:
    match = _PERIOD_RE.fullmatch(first)
    if match is None:
        raise ValueError(f"period {first!r} is not like 2025-Q1, 2025-H1 or 2025")
    year = int(match.group(1))
    letter = match.group(2) or ""
    index = int(match.group(3) or 1)
    per_year = {"Q": 4, "H": 2, "": 1}[letter]
    if index > per_year:
        raise ValueError(f"period {first!r} does not exist")
    months = 12 // per_year
    out: list[_Period] = []
    for _ in range(count):
        label = f"{year}-{letter}{index}" if letter else str(year)
        end_month = index * months
        start = dt.date(year, end_month - months + 1, 1)
        end = dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
        out.append(_Period(label, start, end))
        index += 1
        if index > per_year:
            index = 1
            year += 1
    return out


# --------------------------------------------------------------------------------------------
# Institutions


@dataclass
class _Action:
    id: str
    pillar: str
    title: str
    owner: str
    started: int
    duration: int
    dropped_at: int | None
    due: dt.date
    internal: bool


@dataclass
class _Institution:
    id: str
    name: str
    kind: str
    region: str
    beds: int | None
    physicians: int
    peer_group: str
    website: str | None
    publish: str
    auditor: str
    has_cc: bool
    cc_clinicians: int
    response_rate: float
    base: dict[str, float] = field(default_factory=dict)
    drift: dict[str, float] = field(default_factory=dict)
    offset: dict[str, float] = field(default_factory=dict)
    thresholds: dict[str, list[float]] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()
    not_applicable: dict[str, str] = field(default_factory=dict)
    ehr_start: int = 0
    units: list[tuple[str, str, int, bool]] = field(default_factory=list)
    unit_metrics: tuple[str, ...] = ()
    units_from: int | None = None
    actions: list[_Action] = field(default_factory=list)
    action_ids: set[str] = field(default_factory=set)
    eligible: tuple[_Metric, ...] = ()  # the metrics this institution ever reports


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _places(rng: random.Random) -> list[str]:
    """Invented place names in a shuffled order where neighbours share no stem or suffix."""
    pairs = [
        (stem, suffix)
        for stem in _STEMS
        for suffix in _SUFFIXES
        if stem + suffix not in _DENY_PLACES
        and stem[-1] != suffix[0]
        and not (suffix == "ley" and stem[-1] in "ey")
    ]
    rng.shuffle(pairs)
    base: list[str] = []
    while pairs:
        stems: set[str] = set()
        suffixes: set[str] = set()
        rest: list[tuple[str, str]] = []
        for stem, suffix in pairs:
            if stem in stems or suffix in suffixes:
                rest.append((stem, suffix))
            else:
                base.append(stem + suffix)
                stems.add(stem)
                suffixes.add(suffix)
        pairs = rest
    modified = [f"{mod} {place}" for mod in _MODIFIERS for place in base]
    rng.shuffle(modified)
    return base + modified


def _kinds(count: int, rng: random.Random) -> list[str]:
    if count <= 1:
        return ["academic-medical-center"] * count
    academic = max(1, round(count * 0.4))
    rest = count - academic
    systems = round(rest * 0.15)
    groups = round(rest * 0.12)
    other = round(rest * 0.02)
    hospitals = rest - systems - groups - other
    kinds = (
        ["academic-medical-center"] * academic
        + ["community-hospital"] * hospitals
        + ["health-system"] * systems
        + ["group-practice"] * groups
        + ["other"] * other
    )
    rng.shuffle(kinds)
    return kinds


def _size(kind: str, rng: random.Random) -> tuple[int | None, int]:
    """Beds (None for a group practice) and physicians, in believable proportions."""
    if kind == "academic-medical-center":
        beds = rng.randint(40, 120) * 10
        return beds, round(beds * rng.uniform(1.2, 2.2) / 10) * 10
    if kind == "health-system":
        beds = rng.randint(60, 250) * 10
        return beds, round(beds * rng.uniform(0.8, 1.5) / 10) * 10
    if kind == "community-hospital":
        beds = rng.randint(8, 40) * 10
        return beds, max(30, round(beds * rng.uniform(0.4, 1.0) / 5) * 5)
    if kind == "group-practice":
        return None, rng.randint(4, 30) * 10
    return rng.randint(3, 12) * 10, rng.randint(3, 10) * 10


def _make_institutions(
    count: int, periods: int, rich: bool, metrics: Sequence[_Metric], rng: random.Random
) -> list[_Institution]:
    places = _places(rng)
    kinds = _kinds(count, rng)
    cc_set = set(rng.sample(range(count), max(1, round(count / 3)))) if count else set()
    unit_set: list[int] = []
    if rich and count:
        unit_set = sorted(rng.sample(range(count), max(1, round(count * 0.3))))
    used_ids: set[str] = set()
    used_names: set[str] = set()
    out: list[_Institution] = []
    for i, kind in enumerate(kinds):
        place = places[i % len(places)]
        name = f"{place} {rng.choice(_DESCRIPTORS[kind])}"
        ident = _slug(place)
        serial = 2
        while name in used_names:
            name = f"{place} {rng.choice(_DESCRIPTORS[kind])} {serial}"
            serial += 1
        base_id, serial = ident, 2
        while ident in used_ids:
            ident = f"{base_id}-{serial}"
            serial += 1
        used_ids.add(ident)
        used_names.add(name)
        beds, physicians = _size(kind, rng)
        website = f"https://example.org/{ident}" if not rich or rng.random() < 0.85 else None
        inst = _Institution(
            id=ident,
            name=name,
            kind=kind,
            region=rng.choice(_REGIONS),
            beds=beds,
            physicians=physicians,
            peer_group="academic" if kind == "academic-medical-center" else "community",
            website=website,
            publish="named",
            auditor=rng.choice(_AUDITORS),
            has_cc=i in cc_set,
            cc_clinicians=max(4, round(physicians * rng.uniform(0.01, 0.04))),
            response_rate=rng.uniform(0.32, 0.72),
        )
        _make_levels(inst, periods, rich, metrics, rng)
        out.append(inst)

    if rich and count >= 8:
        # exactly one anonymous and one private institution; the private one from the larger
        # peer group, so that the other group keeps all of its members in public comparisons
        groups: dict[str, list[int]] = {}
        for i, inst in enumerate(out):
            groups.setdefault(inst.peer_group, []).append(i)
        largest = max(sorted(groups), key=lambda g: len(groups[g]))
        private = rng.choice(groups[largest])
        anonymous = rng.choice([i for i in range(count) if i != private])
        out[private].publish = "private"
        out[anonymous].publish = "anonymous"

    # every metric of the catalogue is collected by at least one institution that can report it
    for m in metrics:
        eligible = [i for i in out if i.has_cc or m.pillar != "complex_care"]
        if eligible and all(m.id in i.skipped for i in eligible):
            eligible[0].skipped = eligible[0].skipped - {m.id}

    for inst in out:
        inst.eligible = tuple(
            m
            for m in metrics
            if m.id not in inst.skipped and (inst.has_cc or m.pillar != "complex_care")
        )

    for number, i in enumerate(unit_set):
        _make_units(
            out[i], periods, rng, tiny=number == 0, public=number == min(1, len(unit_set) - 1)
        )
    return out


def _make_levels(
    inst: _Institution, periods: int, rich: bool, metrics: Sequence[_Metric], rng: random.Random
) -> None:
    """Quality per pillar (0 = at the floor, 1 = at the target) and its drift per period."""
    roll = rng.random()
    if roll < 0.4:
        trend = rng.uniform(0.015, 0.045)  # improving
    elif roll < 0.65:
        trend = rng.uniform(-0.04, -0.01)  # declining
    else:
        trend = rng.uniform(-0.01, 0.01)  # flat
    trend *= min(1.0, 8.0 / max(1, periods))  # long histories drift as far, not further
    overall = rng.uniform(0.25, 0.7)
    for pillar in _CORE:
        inst.base[pillar] = overall + rng.uniform(-0.15, 0.15)
        inst.drift[pillar] = trend + rng.uniform(-0.012, 0.012)
    inst.base["outcomes"] = sum(inst.base[p] for p in _CORE) / 5 + rng.uniform(-0.08, 0.08)
    inst.drift["outcomes"] = 0.8 * sum(inst.drift[p] for p in _CORE) / 5
    # complex care lags behind the rest of the organisation, and moves more slowly
    inst.base["complex_care"] = overall - 0.15 + rng.uniform(-0.12, 0.12)
    inst.drift["complex_care"] = 0.6 * trend + rng.uniform(-0.01, 0.01)
    skipped: set[str] = set()
    for m in metrics:
        inst.offset[m.id] = rng.uniform(-0.12, 0.12)
        if m.kind == "boolean":
            inst.thresholds[m.id] = [rng.uniform(0.2, 0.85)]
        elif m.kind == "level":
            inst.thresholds[m.id] = sorted(rng.uniform(0.1, 0.95) for _ in range(m.max_level))
        never = {"payer": 0.4, "chart-review": 0.35}.get(m.collected, 0.05)
        if rng.random() < never and not m.id.startswith("outcomes."):
            skipped.add(m.id)
    inst.skipped = frozenset(skipped)
    inst.ehr_start = rng.choice((0, 0, 0, 1, 2))
    if rich and rng.random() < 0.35:
        candidates = sorted(
            mid
            for mid, (_, kinds) in _NA_REASONS.items()
            if inst.kind in kinds and (inst.has_cc or not mid.startswith("complex_care."))
        )
        if candidates:
            chosen = rng.choice(candidates)
            inst.not_applicable[chosen] = _NA_REASONS[chosen][0]


def _make_units(
    inst: _Institution, periods: int, rng: random.Random, *, tiny: bool, public: bool
) -> None:
    pool = [u for u in _UNITS if inst.has_cc or u[0] != "complex-care"]
    chosen = rng.sample(pool, rng.choice((2, 3)))
    for k, (uid, uname) in enumerate(chosen):
        if tiny and k == len(chosen) - 1:
            size = rng.choice((3, 4))
        elif rng.random() < 0.3 and not (public and k == 0):
            size = rng.randint(6, 9)
        else:
            size = rng.randint(10, 45)
        inst.units.append((uid, uname, size, public and k == 0))
    survey_items = ("safety.speak_up", "safety.response_to_error", "recognition.feel_valued")
    inst.unit_metrics = tuple(
        sorted(rng.sample(survey_items + ("admin.documentation_time_ok",), 3))
    )
    inst.units_from = max(0, periods - rng.randint(2, 4))


# --------------------------------------------------------------------------------------------
# Audits


def _position(inst: _Institution, pillar: str, t: int) -> float:
    return inst.base[pillar] + inst.drift[pillar] * t


def _advance_actions(inst: _Institution, t: int, period: _Period, rng: random.Random) -> None:
    inst.actions = [
        a
        for a in inst.actions
        if t - a.started <= a.duration and (a.dropped_at is None or a.dropped_at >= t)
    ]
    while len(inst.actions) < 1 or (len(inst.actions) < 3 and rng.random() < 0.3):
        pillars = sorted(_ACTIONS) if inst.has_cc else [p for p in _ACTIONS if p != "complex_care"]
        pillar = rng.choice(pillars)
        slug, title = rng.choice(_ACTIONS[pillar])
        ident, serial = slug, 2
        while ident in inst.action_ids:
            ident = f"{slug}-{serial}"
            serial += 1
        inst.action_ids.add(ident)
        duration = rng.randint(2, 5)
        due = period.end + dt.timedelta(days=91 * duration)
        due = dt.date(due.year, due.month, calendar.monthrange(due.year, due.month)[1])
        inst.actions.append(
            _Action(
                id=ident,
                pillar=pillar,
                title=title,
                owner=rng.choice(_OWNERS[pillar]),
                started=t,
                duration=duration,
                dropped_at=t + rng.randint(1, duration) if rng.random() < 0.1 else None,
                due=due,
                internal=rng.random() < 0.2,
            )
        )


def _action_lines(inst: _Institution, t: int) -> list[str]:
    lines = ["actions:"]
    for a in inst.actions:
        if a.dropped_at is not None and t >= a.dropped_at:
            status = "dropped"
        elif t == a.started:
            status = "planned"
        elif t - a.started >= a.duration:
            status = "done"
        else:
            status = "in-progress"
        lines += [
            f"  - id: {a.id}",
            f"    pillar: {a.pillar}",
            f"    title: {_s(a.title)}",
            f"    owner: {_s(a.owner)}",
            f"    due: {a.due.isoformat()}",
            f"    status: {status}",
        ]
        if a.internal:
            lines.append("    visibility: internal")
    return lines


def _audit_text(
    inst: _Institution,
    t: int,
    period: _Period,
    rich: bool,
    rng: random.Random,
) -> str:
    rand = rng.random
    audited = period.end + dt.timedelta(days=rng.randint(-20, 45))
    rate = min(0.95, max(0.1, inst.response_rate + (rand() - 0.5) * 0.1))
    invited = inst.physicians
    responded = max(3, round(invited * rate))
    cc_responded = max(3, round(inst.cc_clinicians * min(0.95, rate + 0.15)))
    lines = [
        f"audited: {audited.isoformat()}",
        f"auditor: {_s(inst.auditor)}",
        "visibility: public",
        "sources:",
        f"  - id: {SURVEY_ID}",
        "    kind: survey",
        "    instrument: Mini-Z 2.0",
        f"    invited: {invited}",
        f"    responded: {responded}",
        f"  - id: {EHR_ID}",
        "    kind: ehr-log",
        f"  - id: {HR_ID}",
        "    kind: hr",
        "metrics:",
    ]
    positions = {p: _position(inst, p, t) for p in inst.base}
    p_missing = 0.06 if rich else 0.04
    p_not_reported = 0.025 if rich else 0.01
    p_internal = 0.03 if rich else 0.01
    pcts: dict[str, float] = {}
    for m in inst.eligible:
        mid = m.id
        if m.collected == "ehr-log" and t < inst.ehr_start:
            continue
        if mid in inst.not_applicable:
            lines.append(
                f"  {mid}: {{status: not-applicable, reason: {_s(inst.not_applicable[mid])}}}"
            )
            continue
        roll = rand()
        if roll < p_missing and mid not in ("outcomes.burnout", "outcomes.turnover"):
            continue
        if roll > 1.0 - p_not_reported:
            lines.append(f"  {mid}: {{status: not-reported}}")
            continue
        base = positions[m.pillar] + inst.offset[mid]
        parts: list[str]
        if m.kind == "boolean":
            parts = ["value: " + ("true" if base > inst.thresholds[mid][0] else "false")]
        elif m.kind == "level":
            parts = [f"value: {sum(1 for th in inst.thresholds[mid] if base > th)}"]
        else:
            pos = base + m.shift + (rand() + rand() - 1.0) * 0.08
            pos = -0.15 if pos < -0.15 else 1.1 if pos > 1.1 else pos
            value = m.floor + m.span * pos
            if m.step:
                value = round(value / m.step) * m.step
            value = m.lo if value < m.lo else m.hi if value > m.hi else value
            if m.survey_percent:
                pcts[mid] = value
                total = cc_responded if m.pillar == "complex_care" else responded
                n = max(1, total - int(total * rand() * 0.04))
                if m.survey_item and rand() < 0.88:
                    positive = min(n, max(0, round(n * value / 100.0)))
                    parts = [f"positive: {positive}", f"n: {n}"]
                else:
                    parts = [f"value: {_num(value, m.decimals)}", f"n: {n}"]
            else:
                parts = [f"value: {_num(value, m.decimals)}"]
        if m.source and (not rich or rand() < 0.85):
            parts.append(m.source)
        if rand() < p_internal:
            parts.append("visibility: internal")
            parts.append(f"note: {_s(rng.choice(m.notes))}")
        elif rich and rand() < 0.015:
            parts.append(f"note: {_s(rng.choice(m.notes))}")
        lines.append(f"  {mid}: {{{', '.join(parts)}}}")

    if rich and inst.units_from is not None and t >= inst.units_from:
        lines.append("units:")
        for uid, uname, size, public in inst.units:
            lines.append(f"  {uid}:")
            lines.append(f"    name: {_s(uname)}")
            if public:
                lines.append("    visibility: public")
            lines.append("    metrics:")
            for mid in inst.unit_metrics:
                pct = pcts.get(mid, 60.0) + (rand() - 0.5) * 24.0
                pct = 0.0 if pct < 0.0 else 100.0 if pct > 100.0 else pct
                n = max(1, size - (1 if rand() < 0.3 else 0))
                positive = min(n, max(0, round(n * pct / 100.0)))
                lines.append(f"      {mid}: {{positive: {positive}, n: {n}}}")

    if rich:
        _advance_actions(inst, t, period, rng)
        lines += _action_lines(inst, t)
        if rand() < 0.3:
            chosen = rng.sample(_AUDIT_NOTES, rng.randint(2, 3))
            lines.append("notes: |")
            lines += _literal("\n".join(chosen), "  ")
    return "\n".join(lines) + "\n"


def _institution_text(inst: _Institution) -> str:
    lines = [
        f"name: {_s(inst.name)}",
        f"kind: {inst.kind}",
        f"region: {inst.region}",
    ]
    if inst.beds is not None:
        lines.append(f"beds: {inst.beds}")
    lines += [f"physicians: {inst.physicians}", f"peer_group: {inst.peer_group}"]
    if inst.website is not None:
        lines.append(f"website: {inst.website}")
    lines.append(f"publish: {inst.publish}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Site files

_MKDOCS = """\
site_name: {site_name}
site_description: Organisational health of a fictional physician network, pillar by pillar.
theme:
  name: material
  features:
    - navigation.instant
    - navigation.tracking
    - search.highlight
    - content.tabs.link
    - navigation.top
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/brightness-7
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/brightness-4
        name: Switch to light mode
plugins:
  - search
markdown_extensions:
  - tables
  - attr_list
  - admonition
  - toc:
      permalink: true
"""

_ABOUT = """\
# About this scorecard

The **{network}** is a fictional network of hospitals and physician
groups ({count} in this sample). Every name, place and number on this site is invented: it is
sample data, written by `scorecard` to show what a published scorecard looks like.

Each member measures itself every quarter on five pillars that decide whether physicians stay:

1. **Streamline administrative tasks**: time spent on patients, not on clicks, inbox and forms.
2. **Recenter the mission**: stated values, physician involvement and rewarded metrics agree.
3. **Restore autonomy**: decisions at the point of care without layers of approval.
4. **Cultivate psychological safety**: speaking up without fear of reprisal.
5. **Recognise and reward excellence**: advocacy, mentorship and innovation count.

Burnout, intent to leave, turnover, joy and access are reported beside the overall score, so
that readers can see whether the pillars move what they are meant to move. Members that run
complex-care clinics also report the pressures on clinicians who treat complex chronic
conditions.

!!! note "Method"
    The methodology page lists every metric, its target, its floor and the published source
    of the target. Survey results from fewer than 10 respondents are not published.

Questions about the scorecard go to the network's physician council.
"""


def write_sample_project(
    root: Path,
    *,
    institutions: int = 10,
    periods: int = 8,
    seed: int = 7,
    rich: bool = True,
    first_period: str = "2024-Q4",
) -> None:
    """Write a sample scorecard project under `root`.

    The project has `institutions` fictional institutions, each audited every period for
    `periods` periods from `first_period` (quarters like ``2025-Q1``; ``2025-H1`` and ``2025``
    also work). The same arguments always give byte-identical files. With `rich` false the
    files keep the same formats but leave out units, actions, notes and not-applicable
    entries. Existing files with the same paths are overwritten; nothing else is removed.
    """
    if institutions < 0 or periods < 0:
        raise ValueError("institutions and periods must not be negative")
    rng = random.Random(seed)
    metrics = _load_metrics()
    period_list = _periods(first_period, periods)
    insts = _make_institutions(institutions, periods, rich, metrics, rng)

    root = Path(root)
    content = root / "content"
    (content / "institutions").mkdir(parents=True, exist_ok=True)
    (content / "pages").mkdir(parents=True, exist_ok=True)
    audits = content / "audits"
    site_name = "Regional Physician Wellbeing Scorecard"
    _write(root / "mkdocs.yml", _MKDOCS.format(site_name=_s(site_name)))
    _write(
        content / "pages" / "about.md",
        _ABOUT.format(network="Tamberlane Valley Physician Network", count=institutions),
    )
    for inst in insts:
        _write(content / "institutions" / f"{inst.id}.yml", _institution_text(inst))
        folder = audits / inst.id
        if period_list:
            folder.mkdir(parents=True, exist_ok=True)
        for t, period in enumerate(period_list):
            text = _audit_text(inst, t, period, rich, rng)
            _write(folder / f"{period.label}.yml", text)


def _write(path: Path, text: str) -> None:
    # os-level calls: a fresh file per audit, with as few system calls as possible
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scorecard.sample", description="Write a deterministic sample project."
    )
    parser.add_argument("root", type=Path, help="folder to write the project into")
    parser.add_argument("--institutions", type=int, default=10)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--first-period", default="2024-Q4")
    parser.add_argument("--lean", action="store_true", help="no units, actions or notes")
    args = parser.parse_args(argv)
    try:
        write_sample_project(
            args.root,
            institutions=args.institutions,
            periods=args.periods,
            seed=args.seed,
            rich=not args.lean,
            first_period=args.first_period,
        )
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
